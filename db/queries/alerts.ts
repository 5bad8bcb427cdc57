import type { Sql } from "../client.ts";
import type { RuleKind, Severity } from "./alert_rules.ts";

export const ALERT_STATUSES = ["triggered", "acknowledged", "snoozed", "resolved"] as const;
export type AlertStatus = typeof ALERT_STATUSES[number];

export interface AlertRow {
  id: string;
  tenant_id: string;
  rule_id: string;
  rule_name: string;
  rule_kind: RuleKind;
  project_id: string | null;
  project_name: string | null;
  client_id: string | null;
  check_id: string | null;
  subject_key: string;
  status: AlertStatus;
  severity: Severity;
  summary: string;
  value: number | null;
  context: Record<string, unknown>;
  triggered_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  acknowledged_by_name: string | null;
  snoozed_until: Date | null;
  resolved_at: Date | null;
  notify_at: Date | null;
  escalate_at: Date | null;
  escalated_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const alertColumns = (sql: Sql) =>
  sql`a.id, a.tenant_id, a.rule_id, r.name AS rule_name, r.kind AS rule_kind, a.project_id, p.name AS project_name,
      p.client_id, a.check_id, a.subject_key, a.status, a.severity, a.summary, a.value, a.context, a.triggered_at,
      a.acknowledged_at, a.acknowledged_by, coalesce(u.name, u.email) AS acknowledged_by_name, a.snoozed_until,
      a.resolved_at, a.notify_at, a.escalate_at, a.escalated_at, a.created_at, a.updated_at`;

const alertFrom = (sql: Sql) =>
  sql`alerts a
      JOIN alert_rules r ON r.tenant_id = a.tenant_id AND r.id = a.rule_id
      LEFT JOIN projects p ON p.tenant_id = a.tenant_id AND p.id = a.project_id
      LEFT JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.acknowledged_by`;

/** Client users: only alerts on their client's projects (tenant-wide subjects have none). */
const clientScope = (sql: Sql, clientId: string | null | undefined) =>
  clientId ? sql`AND p.client_id = ${clientId}` : sql``;

export interface AlertFilter {
  /** A status, or "open" for every status but resolved. */
  status?: AlertStatus | "open";
  severity?: Severity;
  projectId?: string;
  ruleId?: string;
  since?: Date;
  clientId?: string | null;
  /** Keyset cursor: (triggered_at, id) of the last row of the previous page; newest first. */
  after?: [Date, string];
  limit: number;
}

/** A tenant's alerts, newest first; fetches `limit + 1` rows for the next-page test. */
export async function listAlerts(sql: Sql, tenantId: string, f: AlertFilter): Promise<AlertRow[]> {
  const status = f.status === "open"
    ? sql`AND a.status <> 'resolved'`
    : f.status
    ? sql`AND a.status = ${f.status}`
    : sql``;
  return await sql<AlertRow[]>`
    SELECT ${alertColumns(sql)}
    FROM ${alertFrom(sql)}
    WHERE a.tenant_id = ${tenantId} ${status}
      ${f.severity ? sql`AND a.severity = ${f.severity}` : sql``}
      ${f.projectId ? sql`AND a.project_id = ${f.projectId}` : sql``}
      ${f.ruleId ? sql`AND a.rule_id = ${f.ruleId}` : sql``}
      ${f.since ? sql`AND a.triggered_at >= ${f.since}` : sql``}
      ${clientScope(sql, f.clientId)}
      ${f.after ? sql`AND (a.triggered_at, a.id) < (${f.after[0]}, ${f.after[1]}::uuid)` : sql``}
    ORDER BY a.triggered_at DESC, a.id DESC
    LIMIT ${f.limit + 1}`;
}

export async function getAlert(
  sql: Sql,
  tenantId: string,
  id: string,
  options: { clientId?: string | null; forUpdate?: boolean } = {},
): Promise<AlertRow | undefined> {
  const [row] = await sql<AlertRow[]>`
    SELECT ${alertColumns(sql)}
    FROM ${alertFrom(sql)}
    WHERE a.id = ${id} AND a.tenant_id = ${tenantId} ${clientScope(sql, options.clientId)}
    ${options.forUpdate ? sql`FOR UPDATE OF a` : sql``}`;
  return row;
}

/** Open (not resolved) alerts the reader can see: the tab title's count. */
export async function countOpenAlerts(sql: Sql, tenantId: string, clientId: string | null): Promise<number> {
  const [row] = await sql<{ count: number }[]>`
    SELECT count(*)::int AS count FROM ${alertFrom(sql)}
    WHERE a.tenant_id = ${tenantId} AND a.status <> 'resolved' ${clientScope(sql, clientId)}`;
  return row.count;
}

export interface AlertOpen {
  tenantId: string;
  ruleId: string;
  projectId: string | null;
  checkId: string | null;
  subjectKey: string;
  severity: Severity;
  summary: string;
  value: number | null;
  context: Record<string, unknown>;
  triggeredAt: Date;
  notifyAt: Date | null;
  escalateAt: Date | null;
}

/**
 * Opens an alert unless one is open for the rule and subject: the partial
 * unique index alerts_open_key decides, so two evaluators racing on the same
 * transition open one alert (the loser waits for the winner's commit and gets
 * nothing back).
 */
export async function openAlert(sql: Sql, a: AlertOpen): Promise<string | undefined> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO alerts (tenant_id, rule_id, project_id, check_id, subject_key, severity, summary, value, context,
                        triggered_at, notify_at, escalate_at, created_at)
    VALUES (${a.tenantId}, ${a.ruleId}, ${a.projectId}, ${a.checkId}, ${a.subjectKey}, ${a.severity},
            ${a.summary.slice(0, 500)}, ${a.value}, ${sql.json(a.context as never)}, ${a.triggeredAt}, ${a.notifyAt},
            ${a.escalateAt}, ${a.triggeredAt})
    ON CONFLICT (tenant_id, rule_id, subject_key) WHERE status <> 'resolved' DO NOTHING
    RETURNING id`;
  return row?.id;
}

/** Open alerts of rules of these kinds about a subject, locked: the ones a recovery resolves. */
export async function openAlertsFor(
  sql: Sql,
  tenantId: string,
  kinds: readonly RuleKind[],
  subjectKey: string,
): Promise<{ id: string }[]> {
  return await sql<{ id: string }[]>`
    SELECT a.id FROM alerts a JOIN alert_rules r ON r.tenant_id = a.tenant_id AND r.id = a.rule_id
    WHERE a.tenant_id = ${tenantId} AND a.subject_key = ${subjectKey} AND a.status <> 'resolved'
      AND r.kind = ANY(${kinds as string[]}::text[])
    ORDER BY a.id
    FOR UPDATE OF a`;
}

/** The open alert of a rule and subject, if any (metric rules resolve it when the value is back). */
export async function openAlertOf(sql: Sql, tenantId: string, ruleId: string, subjectKey: string) {
  const [row] = await sql<{ id: string }[]>`
    SELECT id FROM alerts
    WHERE tenant_id = ${tenantId} AND rule_id = ${ruleId} AND subject_key = ${subjectKey} AND status <> 'resolved'
    FOR UPDATE`;
  return row?.id;
}

export type AlertChange =
  | { to: "acknowledged"; by: string | null }
  | { to: "snoozed"; until: Date }
  | { to: "triggered"; notifyAt: Date | null; escalateAt: Date | null }
  | { to: "resolved" };

/** Moves an open alert to `to`; false when it was resolved meanwhile. */
export async function changeAlertStatus(
  sql: Sql,
  tenantId: string,
  id: string,
  change: AlertChange,
  at: Date,
): Promise<boolean> {
  const set = change.to === "acknowledged"
    ? sql`status = 'acknowledged', acknowledged_at = ${at}, acknowledged_by = ${change.by}, snoozed_until = NULL,
          notify_at = NULL, escalate_at = NULL`
    : change.to === "snoozed"
    ? sql`status = 'snoozed', snoozed_until = ${change.until}, notify_at = NULL, escalate_at = NULL`
    : change.to === "triggered"
    ? sql`status = 'triggered', snoozed_until = NULL, notify_at = ${change.notifyAt},
          escalate_at = CASE WHEN escalated_at IS NULL THEN ${change.escalateAt}::timestamptz END`
    : sql`status = 'resolved', resolved_at = ${at}, snoozed_until = NULL, notify_at = NULL, escalate_at = NULL`;
  const rows = await sql`
    UPDATE alerts SET ${set}
    WHERE id = ${id} AND tenant_id = ${tenantId} AND status <> 'resolved'
    RETURNING id`;
  return rows.length === 1;
}

/** After a repeat: the next one. */
export async function setNotifyAt(sql: Sql, tenantId: string, id: string, notifyAt: Date | null): Promise<void> {
  await sql`UPDATE alerts SET notify_at = ${notifyAt} WHERE id = ${id} AND tenant_id = ${tenantId}`;
}

/** Marks the one escalation done; false when another evaluator did it first. */
export async function markEscalated(sql: Sql, tenantId: string, id: string, at: Date): Promise<boolean> {
  const rows = await sql`
    UPDATE alerts SET escalated_at = ${at}, escalate_at = NULL
    WHERE id = ${id} AND tenant_id = ${tenantId} AND escalated_at IS NULL
    RETURNING id`;
  return rows.length === 1;
}

export type DueWork = "wake" | "repeat" | "escalate";

/**
 * Alerts with a clock that has run out, across tenants (owner connection):
 * snoozes to wake, repeats to send, escalations to make. Not locked here: the
 * evaluator locks each alert in its tenant's transaction and checks again that
 * it is still due, so two evaluators never act twice on one alert.
 */
export async function dueAlerts(
  sql: Sql,
  work: DueWork,
  now: Date,
  limit: number,
): Promise<{ id: string; tenant_id: string }[]> {
  const due = work === "wake"
    ? sql`status = 'snoozed' AND snoozed_until <= ${now}`
    : work === "repeat"
    ? sql`status = 'triggered' AND notify_at <= ${now}`
    : sql`status = 'triggered' AND escalate_at <= ${now}`;
  const order = work === "wake" ? sql`snoozed_until` : work === "repeat" ? sql`notify_at` : sql`escalate_at`;
  return await sql<{ id: string; tenant_id: string }[]>`
    SELECT id, tenant_id FROM alerts WHERE ${due}
    ORDER BY ${order}
    LIMIT ${limit}`;
}

export interface HistoryInsert {
  tenantId: string;
  alertId: string;
  from: AlertStatus | null;
  to: AlertStatus;
  actorUserId: string | null;
  comment: string | null;
  action?: "transition" | "renotified" | "escalated";
  at: Date;
}

export async function insertHistory(sql: Sql, h: HistoryInsert): Promise<void> {
  await sql`
    INSERT INTO alert_history (tenant_id, alert_id, from_status, to_status, actor_user_id, comment, action, created_at)
    VALUES (${h.tenantId}, ${h.alertId}, ${h.from}, ${h.to}, ${h.actorUserId}, ${h.comment}, ${
    h.action ?? "transition"
  }, ${h.at})`;
}

export interface HistoryRow {
  id: string;
  from_status: AlertStatus | null;
  to_status: AlertStatus;
  action: "transition" | "renotified" | "escalated";
  actor_user_id: string | null;
  actor_name: string | null;
  comment: string | null;
  created_at: Date;
}

/** An alert's timeline, oldest first. */
export async function alertHistory(sql: Sql, tenantId: string, alertId: string): Promise<HistoryRow[]> {
  return await sql<HistoryRow[]>`
    SELECT h.id, h.from_status, h.to_status, h.action, h.actor_user_id, coalesce(u.name, u.email) AS actor_name,
           h.comment, h.created_at
    FROM alert_history h LEFT JOIN users u ON u.tenant_id = h.tenant_id AND u.id = h.actor_user_id
    WHERE h.tenant_id = ${tenantId} AND h.alert_id = ${alertId}
    ORDER BY h.created_at, h.id`;
}

/** A user's timezone (snooze "until tomorrow 09:00"). */
export async function userTimezone(sql: Sql, tenantId: string, userId: string): Promise<string> {
  const [row] = await sql<{ timezone: string }[]>`
    SELECT timezone FROM users WHERE id = ${userId} AND tenant_id = ${tenantId}`;
  return row?.timezone ?? "UTC";
}

/**
 * Open certificate_expiring alerts whose check now sees a certificate that
 * expires beyond the rule's days_before (it was renewed), across tenants.
 */
export async function renewedCertificateAlerts(sql: Sql, now: Date, limit: number) {
  return await sql<{ id: string; tenant_id: string; cert_expires_at: Date }[]>`
    SELECT a.id, a.tenant_id, hc.cert_expires_at
    FROM alerts a
    JOIN alert_rules r ON r.tenant_id = a.tenant_id AND r.id = a.rule_id
    JOIN health_checks hc ON hc.tenant_id = a.tenant_id AND hc.id = a.check_id
    WHERE a.status <> 'resolved' AND r.kind = 'certificate_expiring'
      AND hc.cert_expires_at > ${now}::timestamptz + make_interval(days => r.days_before)
    LIMIT ${limit}`;
}
