import { useContext } from "preact/hooks";
import type { ProjectWithEnvironments } from "../../services/projects/schemas.ts";
import { can } from "../../services/auth/permissions.ts";
import { PageContext } from "../page_context.ts";
import { shortTime } from "../users/format.ts";

export const PROJECT_COLUMNS = 5;

export interface ProjectRowsProps {
  projects: ProjectWithEnvironments[];
  /** The list's query string without the cursor, for the "more" link. */
  query: string;
  nextCursor: string | null;
  /** Whether filters are set, for the empty state's wording. */
  filtered: boolean;
}

/**
 * The table body's rows: the whole of the htmx answer to a search, a filter,
 * a sort or "more" (which swaps its own row for the next rows).
 */
export function ProjectRows({ projects, query, nextCursor, filtered }: ProjectRowsProps) {
  const { principal } = useContext(PageContext);
  const linkClients = principal ? can(principal, "clients", "read") : false;
  if (projects.length === 0) {
    return (
      <tr>
        <td colSpan={PROJECT_COLUMNS} class="empty-state">
          {filtered ? "No project matches these filters." : "No projects yet."}
        </td>
      </tr>
    );
  }
  const more = `/projects?${query}${query ? "&" : ""}cursor=${encodeURIComponent(nextCursor ?? "")}`;
  return (
    <>
      {projects.map((p) => (
        <tr key={p.id}>
          <td>
            <a href={`/projects/${p.id}`}>
              <strong>{p.name}</strong>
            </a>
            {p.archived_at && <span class="tag">archived</span>}
            <br />
            <small class="muted">
              <code>{p.slug}</code>
            </small>
          </td>
          <td>{linkClients ? <a href={`/clients/${p.client_id}`}>{p.client_name}</a> : p.client_name}</td>
          <td>
            {p.environments.length === 0
              ? <span class="muted">none</span>
              : p.environments.map((e) => (
                <span key={e.name} class="project-env">
                  {e.url ? <a href={e.url} rel="noopener noreferrer" target="_blank">{e.name}</a> : e.name}
                </span>
              ))}
          </td>
          <td>
            {p.tags.map((t) => <a key={t} href={`/projects?tag=${encodeURIComponent(t)}`} class="tag">{t}</a>)}
          </td>
          <td>
            <time datetime={p.updated_at.toISOString()}>{shortTime(p.updated_at)}</time>
          </td>
        </tr>
      ))}
      {nextCursor && (
        <tr id="projects-more">
          <td colSpan={PROJECT_COLUMNS}>
            <a href={more} hx-get={more} hx-target="closest tr" hx-swap="outerHTML">More projects →</a>
          </td>
        </tr>
      )}
    </>
  );
}
