/**
 * Opens and resolves alerts from events, in the event's transaction (the fast
 * path: a check going down opens its alert, and the alert.triggered event is
 * in the outbox, when the scheduler's transition commits).
 *
 * An event held back (its check depends on one that is down, or a
 * maintenance window covers it) opens nothing: that is Alertmanager's
 * inhibition, decided where the event is made. Recoveries are never held back
 * and resolve the alerts they end. alert.* events are this module's own output
 * and are ignored, so emitting them cannot loop.
 */
import type { Sql } from "../../db/client.ts";
import { type AlertRuleRow, type RuleKind, rulesForEvent } from "../../db/queries/alert_rules.ts";
import { openAlertsFor } from "../../db/queries/alerts.ts";
import type { EventType } from "../../db/queries/events.ts";
import type { AuditContext } from "../audits/record.ts";
import type { StoredEvent } from "../events/emit.ts";
import { openAlertFor, resolveBySystem, type Subject } from "./transitions.ts";

/** The rule kind an event is the condition of. */
const OPENS: Partial<Record<EventType, RuleKind>> = {
  "health_check.down": "check_down",
  "health_check.degraded": "check_degraded",
  "heartbeat.missed": "heartbeat_missed",
  "certificate.expiring": "certificate_expiring",
  "deployment.failed": "deployment_failed",
};

/** The rule kinds whose open alerts an event ends (a degraded check is up again, though slow). */
const RESOLVES: Partial<Record<EventType, RuleKind[]>> = {
  "health_check.up": ["check_down", "check_degraded", "heartbeat_missed"],
  "health_check.degraded": ["check_down", "heartbeat_missed"],
  "health_check.down": ["check_degraded"],
  "deployment.succeeded": ["deployment_failed"],
};

const DAY_MS = 86_400_000;

type Payload = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Payload => (v && typeof v === "object" ? v as Payload : {});

/** What an event is about, read from its payload (flat names, or nested objects as deployments send). */
function facts(e: StoredEvent) {
  const p = e.payload;
  const deployment = obj(p.deployment);
  const project = obj(p.project);
  const checkId = str(p.check_id) ?? (e.subjectType === "health_check" ? e.subjectId : null);
  return {
    checkId,
    checkName: str(p.check_name) ?? str(obj(p.check).name) ?? "A health check",
    projectName: str(p.project_name) ?? str(project.name),
    environment: str(p.environment) ?? str(deployment.environment),
    detail: str(p.detail),
    daysLeft: num(p.days_left) ??
      (str(p.not_after)
        ? Math.floor((new Date(p.not_after as string).getTime() - e.createdAt.getTime()) / DAY_MS)
        : null),
  };
}

/** The subject key: one open alert per rule and this key. */
function subjectKey(e: StoredEvent, kind: RuleKind, f: ReturnType<typeof facts>): string {
  if (kind === "deployment_failed") return `deployment:${e.projectId}:${(f.environment ?? "").toLowerCase()}`;
  return f.checkId ? `check:${f.checkId}` : `${e.subjectType}:${e.subjectId}`;
}

function summary(kind: RuleKind, f: ReturnType<typeof facts>): string {
  const detail = f.detail ? `: ${f.detail}` : "";
  switch (kind) {
    case "check_down":
      return `${f.checkName} is down${detail}`;
    case "check_degraded":
      return `${f.checkName} is degraded${detail}`;
    case "heartbeat_missed":
      return `${f.checkName} missed its heartbeat${detail}`;
    case "certificate_expiring":
      return `The TLS certificate of ${f.checkName} expires in ${f.daysLeft ?? "a few"} days`;
    default:
      return `Deployment of ${f.projectName ?? "a project"} to ${f.environment ?? "an environment"} failed`;
  }
}

/** Whether a rule's own conditions hold for the event beyond kind, project and check. */
function ruleMatches(rule: AlertRuleRow, f: ReturnType<typeof facts>): boolean {
  if (rule.kind === "certificate_expiring") return f.daysLeft === null || f.daysLeft <= (rule.days_before ?? 14);
  if (rule.kind === "deployment_failed" && rule.environment) {
    return (f.environment ?? "").toLowerCase() === rule.environment.toLowerCase();
  }
  return true;
}

export async function evaluateEventForAlerts(tx: Sql, ctx: AuditContext, event: StoredEvent): Promise<void> {
  if (event.type.startsWith("alert.")) return;
  const opens = OPENS[event.type];
  const resolves = RESOLVES[event.type];
  if (!opens && !resolves) return;
  // What the evaluator does is the system's doing, whoever caused the event.
  const system: AuditContext = { actor: null, actorLabel: "system:alerts", ip: null, userAgent: null, now: ctx.now };
  const f = facts(event);
  if (resolves) {
    const key = subjectKey(event, resolves[0], f);
    const open = await openAlertsFor(tx, event.tenantId, resolves, key);
    await resolveBySystem(tx, system, event.tenantId, open.map((a) => a.id), `Recovered: ${event.type}`);
  }
  if (!opens || event.payload.held_back) return;
  const rules = await rulesForEvent(tx, event.tenantId, [opens], event.projectId, f.checkId);
  for (const rule of rules) {
    if (!ruleMatches(rule, f)) continue;
    const subject: Subject = {
      key: subjectKey(event, opens, f),
      projectId: event.projectId,
      checkId: f.checkId,
      summary: summary(opens, f),
      value: opens === "certificate_expiring" ? f.daysLeft : null,
      context: {
        check_name: f.checkId ? f.checkName : null,
        project_name: f.projectName,
        environment: f.environment,
        detail: f.detail,
        event_id: event.id,
        event_type: event.type,
      },
    };
    await openAlertFor(tx, system, rule, subject);
  }
}
