import { Fragment } from "preact";
import { useContext } from "preact/hooks";
import type { ApprovalCommentRow, ApprovalRow } from "../../db/queries/approvals.ts";
import { CsrfField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { shortTime } from "../users/format.ts";
import { PRIORITY_BADGE, STATUS_BADGE, TYPE_LABEL } from "./format.ts";

export interface ApprovalPageProps {
  approval: ApprovalRow;
  comments: ApprovalCommentRow[];
  canDecide: boolean;
  canComment: boolean;
  notice?: { kind: "ok" | "error"; text: string };
}

const at = (date: Date) => <time datetime={date.toISOString()}>{shortTime(date)}</time>;

/** What the details say, in words: the deployment's link, the role asked for and why, or the raw fields. */
function detailRows(a: ApprovalRow): [string, string][] {
  return Object.entries(a.details)
    .filter(([key, value]) =>
      value !== null && !["role_id", "deployment_path", "change_request_id", "project_id"].includes(key)
    )
    .map(([key, value]) => [key.replaceAll("_", " "), typeof value === "string" ? value : JSON.stringify(value)]);
}

/** /approvals/{id}: the request, the decision for those who may take it, and its comments. */
export function ApprovalPage({ approval: a, comments, canDecide, canComment, notice }: ApprovalPageProps) {
  const deploymentPath = typeof a.details.deployment_path === "string" ? a.details.deployment_path : null;
  return (
    <Layout title={a.title}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/approvals">Approvals</a>
          </li>
        </ul>
      </nav>
      <hgroup>
        <h1>{a.title}</h1>
        <p>
          <span class={`badge ${STATUS_BADGE[a.status]}`}>{a.status}</span>{" "}
          <span class={`badge ${PRIORITY_BADGE[a.priority]}`}>{a.priority} priority</span> {TYPE_LABEL[a.type]}{" "}
          request by {a.requester_name} on {at(a.created_at)}
        </p>
      </hgroup>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      <article>
        <dl>
          <dt>Who decides</dt>
          <dd>{a.approver_name ?? `anyone with the role “${a.approver_role_name ?? "admin"}”`}</dd>
          <dt>{a.status === "pending" ? "Expires" : "Was open until"}</dt>
          <dd>{at(a.expires_at)}</dd>
          {deploymentPath && (
            <>
              <dt>Deployment</dt>
              <dd>
                <a href={deploymentPath}>Open the deployment</a>
              </dd>
            </>
          )}
          {a.change_request_id && (
            <>
              <dt>Change request</dt>
              <dd>
                <a href={`/change-requests/${a.change_request_id}`}>Open the change request</a>
              </dd>
            </>
          )}
          {detailRows(a).map(([label, value]) => (
            <Fragment key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </Fragment>
          ))}
          {a.decided_at && (
            <>
              <dt>{a.status === "rejected" ? "Rejected" : "Approved"}</dt>
              <dd>
                by {a.decided_by_name ?? "a former user"} on {at(a.decided_at)}
                {a.decision_comment && <blockquote>{a.decision_comment}</blockquote>}
              </dd>
            </>
          )}
        </dl>
        {canDecide && a.status === "pending" && <DecisionForm id={a.id} />}
      </article>
      <section aria-labelledby="comments">
        <h2 id="comments">Comments</h2>
        {comments.length === 0 ? <p class="muted">No comments yet.</p> : (
          <ol>
            {comments.map((c) => (
              <li key={c.id}>
                <strong>{c.author_name}</strong> <small class="muted">{at(c.created_at)}</small>
                <p>{c.body}</p>
              </li>
            ))}
          </ol>
        )}
        {canComment && <CommentForm id={a.id} />}
      </section>
    </Layout>
  );
}

function DecisionForm({ id }: { id: string }) {
  const { csrfToken } = useContext(PageContext);
  return (
    <form method="post" action={`/approvals/${id}/approve`}>
      <h2>Decision</h2>
      <CsrfField token={csrfToken} />
      <label>
        Comment (optional)
        <textarea name="comment" rows={2} maxLength={5000} />
      </label>
      <div class="form-actions">
        <button type="submit">Approve</button>
        <button type="submit" formaction={`/approvals/${id}/reject`} class="secondary">Reject</button>
      </div>
    </form>
  );
}

function CommentForm({ id }: { id: string }) {
  const { csrfToken } = useContext(PageContext);
  return (
    <form method="post" action={`/approvals/${id}/comments`}>
      <CsrfField token={csrfToken} />
      <label>
        Add a comment
        <textarea name="body" rows={2} required maxLength={5000} />
      </label>
      <button type="submit" class="secondary">Comment</button>
    </form>
  );
}
