/**
 * What people do to alerts: acknowledge (with a comment), snooze until a
 * time, resolve by hand. triggered → acknowledged → resolved; snoozed is a
 * pause the evaluator ends at snoozed_until (back to triggered, re-notified).
 * Each call locks the alert, checks the current status (409 naming it), and
 * writes the transition, its history row, its event and one audit row in one
 * transaction. The Slack interactions endpoint calls the same functions with
 * the principal of the Slack user's Opsdeck account.
 */
import type { Sql } from "../../db/client.ts";
import { type AlertRow, type AlertStatus, getAlert } from "../../db/queries/alerts.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { ConflictError, NotFoundError, ValidationError } from "../platform/errors.ts";
import type { AcknowledgeInput, ResolveInput, SnoozeInput } from "./schemas.ts";
import { applyChange } from "./transitions.ts";
import type { AlertChange } from "../../db/queries/alerts.ts";

export const NOT_FOUND = "Alert not found";
const MAX_SNOOZE_MS = 30 * 24 * 3600_000;

/** Loads an alert the principal may read, inside `tx`; anything else is not found. */
export async function findVisibleAlert(
  tx: Sql,
  principal: Principal,
  id: string,
  forUpdate = false,
): Promise<AlertRow> {
  authorize(principal, "alerts", "read");
  const alert = await getAlert(tx, principal.tenantId, id, { clientId: principal.clientId, forUpdate });
  if (!alert) throw new NotFoundError(NOT_FOUND);
  return alert;
}

/** The statuses each user action starts from. */
const ALLOWED: Record<"acknowledge" | "snooze" | "resolve", readonly AlertStatus[]> = {
  acknowledge: ["triggered", "snoozed"],
  snooze: ["triggered", "acknowledged", "snoozed"],
  resolve: ["triggered", "acknowledged", "snoozed"],
};
const PAST = { acknowledge: "acknowledged", snooze: "snoozed", resolve: "resolved" } as const;

/** 409 naming the current status when the action cannot start from it. */
export function checkAction(alert: Pick<AlertRow, "summary" | "status">, action: keyof typeof ALLOWED): void {
  if (ALLOWED[action].includes(alert.status)) return;
  const allowed = ALLOWED[action].join(" or ");
  throw new ConflictError(
    alert.status === PAST[action]
      ? `Alert "${alert.summary}" is already ${alert.status}`
      : `Alert "${alert.summary}" is ${alert.status}: only a ${allowed} alert can be ${PAST[action]}`,
  );
}

async function act(
  sql: Sql,
  principal: Principal,
  id: string,
  action: keyof typeof ALLOWED,
  change: AlertChange,
  comment: string | undefined,
  ctx: AuditContext,
): Promise<AlertRow> {
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    // Not visible is 404 before anything else, so a refusal never confirms that an id exists.
    const before = await findVisibleAlert(tx, principal, id, true);
    authorize(principal, "alerts", "write");
    checkAction(before, action);
    const after = await applyChange(tx, ctx, before, change, comment || null);
    await recordAudit(tx, ctx, {
      tenantId,
      action: `alert.${action}`,
      resourceType: "alert",
      resourceId: id,
      before: { status: before.status, snoozed_until: before.snoozed_until },
      after: { status: after.status, snoozed_until: after.snoozed_until, comment: comment || null },
    });
    return after;
  });
}

/** POST /api/v1/alerts/{id}/acknowledge: someone is on it; repeats and escalation stop. */
export async function acknowledgeAlert(
  sql: Sql,
  principal: Principal,
  alertId: string,
  input: AcknowledgeInput,
  ctx: AuditContext,
): Promise<AlertRow> {
  const change = { to: "acknowledged" as const, by: principal.userId };
  return await act(sql, principal, alertId, "acknowledge", change, input.comment, ctx);
}

/** POST /api/v1/alerts/{id}/snooze: quiet until `until` (in the future, at most 30 days ahead). */
export async function snoozeAlert(
  sql: Sql,
  principal: Principal,
  alertId: string,
  input: { until: Date; comment?: string },
  ctx: AuditContext,
): Promise<AlertRow> {
  const ahead = input.until.getTime() - ctx.now.getTime();
  if (ahead <= 0) throw new ValidationError([{ path: "until", message: "must be in the future" }]);
  if (ahead > MAX_SNOOZE_MS) throw new ValidationError([{ path: "until", message: "must be within 30 days" }]);
  const change = { to: "snoozed" as const, until: input.until };
  return await act(sql, principal, alertId, "snooze", change, input.comment, ctx);
}

/** POST /api/v1/alerts/{id}/resolve: closed by hand; the next occurrence opens a new alert. */
export async function resolveAlert(
  sql: Sql,
  principal: Principal,
  alertId: string,
  input: ResolveInput,
  ctx: AuditContext,
): Promise<AlertRow> {
  return await act(sql, principal, alertId, "resolve", { to: "resolved" }, input.comment, ctx);
}

/** The snooze's end from the API body: `until`, or `minutes` from now. */
export function snoozeUntil(input: SnoozeInput, now: Date): Date {
  return input.until ? new Date(input.until) : new Date(now.getTime() + (input.minutes ?? 0) * 60_000);
}

export const SNOOZE_PRESETS = ["60", "240", "tomorrow"] as const;
export type SnoozePreset = typeof SNOOZE_PRESETS[number];

/** The inbox's snooze choices: 1 h, 4 h, or tomorrow 09:00 in the user's timezone. */
export function snoozePresetUntil(preset: SnoozePreset, now: Date, timeZone: string): Date {
  if (preset !== "tomorrow") return new Date(now.getTime() + Number(preset) * 60_000);
  const tomorrow = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone)
    .add({ days: 1 }).with({ hour: 9, minute: 0, second: 0, millisecond: 0, microsecond: 0, nanosecond: 0 });
  return new Date(tomorrow.epochMilliseconds);
}
