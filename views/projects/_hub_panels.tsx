import { useContext } from "preact/hooks";
import type { AuditView } from "../../services/audits/schemas.ts";
import { can } from "../../services/auth/permissions.ts";
import type { ProjectWithEnvironments } from "../../services/projects/schemas.ts";
import { CsrfField } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";
import { shortTime } from "../users/format.ts";

/** Client, environments, repository, tags and description, with the actions the viewer may take. */
export function OverviewPanel({ project: p }: { project: ProjectWithEnvironments }) {
  const { principal, csrfToken } = useContext(PageContext);
  const canWrite = principal ? can(principal, "projects", "write") : false;
  const canDelete = principal ? can(principal, "projects", "delete") : false;
  const archived = p.archived_at !== null;
  return (
    <div class="hub-overview">
      <dl class="project-facts">
        <dt>Client</dt>
        <dd>
          {principal && can(principal, "clients", "read")
            ? <a href={`/clients/${p.client_id}`}>{p.client_name}</a>
            : p.client_name}
        </dd>
        <dt>Environments</dt>
        <dd>
          {p.environments.length === 0 ? <span class="muted">None yet.</span> : (
            <ul class="project-environments">
              {p.environments.map((e) => (
                <li key={e.name}>
                  <strong>{e.name}</strong> {e.url
                    ? <a href={e.url} rel="noopener noreferrer" target="_blank">{e.url}</a>
                    : <span class="muted">no URL</span>}
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Repository</dt>
        <dd>
          {p.repository_url
            ? <a href={p.repository_url} rel="noopener noreferrer" target="_blank">{p.repository_url}</a>
            : <span class="muted">Not set.</span>}
        </dd>
        <dt>Tags</dt>
        <dd>
          {p.tags.length === 0
            ? <span class="muted">None.</span>
            : p.tags.map((t) => <a key={t} href={`/projects?tag=${encodeURIComponent(t)}`} class="tag">{t}</a>)}
        </dd>
        <dt>Description</dt>
        <dd class="project-description">{p.description ?? <span class="muted">No description.</span>}</dd>
        <dt>Created</dt>
        <dd>
          <time datetime={p.created_at.toISOString()}>{shortTime(p.created_at)}</time>
          {archived && (
            <>
              {" "}· archived <time datetime={p.archived_at!.toISOString()}>{shortTime(p.archived_at!)}</time>
            </>
          )}
        </dd>
      </dl>
      {principal && can(principal, "health_checks", "write") && !archived && (
        <p>
          <a href={`/checks/new?project_id=${p.id}`} role="button" class="outline">Add a check</a>
        </p>
      )}
      {canWrite && (
        <div class="form-actions catalog-buttons">
          <a href={`/projects/${p.id}/edit`} role="button">Edit</a>
          <form method="post" action={`/projects/${p.id}/${archived ? "restore" : "archive"}`} class="inline-form">
            <CsrfField token={csrfToken} />
            <button type="submit" class="secondary">{archived ? "Restore" : "Archive"}</button>
          </form>
          {canDelete && <a href={`/projects/${p.id}/delete`} role="button" class="outline contrast">Delete…</a>}
        </div>
      )}
    </div>
  );
}

const EMPTY: Record<string, { title: string; text: string }> = {
  alerts: {
    title: "No alerts",
    text: "Alerts raised by this project's rules and checks show here, with who acknowledged and resolved them.",
  },
};

/** A tab with nothing to show yet: a friendly word on what will show up here. */
export function EmptyPanel({ tab }: { tab: keyof typeof EMPTY }) {
  const e = EMPTY[tab];
  return (
    <div class="empty-state">
      <p>
        <strong>{e.title}</strong>
      </p>
      <p>{e.text}</p>
    </div>
  );
}

export function isEmptyPanelTab(tab: string): tab is keyof typeof EMPTY {
  return tab in EMPTY;
}

/** The project's audit rows, newest first, each linking to its entry in the audit log. */
export function AuditPanel({ projectId, rows, more }: { projectId: string; rows: AuditView[]; more: boolean }) {
  if (rows.length === 0) return <p class="empty-state">Nothing recorded for this project yet.</p>;
  return (
    <div class="table-wrap">
      <table class="striped catalog-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.id}>
              <td>
                <a href={`/audits/${a.id}`}>
                  <time datetime={a.created_at}>{shortTime(new Date(a.created_at))}</time>
                </a>
              </td>
              <td>{a.actor.label ?? <span class="muted">system</span>}</td>
              <td>
                <code>{a.action}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {more && (
        <p>
          <a href={`/audits?resource_type=project&resource_id=${projectId}`}>Older entries in the audit log →</a>
        </p>
      )}
    </div>
  );
}
