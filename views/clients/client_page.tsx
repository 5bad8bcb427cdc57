import { useContext } from "preact/hooks";
import type { ClientChangeRequestRow, ClientRow, ClientSowRow } from "../../db/queries/clients.ts";
import type { ProjectRow } from "../../db/queries/projects.ts";
import { CsrfField, type FieldErrors, FormField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";

export interface ClientPageProps {
  client: ClientRow;
  projects: ProjectRow[];
  sows: ClientSowRow[];
  changeRequests: ClientChangeRequestRow[];
  canWrite: boolean;
  canDelete: boolean;
  canCreateProject: boolean;
  values?: { name?: string };
  errors?: FieldErrors;
  error?: string;
}

/** A client: its projects, its SOWs and its open change requests, with rename, archive and delete. */
export function ClientPage(props: ClientPageProps) {
  const { client, projects, sows, changeRequests, canWrite } = props;
  const { csrfToken } = useContext(PageContext);
  const archived = client.archived_at !== null;
  return (
    <Layout title={client.name}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/clients">Clients</a>
          </li>
          <li>{client.name}</li>
        </ul>
      </nav>
      <hgroup>
        <h1>
          {client.name}
          {archived && <span class="tag">archived</span>}
        </h1>
        <p>
          {projects.length} active project{projects.length === 1 ? "" : "s"} ·{" "}
          <a href={`/projects?client_id=${client.id}&archived=true`}>archived projects</a>
        </p>
      </hgroup>
      {props.error && <Notice kind="error">{props.error}</Notice>}

      <section class="catalog-panel">
        <h2>Projects</h2>
        {projects.length === 0
          ? (
            <p class="empty-state">
              No active projects for {client.name}.
              {props.canCreateProject && !archived && (
                <>
                  {" "}
                  <a href={`/projects/new?client_id=${client.id}`}>Create the first one</a>.
                </>
              )}
            </p>
          )
          : (
            <ul class="catalog-list">
              {projects.map((p) => (
                <li key={p.id}>
                  <a href={`/projects/${p.id}`}>{p.name}</a> <code>{p.slug}</code>
                  {p.tags.map((t) => <span key={t} class="tag">{t}</span>)}
                </li>
              ))}
            </ul>
          )}
        {props.canCreateProject && !archived && projects.length > 0 && (
          <p>
            <a href={`/projects/new?client_id=${client.id}`} role="button" class="outline small">New project</a>
          </p>
        )}
      </section>

      <section class="catalog-panel">
        <h2>Statements of work</h2>
        {sows.length === 0
          ? <p class="empty-state">No SOWs yet: they are added on a project's Documents tab.</p>
          : (
            <ul class="catalog-list">
              {sows.map((s) => (
                <li key={s.id}>
                  <a href={`/projects/${s.project_id}/documents`}>{s.title}</a>{" "}
                  <span class={`badge badge-${s.status}`}>{s.status}</span>{" "}
                  <small class="muted">{s.project_name}</small>
                </li>
              ))}
            </ul>
          )}
      </section>

      <section class="catalog-panel">
        <h2>Open change requests</h2>
        {changeRequests.length === 0 ? <p class="empty-state">No open change requests.</p> : (
          <ul class="catalog-list">
            {changeRequests.map((r) => (
              <li key={r.id}>
                <a href={`/change-requests/${r.id}`}>{r.title}</a>{" "}
                <span class={`badge badge-${r.status}`}>{r.status}</span>{" "}
                <span class={`priority priority-${r.priority}`}>{r.priority}</span>{" "}
                <small class="muted">{r.project_name}</small>
              </li>
            ))}
          </ul>
        )}
      </section>

      {canWrite && (
        <section class="catalog-panel">
          <h2>Manage</h2>
          <form method="post" action={`/clients/${client.id}`} class="catalog-form catalog-rename">
            <CsrfField token={csrfToken} />
            <FormField
              name="name"
              label="Name"
              value={props.values?.name ?? client.name}
              errors={props.errors}
              required
              maxLength={200}
            />
            <button type="submit" class="outline">Rename</button>
          </form>
          <div class="form-actions catalog-buttons">
            <form
              method="post"
              action={`/clients/${client.id}/${archived ? "restore" : "archive"}`}
              class="inline-form"
            >
              <CsrfField token={csrfToken} />
              <button type="submit" class="secondary">{archived ? "Restore" : "Archive"}</button>
            </form>
            {props.canDelete && (
              <a href={`/clients/${client.id}/delete`} role="button" class="outline contrast">Delete permanently…</a>
            )}
          </div>
          <p>
            <small class="muted">
              Archiving hides the client from lists and pickers and keeps everything; its projects stay as they are.
            </small>
          </p>
        </section>
      )}
    </Layout>
  );
}
