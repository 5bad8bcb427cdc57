/**
 * The one place an alert changes: every transition updates the row, writes an
 * alert_history row (actor NULL: the system) and emits the alert.* event a
 * notification is built from, in the caller's transaction. Users' transitions
 * (services/alerts/lifecycle.ts) add their audit row; the system's (the
 * evaluator, recoveries) do not, as the event and the history are their record.
 */
import type { Sql } from "../../db/client.ts";
import type { AlertRuleRow } from "../../db/queries/alert_rules.ts";
import {
  type AlertChange,
  type AlertRow,
  changeAlertStatus,
  getAlert,
  insertHistory,
  openAlert,
} from "../../db/queries/alerts.ts";
import type { EventType } from "../../db/queries/events.ts";
import type { AuditContext } from "../audits/record.ts";
import { emitEvent } from "../events/emit.ts";
import { openIncidentsForRule } from "../status_pages/incidents.ts";

const MINUTE = 60_000;

/** What a message about the alert needs, without further reads (channels build text from it). */
export function alertEventPayload(a: AlertRow, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const context = a.context as Record<string, string | number | null | undefined>;
  return {
    alert_id: a.id,
    rule_id: a.rule_id,
    rule_name: a.rule_name,
    rule_kind: a.rule_kind,
    severity: a.severity,
    status: a.status,
    summary: a.summary,
    value: a.value,
    project_id: a.project_id,
    project_name: a.project_name,
    check_id: a.check_id,
    check_name: context.check_name ?? null,
    environment: context.environment ?? null,
    triggered_at: a.triggered_at.toISOString(),
    snoozed_until: a.snoozed_until?.toISOString() ?? null,
    path: `/alerts/${a.id}`,
    comment: null,
    ...extra,
  };
}

export async function emitAlertEvent(
  tx: Sql,
  ctx: AuditContext,
  type: EventType,
  a: AlertRow,
  extra: Record<string, unknown> = {},
): Promise<string> {
  return await emitEvent(tx, ctx, {
    tenantId: a.tenant_id,
    type,
    subject: { type: "alert", id: a.id },
    projectId: a.project_id,
    payload: alertEventPayload(a, extra),
  });
}

/** The repeat and escalation clocks of an alert that (again) waits for someone, from its rule. */
export function clocksFrom(
  rule: Pick<AlertRuleRow, "repeat_interval_minutes" | "escalate_after_minutes">,
  now: Date,
): { notifyAt: Date | null; escalateAt: Date | null } {
  const after = (minutes: number | null) => minutes === null ? null : new Date(now.getTime() + minutes * MINUTE);
  return { notifyAt: after(rule.repeat_interval_minutes), escalateAt: after(rule.escalate_after_minutes) };
}

export interface Subject {
  key: string;
  projectId: string | null;
  checkId: string | null;
  summary: string;
  value: number | null;
  context: Record<string, unknown>;
}

/**
 * Opens the rule's alert for the subject unless one is open (then nothing
 * happens: one open alert per rule and subject, however often the condition
 * is seen); returns the new alert.
 */
export async function openAlertFor(
  tx: Sql,
  ctx: AuditContext,
  rule: AlertRuleRow,
  subject: Subject,
): Promise<AlertRow | undefined> {
  const id = await openAlert(tx, {
    tenantId: rule.tenant_id,
    ruleId: rule.id,
    projectId: subject.projectId,
    checkId: subject.checkId,
    subjectKey: subject.key,
    severity: rule.severity,
    summary: subject.summary,
    value: subject.value,
    context: subject.context,
    triggeredAt: ctx.now,
    ...clocksFrom(rule, ctx.now),
  });
  if (!id) return undefined;
  await insertHistory(tx, {
    tenantId: rule.tenant_id,
    alertId: id,
    from: null,
    to: "triggered",
    actorUserId: null,
    comment: null,
    at: ctx.now,
  });
  const alert = (await getAlert(tx, rule.tenant_id, id))!;
  await emitAlertEvent(tx, ctx, "alert.triggered", alert);
  await openIncidentsForRule(tx, ctx, alert);
  return alert;
}

const EVENT_OF: Record<AlertChange["to"], EventType | null> = {
  triggered: "alert.triggered",
  acknowledged: "alert.acknowledged",
  // SPEC has no alert.snoozed event: a snooze is quiet by design, its end re-notifies
  snoozed: null,
  resolved: "alert.resolved",
};

/** Applies a change to a locked open alert: row, history, event; returns the alert after it. */
export async function applyChange(
  tx: Sql,
  ctx: AuditContext,
  before: AlertRow,
  change: AlertChange,
  comment: string | null,
  eventExtra: Record<string, unknown> = {},
): Promise<AlertRow> {
  const tenantId = before.tenant_id;
  if (!await changeAlertStatus(tx, tenantId, before.id, change, ctx.now)) return before;
  await insertHistory(tx, {
    tenantId,
    alertId: before.id,
    from: before.status,
    to: change.to,
    actorUserId: ctx.actor?.userId ?? null,
    comment,
    at: ctx.now,
  });
  const after = (await getAlert(tx, tenantId, before.id))!;
  const type = EVENT_OF[change.to];
  if (type) await emitAlertEvent(tx, ctx, type, after, { comment, from: before.status, ...eventExtra });
  return after;
}

/** Resolves open alerts because their condition is over (a recovery); the system is the actor. */
export async function resolveBySystem(tx: Sql, ctx: AuditContext, tenantId: string, ids: string[], why: string) {
  for (const id of ids) {
    const alert = await getAlert(tx, tenantId, id, { forUpdate: true });
    if (alert && alert.status !== "resolved") await applyChange(tx, ctx, alert, { to: "resolved" }, why);
  }
}
