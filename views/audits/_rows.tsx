import type { AuditView } from "../../services/audits/schemas.ts";
import { actorText, auditsUrl, formatTime } from "./format.ts";

export const AUDIT_COLUMNS = 5;

/** Resource pages an audit row can link to. */
const RESOURCE_PAGE: Record<string, (id: string) => string> = {
  health_check: (id) => `/checks/${id}`,
  project: (id) => `/projects/${id}`,
  client: (id) => `/clients/${id}`,
  notification_channel: (id) => `/notifications/channels/${id}`,
};

function AuditRow({ audit, name }: { audit: AuditView; name?: string }) {
  const page = audit.resource_id && RESOURCE_PAGE[audit.resource_type];
  const { actor } = audit;
  return (
    <tr id={`audit-${audit.seq}`} class="audit-row">
      <td>
        <time datetime={audit.created_at}>{formatTime(audit.created_at)}</time>
      </td>
      <td>
        {actor.id
          ? <a href={auditsUrl({ actor_id: actor.id })} title="Only this actor's entries">{actorText(actor)}</a>
          : <span class="muted">{actorText(actor)}</span>}
        {actor.type === "api_key" && <span class="tag">API key</span>}
      </td>
      <td>
        <a href={`/audits/${audit.id}`} class="audit-action">
          <code>{audit.action}</code>
        </a>
      </td>
      <td>
        {audit.resource_type}
        {name && (
          <>
            {" "}
            {page
              ? <a href={page(audit.resource_id!)} class="audit-resource">{name}</a>
              : <strong class="audit-resource">{name}</strong>}
          </>
        )}
        {audit.resource_id && <small class="muted audit-id">{audit.resource_id}</small>}
      </td>
      <td class="muted">{audit.ip ?? "—"}</td>
    </tr>
  );
}

/**
 * The table's rows, rendered into the page and alone as the infinite-scroll
 * fragment. The last row is the "older entries" link: htmx swaps it for the
 * next page when it scrolls into view; without JavaScript it is a plain link.
 */
export function AuditRows(
  { rows, nextUrl, names = new Map() }: { rows: AuditView[]; nextUrl: string | null; names?: Map<string, string> },
) {
  return (
    <>
      {rows.map((audit) => <AuditRow key={audit.id} audit={audit} name={names.get(audit.id)} />)}
      {nextUrl && (
        <tr class="audit-more" hx-get={nextUrl} hx-trigger="revealed" hx-swap="outerHTML">
          <td colSpan={AUDIT_COLUMNS}>
            <a href={nextUrl}>Older entries</a>
          </td>
        </tr>
      )}
    </>
  );
}
