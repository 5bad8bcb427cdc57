import { useContext } from "preact/hooks";
import type { ChangeRequestRow } from "../../db/queries/change_requests.ts";
import { CsrfField } from "../components/form_field.tsx";
import { RowActionForm } from "../components/row_action_form.tsx";
import { PageContext } from "../page_context.ts";
import { shortTime } from "../users/format.ts";
import { CR_STATUS_BADGE, PRIORITY_BADGE } from "./format.ts";

export interface ChangeRequestRowProps {
  cr: ChangeRequestRow;
  /** Staff who may approve, reject and complete (services/change_requests/workflow.ts canDecide). */
  canDecide: boolean;
  /** A refused action, shown in the row it was refused in. */
  error?: string;
}

/** One change request; rendered in the tab's table and alone as the answer to its htmx actions. */
export function ChangeRequestTableRow({ cr, canDecide, error }: ChangeRequestRowProps) {
  return (
    <tr id={`cr-${cr.id}`}>
      <td>
        <a href={`/change-requests/${cr.id}`}>
          <strong>{cr.title}</strong>
        </a>
        {cr.sow_name && <small class="muted">Under {cr.sow_name}</small>}
      </td>
      <td>
        <span class={`badge ${PRIORITY_BADGE[cr.priority]}`}>{cr.priority}</span>
      </td>
      <td>
        <span class={`badge ${CR_STATUS_BADGE[cr.status]}`}>{cr.status}</span>
        {cr.approver_name && cr.status !== "pending" && <small class="muted">by {cr.approver_name}</small>}
      </td>
      <td>
        {cr.requester_name}
        <small class="muted">
          <time datetime={cr.created_at.toISOString()}>{shortTime(cr.created_at)}</time>
        </small>
      </td>
      <td class="catalog-actions">
        {canDecide && cr.status === "pending" && <DecisionForm cr={cr} />}
        {canDecide && cr.status === "approved" && (
          <RowActionForm action={`/change-requests/${cr.id}/complete`}>
            <button type="submit" class="outline small" aria-label={`Mark “${cr.title}” completed`}>
              Mark completed
            </button>
          </RowActionForm>
        )}
        {error && <small class="field-error" role="alert">{error}</small>}
      </td>
    </tr>
  );
}

/**
 * Approve or reject with an optional comment. With htmx each button posts to
 * its own URL and the row is swapped; without it, `formaction` does the same
 * as a plain post.
 */
function DecisionForm({ cr }: { cr: ChangeRequestRow }) {
  const { csrfToken } = useContext(PageContext);
  const url = (verb: string) => `/change-requests/${cr.id}/${verb}`;
  return (
    <form
      method="post"
      action={url("approve")}
      hx-target="closest tr"
      hx-swap="outerHTML"
      class="inline-form cr-decide"
    >
      <CsrfField token={csrfToken} />
      <input
        type="text"
        name="comment"
        maxLength={5000}
        placeholder="Comment (optional)"
        aria-label={`Comment on “${cr.title}”`}
      />
      <button type="submit" class="small" hx-post={url("approve")} formaction={url("approve")}>Approve</button>
      <button
        type="submit"
        class="outline secondary small"
        hx-post={url("reject")}
        formaction={url("reject")}
      >
        Reject
      </button>
    </form>
  );
}
