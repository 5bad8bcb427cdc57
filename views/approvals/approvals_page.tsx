import { useContext } from "preact/hooks";
import type { ApprovalRow } from "../../db/queries/approvals.ts";
import type { ProtectedEnvironmentRow } from "../../db/queries/deploy_gates.ts";
import { CsrfField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { shortTime } from "../users/format.ts";
import { PRIORITY_BADGE, STATUS_BADGE, TYPE_LABEL } from "./format.ts";

export type InboxView = "to_decide" | "mine" | "all";

export interface ApprovalsPageProps {
  approvals: ApprovalRow[];
  view: InboxView;
  nextCursor: string | null;
  canAsk: boolean;
  roles: { id: string; name: string }[];
  /** For holders of approvals:manage: every environment and whether deployments to it wait for approval. */
  gates: ProtectedEnvironmentRow[] | null;
  notice?: { kind: "ok" | "error"; text: string };
}

const VIEWS: [InboxView, string][] = [["to_decide", "To decide"], ["mine", "My requests"], ["all", "All"]];

/** /approvals: the inbox (requests I may decide, mine, all) and the two ways to ask. */
export function ApprovalsPage({ approvals, view, nextCursor, canAsk, roles, gates, notice }: ApprovalsPageProps) {
  return (
    <Layout title="Approvals">
      <h1>Approvals</h1>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      <nav aria-label="Inbox views">
        <ul>
          {VIEWS.map(([key, label]) => (
            <li key={key}>
              <a href={`/approvals?view=${key}`} aria-current={key === view ? "page" : undefined}>{label}</a>
            </li>
          ))}
        </ul>
      </nav>
      {approvals.length === 0
        ? <p class="muted">{view === "to_decide" ? "Nothing waits for you." : "No requests."}</p>
        : (
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Request</th>
                  <th scope="col">Type</th>
                  <th scope="col">Status</th>
                  <th scope="col">Asked by</th>
                  <th scope="col">Filed</th>
                </tr>
              </thead>
              <tbody>
                {approvals.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <a href={`/approvals/${a.id}`}>{a.title}</a>{" "}
                      <span class={`badge ${PRIORITY_BADGE[a.priority]}`}>{a.priority}</span>
                    </td>
                    <td>{TYPE_LABEL[a.type]}</td>
                    <td>
                      <span class={`badge ${STATUS_BADGE[a.status]}`}>{a.status}</span>
                    </td>
                    <td>{a.requester_name}</td>
                    <td>
                      <time datetime={a.created_at.toISOString()}>{shortTime(a.created_at)}</time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      {nextCursor && <a href={`/approvals?view=${view}&cursor=${encodeURIComponent(nextCursor)}`}>Older requests</a>}
      {canAsk && <AskForms roles={roles} />}
      {gates && <DeployGates gates={gates} />}
    </Layout>
  );
}

function AskForms({ roles }: { roles: { id: string; name: string }[] }) {
  const { csrfToken } = useContext(PageContext);
  return (
    <div class="grid">
      <form method="post" action="/approvals">
        <h2>Ask for an approval</h2>
        <CsrfField token={csrfToken} />
        <label>
          What needs a yes
          <input name="title" required maxLength={300} />
        </label>
        <label>
          Priority
          <select name="priority">
            {["low", "normal", "high", "critical"].map((p) => <option key={p} selected={p === "normal"}>{p}</option>)}
          </select>
        </label>
        <button type="submit">Ask</button>
      </form>
      <form method="post" action="/approvals/access">
        <h2>Ask for a role</h2>
        <CsrfField token={csrfToken} />
        <label>
          Role
          <select name="role_id" required>
            {roles.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </label>
        <label>
          Why
          <input name="reason" required maxLength={2000} />
        </label>
        <button type="submit">Ask an administrator</button>
      </form>
    </div>
  );
}

function DeployGates({ gates }: { gates: ProtectedEnvironmentRow[] }) {
  const { csrfToken } = useContext(PageContext);
  return (
    <section aria-labelledby="deploy-gates">
      <h2 id="deploy-gates">Deploy gates</h2>
      <p class="muted">Deployments to a protected environment wait for an approval before CI may run them.</p>
      {gates.length === 0 ? <p class="muted">No project has environments yet.</p> : (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Project</th>
                <th scope="col">Environment</th>
                <th scope="col">Protected</th>
              </tr>
            </thead>
            <tbody>
              {gates.map((g) => (
                <tr key={`${g.project_id}/${g.environment}`}>
                  <td>{g.project_name}</td>
                  <td>{g.environment}</td>
                  <td>
                    <form method="post" action="/approvals/gates">
                      <CsrfField token={csrfToken} />
                      <input type="hidden" name="project_id" value={g.project_id} />
                      <input type="hidden" name="environment" value={g.environment} />
                      <input type="hidden" name="protected" value={g.protected ? "false" : "true"} />
                      {g.protected ? "Yes " : "No "}
                      <button type="submit" class="secondary">{g.protected ? "Unprotect" : "Protect"}</button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
