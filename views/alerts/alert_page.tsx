import type { AlertRow, HistoryRow } from "../../db/queries/alerts.ts";
import type { DeliveryRow } from "../../db/queries/notification_deliveries.ts";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { DeliveryLog } from "../notifications/_delivery_log.tsx";
import { shortTime } from "../users/format.ts";
import { AlertActions } from "./_alert_row.tsx";
import { OpenIncidentButton } from "../status_pages/_open_incident.tsx";
import { AlertIssues } from "../integrations/_alert_issues.tsx";
import type { AlertIssuePanel } from "../../services/integrations/linear/issues.ts";
import { ALERT_STATUS_BADGE, historyVerb, KIND_LABEL, SEVERITY_BADGE } from "./format.ts";

export interface AlertPageProps {
  alert: AlertRow;
  history: HistoryRow[];
  /** null: the viewer may not read the delivery log (notification_channels:read). */
  deliveries: DeliveryRow[] | null;
  canAct: boolean;
  canResend: boolean;
  /** Linear issues filed for it, and where one can be filed (absent: not shown). */
  issues?: AlertIssuePanel;
  notice?: { kind: "ok" | "error"; text: string };
}

const at = (date: Date) => <time datetime={date.toISOString()}>{shortTime(date)}</time>;

/** One alert: its facts, the actions while open, its timeline and what was sent about it. */
export function AlertPage({ alert, history, deliveries, canAct, canResend, issues, notice }: AlertPageProps) {
  return (
    <Layout title={alert.summary}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/alerts">Alerts</a>
          </li>
          {alert.project_id && (
            <li>
              <a href={`/projects/${alert.project_id}`}>{alert.project_name}</a>
            </li>
          )}
          {alert.check_id && (
            <li>
              <a href={`/checks/${alert.check_id}`}>
                {String((alert.context as Record<string, unknown>).check_name ?? "Its check")}
              </a>
            </li>
          )}
        </ul>
      </nav>
      <hgroup>
        <h1>{alert.summary}</h1>
        <p>
          <span class={`badge ${SEVERITY_BADGE[alert.severity]}`}>{alert.severity}</span>{" "}
          <span class={`badge ${ALERT_STATUS_BADGE[alert.status]}`}>{alert.status}</span> Triggered{" "}
          {at(alert.triggered_at)}
        </p>
      </hgroup>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      <div class="cr-layout">
        <article>
          <dl class="cr-facts">
            <dt>Rule</dt>
            <dd>
              {alert.rule_name} <small class="muted">({KIND_LABEL[alert.rule_kind]})</small>
            </dd>
            {alert.value !== null && (
              <>
                <dt>Value</dt>
                <dd>{Math.round(alert.value * 100) / 100}</dd>
              </>
            )}
            {alert.acknowledged_at && (
              <>
                <dt>Acknowledged</dt>
                <dd>by {alert.acknowledged_by_name ?? "a former user"} on {at(alert.acknowledged_at)}</dd>
              </>
            )}
            {alert.snoozed_until && (
              <>
                <dt>Snoozed until</dt>
                <dd>{at(alert.snoozed_until)}</dd>
              </>
            )}
            {alert.escalated_at && (
              <>
                <dt>Escalated</dt>
                <dd>{at(alert.escalated_at)}</dd>
              </>
            )}
            {alert.resolved_at && (
              <>
                <dt>Resolved</dt>
                <dd>{at(alert.resolved_at)}</dd>
              </>
            )}
          </dl>
          {canAct && alert.status !== "resolved" && <AlertActions alert={alert} returnTo={`/alerts/${alert.id}`} />}
          {canAct && alert.check_id && alert.status !== "resolved" && <OpenIncidentButton alertId={alert.id} />}
          {issues && <AlertIssues alertId={alert.id} panel={issues} canAct={canAct && alert.status !== "resolved"} />}
          {deliveries && (
            <section>
              <h2>Notifications sent</h2>
              <DeliveryLog
                deliveries={deliveries}
                canResend={canResend}
                empty="No notification was sent about this alert: no notification rule matches its events."
              />
            </section>
          )}
        </article>
        <aside>
          <h2>Timeline</h2>
          <ol class="cr-timeline alert-timeline">
            {history.map((h) => (
              <li key={h.id}>
                <strong>{h.actor_user_id ? h.actor_name ?? "A former user" : "Opsdeck"}</strong> {historyVerb(h)}
                <br />
                <small class="muted">{at(h.created_at)}</small>
                {h.comment && <blockquote>{h.comment}</blockquote>}
              </li>
            ))}
          </ol>
        </aside>
      </div>
    </Layout>
  );
}
