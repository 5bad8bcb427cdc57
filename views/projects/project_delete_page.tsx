import { useContext } from "preact/hooks";
import type { ProjectDeletePreview } from "../../services/projects/delete.ts";
import { CsrfField } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";

/** The confirmation before deleting a project for good: what goes with it, or what stops it. */
export function ProjectDeletePage({ project, blockers }: ProjectDeletePreview) {
  const { csrfToken } = useContext(PageContext);
  const envs = project.environments.length;
  return (
    <Layout title={`Delete ${project.name}`}>
      <hgroup>
        <h1>Delete {project.name}?</h1>
        <p>Deleting is permanent. Archiving keeps the project and its history, and can be undone.</p>
      </hgroup>
      {blockers.length
        ? (
          <article class="notice notice-error">
            <p>
              <strong>{project.name} cannot be deleted:</strong> it still has{" "}
              {blockers.join(", ")}. Archive it instead: it leaves the lists and keeps its history.
            </p>
          </article>
        )
        : (
          <article>
            <p>What goes with it:</p>
            <ul>
              <li>the project {project.name} ({project.slug}) of {project.client_name}</li>
              <li>
                {envs === 0
                  ? "no environments"
                  : `its ${envs} environment${envs === 1 ? "" : "s"}: ${
                    project.environments.map((e) => e.name).join(", ")
                  }`}
              </li>
            </ul>
            <p>Its audit history stays in the audit log. The slug becomes free for another project.</p>
            <form method="post" action={`/projects/${project.id}/delete`} class="form-actions catalog-buttons">
              <CsrfField token={csrfToken} />
              <button type="submit" class="contrast">Delete {project.name} permanently</button>
            </form>
          </article>
        )}
      <div class="form-actions catalog-buttons">
        {project.archived_at === null && (
          <form method="post" action={`/projects/${project.id}/archive`} class="inline-form">
            <CsrfField token={csrfToken} />
            <button type="submit" class="secondary">Archive instead</button>
          </form>
        )}
        <a href={`/projects/${project.id}`} role="button" class="outline">Cancel</a>
      </div>
    </Layout>
  );
}
