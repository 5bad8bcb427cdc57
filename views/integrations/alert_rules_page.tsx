import { useContext } from "preact/hooks";
import type { RuleFilingRow } from "../../db/queries/integration_links.ts";
import { CsrfField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";

export interface AlertRulesPageProps {
  integration: { id: string; account_name: string | null; account_id: string; status: string };
  rules: RuleFilingRow[];
  more: boolean;
  canManage: boolean;
  notice?: { kind: "ok" | "error"; text: string };
}

/**
 * /integrations/{id}/alert-rules: which alert rules file a Linear issue by
 * themselves. One form per rule, so the page works without JavaScript; htmx
 * swaps the row it changed.
 */
export function AlertRulesPage({ integration: i, rules, more, canManage, notice }: AlertRulesPageProps) {
  const name = i.account_name ?? i.account_id;
  return (
    <Layout title={`Alert rules filing issues in ${name}`}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/integrations">Integrations</a>
          </li>
        </ul>
      </nav>
      <hgroup>
        <h1>Alert rules filing Linear issues</h1>
        <p>
          {name}: an alert of a rule switched on here files a Linear issue by itself, within a minute of opening.
        </p>
      </hgroup>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {i.status !== "connected" && (
        <Notice kind="error">This integration is {i.status}: nothing is filed until it is reconnected.</Notice>
      )}
      {rules.length === 0 ? <p class="empty-state">No alert rules yet.</p> : (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Project</th>
                <th scope="col">Files issues</th>
              </tr>
            </thead>
            <tbody>
              {rules.map((r) => <AlertRuleRow key={r.id} integrationId={i.id} rule={r} canManage={canManage} />)}
            </tbody>
          </table>
        </div>
      )}
      {more && <p class="muted">Showing the first {rules.length} rules by name.</p>}
    </Layout>
  );
}

export function AlertRuleRow(
  { integrationId, rule: r, canManage }: { integrationId: string; rule: RuleFilingRow; canManage: boolean },
) {
  const { csrfToken } = useContext(PageContext);
  const action = `/integrations/${integrationId}/alert-rules/${r.id}`;
  return (
    <tr id={`rule-${r.id}`}>
      <td>
        <strong>{r.name}</strong>{" "}
        <span class={`badge badge-${r.severity === "critical" ? "down" : "draft"}`}>{r.severity}</span>
        {!r.enabled && <small class="muted">rule switched off</small>}
      </td>
      <td>{r.project_name ?? <span class="muted">all projects</span>}</td>
      <td>
        {canManage
          ? (
            <form
              method="post"
              action={action}
              hx-post={action}
              hx-target="closest tr"
              hx-swap="outerHTML"
              class="inline-form"
            >
              <CsrfField token={csrfToken} />
              <input type="hidden" name="enabled" value={r.files_issues ? "false" : "true"} />
              <span>{r.files_issues ? "On" : "Off"}</span>{" "}
              <button
                type="submit"
                class="outline small"
                aria-label={`${r.files_issues ? "Turn off" : "Turn on"} filing for ${r.name}`}
              >
                {r.files_issues ? "Turn off" : "Turn on"}
              </button>
            </form>
          )
          : r.files_issues
          ? "On"
          : "Off"}
      </td>
    </tr>
  );
}
