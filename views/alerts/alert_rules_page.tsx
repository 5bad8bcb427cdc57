import { useContext } from "preact/hooks";
import type { AlertRuleRow } from "../../db/queries/alert_rules.ts";
import type { QueryAlertHistoryRow } from "../../db/queries/query_alerts.ts";
import { Time } from "../components/time.tsx";
import { CsrfField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { RuleForm, type RuleFormProps } from "./_rule_form.tsx";
import { KIND_LABEL, SEVERITY_BADGE } from "./format.ts";

export interface AlertRulesPageProps {
  rules: AlertRuleRow[];
  nextCursor: string | null;
  canWrite: boolean;
  form: RuleFormProps;
  notice?: { kind: "ok" | "error"; text: string };
}

/** What a rule watches, in a few words. */
function scope(r: AlertRuleRow): string {
  const where = r.check_name ?? r.project_name ?? "Every project";
  if (r.kind === "metric_threshold") {
    const unit = r.operator === "change_percent" ? "%" : "";
    return `${where}: ${r.metric_type} ${r.operator?.replace("_", " ")} ${r.threshold}${unit}`;
  }
  if (r.kind === "query_threshold") {
    const unit = r.operator === "change_percent" ? "%" : "";
    const what = r.query_measure === "row_count" ? "rows of " : "";
    return `${what}${r.query_name ?? "a saved query"} ${r.operator?.replace("_", " ")} ${r.threshold}${unit}, ` +
      `every ${r.interval_seconds} s`;
  }
  if (r.kind === "deployment_failed") return `${where}${r.environment ? ` · ${r.environment}` : ""}`;
  if (r.kind === "certificate_expiring") return `${where} · ${r.days_before} days`;
  return where;
}

/** The rules list with the form to add one (kind-dependent fields shown by CSS). */
export function AlertRulesPage({ rules, nextCursor, canWrite, form, notice }: AlertRulesPageProps) {
  return (
    <Layout title="Alert rules">
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/alerts">Alerts</a>
          </li>
        </ul>
      </nav>
      <h1>Alert rules</h1>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {rules.length === 0
        ? <p class="empty-state">No rules yet: alerts open only for what a rule watches. Add one below.</p>
        : (
          <div class="table-wrap">
            <table class="striped">
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">When</th>
                  <th scope="col">Watches</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Notifies</th>
                </tr>
              </thead>
              <tbody>
                {rules.map((r) => (
                  <tr key={r.id} class={r.enabled ? undefined : "muted"}>
                    <td>
                      <a href={`/alert-rules/${r.id}`}>{r.name}</a>
                      {!r.enabled && <small class="muted">disabled</small>}
                    </td>
                    <td>{KIND_LABEL[r.kind]}</td>
                    <td>
                      {scope(r)}
                      {r.last_error && (
                        <small>
                          <span class="badge badge-down">error</span> {r.last_error}
                        </small>
                      )}
                    </td>
                    <td>
                      <span class={`badge ${SEVERITY_BADGE[r.severity]}`}>{r.severity}</span>
                    </td>
                    <td>
                      {r.repeat_interval_minutes ? `every ${r.repeat_interval_minutes} min` : "once"}
                      {r.escalate_after_minutes && (
                        <small class="muted">
                          escalates after {r.escalate_after_minutes} min
                          {r.escalation_channel_name ? ` to ${r.escalation_channel_name}` : ""}
                        </small>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      {nextCursor && <a href={`/alert-rules?cursor=${nextCursor}`}>More rules →</a>}
      {canWrite && (
        <section>
          <h2>Add a rule</h2>
          <RuleForm {...form} />
        </section>
      )}
    </Layout>
  );
}

export interface AlertRulePageProps {
  rule: AlertRuleRow;
  /** A query rule's latest evaluations, newest first. */
  history: QueryAlertHistoryRow[];
  canWrite: boolean;
  canDelete: boolean;
  form: RuleFormProps;
}

/** One rule: its form, and deletion (which takes its alerts with it). */
export function AlertRulePage({ rule, history, canWrite, canDelete, form }: AlertRulePageProps) {
  const { csrfToken } = useContext(PageContext);
  return (
    <Layout title={rule.name}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/alerts">Alerts</a>
          </li>
          <li>
            <a href="/alert-rules">Alert rules</a>
          </li>
        </ul>
      </nav>
      <hgroup>
        <h1>{rule.name}</h1>
        <p>
          {KIND_LABEL[rule.kind]} · <a href={`/alerts?status=all&rule_id=${rule.id}`}>its alerts</a>
        </p>
      </hgroup>
      {rule.kind === "query_threshold" && <QueryRuleState rule={rule} history={history} />}
      {canWrite ? <RuleForm {...form} rule={rule} /> : <p>{scope(rule)}</p>}
      {canDelete && (
        <form method="post" action={`/alert-rules/${rule.id}/delete`} class="danger-zone">
          <CsrfField token={csrfToken} />
          <button type="submit" class="secondary">Delete rule and its alerts</button>
        </form>
      )}
    </Layout>
  );
}

/** Where a query rule stands: in error (its query failed: nothing opens until it runs again) or its last number. */
function QueryRuleState({ rule, history }: { rule: AlertRuleRow; history: QueryAlertHistoryRow[] }) {
  return (
    <section aria-label="Last evaluations">
      {rule.last_error
        ? (
          <Notice kind="error">
            The query failed, so this rule opens no alert until it runs again: {rule.last_error}
          </Notice>
        )
        : rule.last_evaluated_at
        ? <p>Last value: {rule.last_value ?? "—"}</p>
        : <p class="muted">Not evaluated yet.</p>}
      {history.length > 0 && (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Value</th>
                <th scope="col">Condition met</th>
                <th scope="col">Notified</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {history.map((h) => (
                <tr key={h.evaluated_at.toISOString()}>
                  <td>
                    <Time at={h.evaluated_at} />
                  </td>
                  <td>{h.value ?? "—"}</td>
                  <td>{h.condition_met ? "yes" : "no"}</td>
                  <td>{h.notification_sent ? "yes" : "no"}</td>
                  <td>{h.error_message ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
