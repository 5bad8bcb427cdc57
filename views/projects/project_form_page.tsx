import type { FieldErrors } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { ProjectForm, type ProjectFormValues } from "./_project_form.tsx";

export interface ProjectFormPageProps {
  /** Absent for a new project. */
  project?: { id: string; name: string };
  clients: { id: string; name: string }[];
  values: ProjectFormValues;
  errors?: FieldErrors;
  error?: string;
}

export function ProjectFormPage({ project, clients, values, errors, error }: ProjectFormPageProps) {
  const title = project ? `Edit ${project.name}` : "New project";
  return (
    <Layout title={title}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/projects">Projects</a>
          </li>
          {project && (
            <li>
              <a href={`/projects/${project.id}`}>{project.name}</a>
            </li>
          )}
          <li>{project ? "Edit" : "New"}</li>
        </ul>
      </nav>
      <h1>{title}</h1>
      {error && <Notice kind="error">{error}</Notice>}
      {clients.length === 0 && !project
        ? (
          <p class="empty-state">
            A project belongs to a client, and there are none yet: <a href="/clients">add a client</a> first.
          </p>
        )
        : (
          <ProjectForm
            action={project ? `/projects/${project.id}` : "/projects"}
            clients={clients}
            values={values}
            errors={errors}
            submitLabel={project ? "Save changes" : "Create project"}
            cancelHref={project ? `/projects/${project.id}` : "/projects"}
          />
        )}
    </Layout>
  );
}
