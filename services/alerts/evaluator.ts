/**
 * The alert evaluator: the scheduled half of alerting (event-driven rules are
 * evaluated in on_event.ts, in the event's transaction). Each tick:
 *   1. claims due metric and query rules (FOR UPDATE SKIP LOCKED, next_run_at
 *      pushed one interval ahead and a lease taken, so a rule that throws is
 *      retried at its next interval, not in a loop) and evaluates each in its
 *      tenant (a query rule's query first, outside the transaction);
 *   2. wakes snoozed alerts whose snoozed_until has passed (triggered again,
 *      re-notified);
 *   3. re-notifies triggered alerts whose repeat is due;
 *   4. escalates, once, triggered alerts unacknowledged past the rule's delay:
 *      one delivery to the escalation channel through the outbox, or a
 *      re-notification through the notification rules when none is set;
 *   5. resolves certificate_expiring alerts whose check now sees a renewed
 *      certificate (no event says so: the scheduler warns once per certificate).
 * Steps 2–4 lock each alert in its tenant's transaction and check again that
 * it is due, so several processes never act twice on one alert.
 */
import type { Sql } from "../../db/client.ts";
import { claimDueMetricRules, getAlertRule, releaseRule } from "../../db/queries/alert_rules.ts";
import {
  type AlertRow,
  dueAlerts,
  type DueWork,
  getAlert,
  insertHistory,
  markEscalated,
  renewedCertificateAlerts,
  setNotifyAt,
} from "../../db/queries/alerts.ts";
import { withTenant } from "../../db/tenant.ts";
import type { AuditContext } from "../audits/record.ts";
import type { BackgroundDeps, BackgroundWorker } from "../workers/loop.ts";
import { type PollingWorker, pollingWorker } from "../workers/polling_worker.ts";
import { enqueueDelivery } from "../notifications/outbox.ts";
import { evaluateMetricRule } from "./metric.ts";
import { applyQueryReading, readQuery } from "./query.ts";
import { alertEventPayload, applyChange, clocksFrom, emitAlertEvent, resolveBySystem } from "./transitions.ts";

/** How often a metric rule is evaluated (a query rule has its own interval), and how long a lease lasts. */
export const METRIC_INTERVAL_SECONDS = 60;
const LEASE_SECONDS = 120;
const BATCH = 100;
const POLL_MS = 5_000;
/** NOTIFYed when a rule or an alert becomes due now (db/migrations/00170_alert_evaluator_wake_up.sql). */
export const ALERTS_CHANNEL = "opsdeck_alerts";

export interface TickResult {
  metricRules: number;
  woken: number;
  repeated: number;
  escalated: number;
  renewed: number;
}

export interface AlertEvaluator extends BackgroundWorker {
  /** One pass over everything due at deps.now(); tests drive it with their own clock. */
  tick(): Promise<TickResult>;
}

const systemContext = (now: Date): AuditContext => ({
  actor: null,
  actorLabel: "system:alert-evaluator",
  ip: null,
  userAgent: null,
  now,
});

async function evaluateMetricRules(deps: BackgroundDeps, now: Date): Promise<number> {
  const claimed = await claimDueMetricRules(deps.sql, {
    now,
    intervalSeconds: METRIC_INTERVAL_SECONDS,
    leaseSeconds: LEASE_SECONDS,
    instanceId: deps.instanceId,
    limit: BATCH,
  });
  for (const { id, tenant_id: tenantId } of claimed) {
    try {
      // A query rule's query runs before its transaction: it may take the source's whole timeout.
      const queried = await withTenant(deps.sql, tenantId, (tx) => getAlertRule(tx, tenantId, id));
      const reading = queried?.enabled && queried.kind === "query_threshold"
        ? await readQuery(deps.sql, queried, deps)
        : null;
      await withTenant(deps.sql, tenantId, async (tx) => {
        const rule = await getAlertRule(tx, tenantId, id);
        if (rule?.enabled && rule.kind === "metric_threshold") await evaluateMetricRule(tx, systemContext(now), rule);
        if (rule?.enabled && rule.kind === "query_threshold" && reading) {
          await applyQueryReading(tx, systemContext(now), rule, reading);
        }
        // released in the evaluation's transaction: one commit per rule
        await releaseRule(tx, tenantId, id);
      });
    } catch (error) {
      deps.logger.error("alert rule evaluation failed", { rule_id: id, error: String(error) });
      await releaseRule(deps.sql, tenantId, id);
    }
  }
  return claimed.length;
}

/** Handles one due alert under its lock; false when it was no longer due (another process, or a user, came first). */
async function handle(tx: Sql, work: DueWork, alert: AlertRow, now: Date): Promise<boolean> {
  const ctx = systemContext(now);
  const rule = await getAlertRule(tx, alert.tenant_id, alert.rule_id);
  if (!rule) return false;
  if (work === "wake") {
    if (alert.status !== "snoozed" || !alert.snoozed_until || alert.snoozed_until > now) return false;
    await applyChange(tx, ctx, alert, { to: "triggered", ...clocksFrom(rule, now) }, "Snooze ended", {
      reason: "snooze_ended",
    });
    return true;
  }
  if (alert.status !== "triggered") return false;
  if (work === "repeat") {
    if (!alert.notify_at || alert.notify_at > now) return false;
    await setNotifyAt(tx, alert.tenant_id, alert.id, clocksFrom(rule, now).notifyAt);
    await insertHistory(tx, { ...entry(alert, now), action: "renotified", comment: null });
    await emitAlertEvent(tx, ctx, "alert.triggered", alert, { reason: "repeat" });
    return true;
  }
  if (!alert.escalate_at || alert.escalate_at > now || alert.escalated_at) return false;
  if (!await markEscalated(tx, alert.tenant_id, alert.id, now)) return false;
  if (rule.escalation_channel_id) {
    // The escalation's own id: the routine alert.triggered event may already have gone to the same channel.
    await enqueueDelivery(tx, {
      tenantId: alert.tenant_id,
      channelId: rule.escalation_channel_id,
      eventId: crypto.randomUUID(),
      eventType: "alert.triggered",
      payload: alertEventPayload(alert, { reason: "escalation" }),
      alertId: alert.id,
      now,
    });
  } else {
    await emitAlertEvent(tx, ctx, "alert.triggered", alert, { reason: "escalation" });
  }
  const comment = rule.escalation_channel_name
    ? `Escalated to ${rule.escalation_channel_name}`
    : "Escalated: notified again";
  await insertHistory(tx, { ...entry(alert, now), action: "escalated", comment });
  return true;
}

const entry = (alert: AlertRow, now: Date) => ({
  tenantId: alert.tenant_id,
  alertId: alert.id,
  from: alert.status,
  to: alert.status,
  actorUserId: null,
  at: now,
});

async function runDue(deps: BackgroundDeps, work: DueWork, now: Date): Promise<number> {
  let done = 0;
  for (const { id, tenant_id: tenantId } of await dueAlerts(deps.sql, work, now, BATCH)) {
    try {
      const handled = await withTenant(deps.sql, tenantId, async (tx) => {
        const alert = await getAlert(tx, tenantId, id, { forUpdate: true });
        return alert ? await handle(tx, work, alert, now) : false;
      });
      if (handled) done++;
    } catch (error) {
      deps.logger.error("alert evaluator step failed", { alert_id: id, work, error: String(error) });
    }
  }
  return done;
}

async function resolveRenewed(deps: BackgroundDeps, now: Date): Promise<number> {
  const renewed = await renewedCertificateAlerts(deps.sql, now, BATCH);
  for (const { id, tenant_id: tenantId, cert_expires_at: expires } of renewed) {
    const why = `Certificate renewed: expires ${expires.toISOString()}`;
    await withTenant(deps.sql, tenantId, (tx) => resolveBySystem(tx, systemContext(now), tenantId, [id], why));
  }
  return renewed.length;
}

export function createAlertEvaluator(
  deps: BackgroundDeps & { pollMs?: number },
): AlertEvaluator & { start(): void } {
  const pollMs = deps.pollMs ?? POLL_MS;
  let worker: PollingWorker | undefined;

  async function tick(): Promise<TickResult> {
    const now = deps.now();
    return {
      metricRules: await evaluateMetricRules(deps, now),
      woken: await runDue(deps, "wake", now),
      repeated: await runDue(deps, "repeat", now),
      escalated: await runDue(deps, "escalate", now),
      renewed: await resolveRenewed(deps, now),
    };
  }

  return {
    name: "alert-evaluator",
    tick,
    start() {
      worker ??= pollingWorker(deps, {
        name: "alert evaluator",
        telemetryName: "alert-evaluator",
        pollMs,
        pass: async () => (await tick(), pollMs),
        // A rule or an alert due now, committed by any process (00170); the poll stays the fallback.
        listen: ALERTS_CHANNEL,
      });
    },
    async stop() {
      await worker?.stop();
    },
  };
}
