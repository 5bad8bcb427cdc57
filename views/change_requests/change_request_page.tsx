import { useContext } from "preact/hooks";
import type { ChangeRequestRow } from "../../db/queries/change_requests.ts";
import { driveUrl } from "../../services/sows/documents.ts";
import type { TimelineEntry } from "../../services/change_requests/timeline.ts";
import { CsrfField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { DocumentLinks } from "../sows/_sow_rows.tsx";
import { shortTime } from "../users/format.ts";
import { ChangeRequestForm, type ChangeRequestFormProps } from "./_cr_form.tsx";
import { CR_STATUS_BADGE, PRIORITY_BADGE, TIMELINE_VERB } from "./format.ts";

export interface ChangeRequestPageProps {
  cr: ChangeRequestRow;
  timeline: TimelineEntry[];
  canDecide: boolean;
  canEdit: boolean;
  /** The edit form's state and the project's SOWs. */
  form: Omit<ChangeRequestFormProps, "projectId" | "cr">;
  notice?: { kind: "ok" | "error"; text: string };
}

const at = (date: Date) => <time datetime={date.toISOString()}>{shortTime(date)}</time>;

/** One change request: its facts, the decision for those who may take it, editing while pending, its history. */
export function ChangeRequestPage({ cr, timeline, canDecide, canEdit, form, notice }: ChangeRequestPageProps) {
  return (
    <Layout title={cr.title}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href={`/projects/${cr.project_id}`}>{cr.project_name}</a>
          </li>
          <li>
            <a href={`/projects/${cr.project_id}/change-requests`}>Change requests</a>
          </li>
        </ul>
      </nav>
      <hgroup>
        <h1>{cr.title}</h1>
        <p>
          <span class={`badge ${CR_STATUS_BADGE[cr.status]}`}>{cr.status}</span>{" "}
          <span class={`badge ${PRIORITY_BADGE[cr.priority]}`}>{cr.priority} priority</span> Filed by{" "}
          {cr.requester_name} on {at(cr.created_at)}
        </p>
      </hgroup>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      <div class="cr-layout">
        <article>
          {cr.description ? <p class="cr-description">{cr.description}</p> : <p class="muted">No description.</p>}
          <dl class="cr-facts">
            <dt>Documents</dt>
            <dd>
              <DocumentLinks
                documentUrl={cr.document_url}
                driveUrl={driveUrl(cr.drive_id)}
                drive={cr.drive_document}
                label={cr.title}
              />
            </dd>
            <dt>Statement of work</dt>
            <dd>{cr.sow_name ?? <span class="muted">—</span>}</dd>
            {cr.decided_at && (
              <>
                <dt>{cr.status === "rejected" ? "Rejected" : "Approved"}</dt>
                <dd>
                  by {cr.approver_name ?? "a former user"} on {at(cr.decided_at)}
                  {cr.decision_comment && <blockquote>{cr.decision_comment}</blockquote>}
                </dd>
              </>
            )}
            {cr.resolved_at && (
              <>
                <dt>Completed</dt>
                <dd>{at(cr.resolved_at)}</dd>
              </>
            )}
          </dl>
          {canDecide && cr.status === "pending" && <DecisionPanel cr={cr} />}
          {canDecide && cr.status === "approved" && <CompletePanel cr={cr} />}
          {canEdit && (
            <details open={Boolean(form.errors && Object.keys(form.errors).length) || Boolean(form.error)}>
              <summary>Edit this request</summary>
              <ChangeRequestForm projectId={cr.project_id} cr={cr} {...form} />
            </details>
          )}
        </article>
        <aside>
          <h2>Timeline</h2>
          <ol class="cr-timeline">
            {timeline.map((entry) => (
              <li key={entry.id}>
                <strong>{entry.actor}</strong> {TIMELINE_VERB[entry.action] ?? entry.action}
                {entry.action === "change_request.update" && entry.changed.length > 0 && ` ${entry.changed.join(", ")}`}
                <br />
                <small class="muted">{at(entry.at)}</small>
                {entry.comment && <blockquote>{entry.comment}</blockquote>}
              </li>
            ))}
          </ol>
        </aside>
      </div>
    </Layout>
  );
}

function DecisionPanel({ cr }: { cr: ChangeRequestRow }) {
  const { csrfToken } = useContext(PageContext);
  return (
    <form method="post" action={`/change-requests/${cr.id}/approve`} class="cr-decision">
      <h2>Decision</h2>
      <CsrfField token={csrfToken} />
      <label>
        Comment for the requester (optional)
        <textarea name="comment" rows={2} maxLength={5000} />
      </label>
      <div class="form-actions">
        <button type="submit">Approve</button>
        <button type="submit" formaction={`/change-requests/${cr.id}/reject`} class="secondary">Reject</button>
      </div>
    </form>
  );
}

function CompletePanel({ cr }: { cr: ChangeRequestRow }) {
  const { csrfToken } = useContext(PageContext);
  return (
    <form method="post" action={`/change-requests/${cr.id}/complete`} class="cr-decision">
      <CsrfField token={csrfToken} />
      <button type="submit">Mark completed</button>
    </form>
  );
}
