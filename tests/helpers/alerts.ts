/** Alert tests: checks and channels to point rules at, events fired as the scheduler would, a controllable clock. */
import type { Sql } from "../../db/client.ts";
import type { EventType } from "../../db/queries/events.ts";
import { createAlertEvaluator } from "../../services/alerts/evaluator.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { type DomainEvent, emitEvent } from "../../services/events/emit.ts";
import { silentLogger } from "../../services/platform/logger.ts";

/** An HTTP check on a project, inserted as the scheduler's engineer's API would store it. */
export async function genCheck(sql: Sql, tenantId: string, projectId: string, name = "Storefront homepage") {
  const [row] = await sql<{ id: string; name: string; project_id: string }[]>`
    INSERT INTO health_checks (tenant_id, project_id, name, type, url)
    VALUES (${tenantId}, ${projectId}, ${name}, 'http', 'https://shop.example.com/')
    RETURNING id, name, project_id`;
  return row;
}

/** A webhook channel (escalation target); never sent to in these tests. */
export async function genChannel(sql: Sql, tenantId: string, name = "On-call webhook") {
  const [row] = await sql<{ id: string; name: string }[]>`
    INSERT INTO notification_channels (tenant_id, name, type, config)
    VALUES (${tenantId}, ${name}, 'webhook', ${sql.json({ url: "https://hooks.example.com/opsdeck" })})
    RETURNING id, name`;
  return row;
}

/** A clock the test moves by hand. */
export function fakeClock(start = new Date()) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(minutes: number) {
      now += minutes * 60_000;
    },
    set(at: Date) {
      now = at.getTime();
    },
  };
}

/** Emits an event as the system would (the scheduler, a deployment), in its own transaction. */
export async function fire(sql: Sql, event: DomainEvent, now = new Date()): Promise<string> {
  return await sql.begin((tx) =>
    emitEvent(tx as unknown as Sql, { actor: null, actorLabel: "system:test", ip: null, userAgent: null, now }, event)
  ) as string;
}

/** A check's event with the scheduler's payload shape. */
export function checkEvent(
  type: EventType,
  check: { id: string; name: string; project_id: string },
  tenantId: string,
  extra: Record<string, unknown> = {},
  heldBack?: "dependency" | "maintenance",
): DomainEvent {
  return {
    tenantId,
    type,
    subject: { type: "health_check", id: check.id },
    projectId: check.project_id,
    payload: {
      check_id: check.id,
      check_name: check.name,
      project_id: check.project_id,
      project_name: "Acme shop",
      detail: type === "health_check.down" ? "HTTP 503" : null,
      ...extra,
    },
    heldBack,
  };
}

/** A deployment event with services/deployments' payload shape. */
export function deploymentEvent(
  type: "deployment.failed" | "deployment.succeeded",
  tenantId: string,
  projectId: string,
  environment: string,
  projectName = "Acme shop",
): DomainEvent {
  const id = crypto.randomUUID();
  return {
    tenantId,
    type,
    subject: { type: "deployment", id },
    projectId,
    payload: { deployment: { id, environment, status: "failed" }, project: { id: projectId, name: projectName } },
  };
}

/** The evaluator on the test database with the given clock. */
export function evaluatorFor(sql: Sql, now: () => Date, instanceId = "test-evaluator") {
  return createAlertEvaluator(evaluatorDeps(sql, now, instanceId));
}

export function evaluatorDeps(sql: Sql, now: () => Date, instanceId = "test-evaluator") {
  return {
    sql,
    config: loadConfig({ OPSDECK_SECRET: "test-secret-test-secret-test-secret-0000" }),
    logger: silentLogger,
    now,
    secret: "test-secret-test-secret-test-secret-0000",
    instanceId,
  };
}

export interface AlertState {
  id: string;
  status: string;
  rule_id: string;
  subject_key: string;
  summary: string;
  value: number | null;
}

/** Every alert of a rule, oldest first. */
export async function alertsOf(sql: Sql, ruleId: string): Promise<AlertState[]> {
  return [
    ...await sql<AlertState[]>`
      SELECT id, status, rule_id, subject_key, summary, value FROM alerts WHERE rule_id = ${ruleId}
      ORDER BY created_at, id`,
  ];
}

/** An alert's history as [from, to, action, actor, comment], oldest first. */
export async function historyOf(sql: Sql, alertId: string) {
  const rows = await sql<{ from_status: string | null; to_status: string; action: string; actor: string | null }[]>`
    SELECT from_status, to_status, action, actor_user_id AS actor, comment FROM alert_history
    WHERE alert_id = ${alertId} ORDER BY created_at, action DESC`;
  return rows.map((r) => [r.from_status, r.to_status, r.action, r.actor]);
}

/** The alert.* events about an alert, oldest first. */
export async function alertEvents(sql: Sql, alertId: string) {
  return await sql<{ type: string; payload: Record<string, unknown> }[]>`
    SELECT type, payload FROM events WHERE subject_id = ${alertId} ORDER BY created_at, id`;
}
