/**
 * Health checks as a resource: list, read, create, change, delete, pause,
 * resume, run now, rotate a heartbeat's ping token. Each mutation checks
 * visibility first (another tenant's or client's check is a 404), then the
 * permission, and writes its audit row in the same transaction. Client users
 * see only their client's projects' checks, and a target they write may only
 * be a public address (public_targets_only, enforced again at every run).
 */
import { moveCheckNotifyRules } from "../../db/queries/notification_rules.ts";
import { setCheckNotify } from "./notify.ts";
import type { Sql } from "../../db/client.ts";
import {
  type CheckType,
  deleteHealthCheck as removeHealthCheck,
  dependencyCreatesCycle,
  getHealthCheck,
  type HealthCheckDefinition,
  type HealthCheckRow,
  insertHealthCheck,
  listHealthChecks as queryHealthChecks,
  reschedule,
  setPingTokenHash,
  updateHealthCheck as writeHealthCheck,
} from "../../db/queries/health_checks.ts";
import { getProject } from "../../db/queries/projects.ts";
import { environmentOf } from "../../db/queries/project_environments.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import type { Config } from "../platform/config.ts";
import { ConflictError, NotFoundError, ValidationError } from "../platform/errors.ts";

import { decodeTimeCursor, type Page, timeCursorKey, toPage } from "../platform/pagination.ts";
import { applyInput, defaultDefinition, definitionOf, nextRunAfterEdit, targetChanged } from "./definition.ts";
import { deadlineAfter, generatePingToken } from "./heartbeats.ts";
import { listResults, uptime } from "./history.ts";
import { targetProblem } from "./probe.ts";
import type {
  CreateHealthCheckInput,
  ListHealthChecksQuery,
  ListResultsQuery,
  UpdateHealthCheckInput,
  Uptime,
} from "./schemas.ts";

export const NOT_FOUND = "Health check not found";

export interface CheckWithUptime {
  check: HealthCheckRow;
  uptime: Uptime;
}

/** What a heartbeat's ping URL is built from: OPSDECK_BASE_URL, else the request's own origin. */
export interface PingUrlBase {
  origin: string;
}

export const pingUrl = (base: PingUrlBase, token: string) => `${base.origin}/api/v1/heartbeats/${token}`;

const snapshot = (d: HealthCheckDefinition) => ({ ...d });

async function withUptime(tx: Sql, tenantId: string, checks: HealthCheckRow[], now: Date): Promise<CheckWithUptime[]> {
  const figures = checks.length
    ? await uptime(tx, tenantId, checks.map((c) => ({ id: c.id, projectId: c.project_id })), now)
    : new Map();
  const none = { h24: null, d7: null, d30: null, d90: null };
  return checks.map((check) => ({ check, uptime: figures.get(check.id) ?? none }));
}

export async function listHealthChecks(
  sql: Sql,
  principal: Principal,
  query: ListHealthChecksQuery,
  now: Date,
): Promise<Page<CheckWithUptime>> {
  authorize(principal, "health_checks", "read");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const rows = await queryHealthChecks(tx, principal.tenantId, {
      projectId: query.project_id,
      status: query.status,
      type: query.type,
      clientId: principal.clientId,
      after: decodeTimeCursor(query.cursor),
      limit: query.limit,
    });
    const page = toPage(rows, query.limit, timeCursorKey);
    return { data: await withUptime(tx, principal.tenantId, page.data, now), next_cursor: page.next_cursor };
  });
}

/** Loads a check the principal may read, inside `tx`; anything else is not found. */
export async function findVisibleCheck(
  tx: Sql,
  principal: Principal,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<HealthCheckRow> {
  authorize(principal, "health_checks", "read");
  const found = await getHealthCheck(tx, principal.tenantId, id, { clientId: principal.clientId, ...options });
  if (!found) throw new NotFoundError(NOT_FOUND);
  return found;
}

export async function getCheck(sql: Sql, principal: Principal, id: string, now: Date): Promise<CheckWithUptime> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const check = await findVisibleCheck(tx, principal, id);
    return (await withUptime(tx, principal.tenantId, [check], now))[0];
  });
}

/**
 * What needs the database or the probe policy: the project (visible, not
 * archived; another client's is "no such project", a 422 like an unknown
 * one), the parent check (visible, not itself, no loop), the environment
 * (the check's own project's, so a move to another project names a new one) and the target as
 * written (scheme, literal addresses; the resolved address is checked again
 * at every run).
 */
async function checkReferences(
  tx: Sql,
  principal: Principal,
  config: Config,
  d: HealthCheckDefinition,
  current: HealthCheckRow | null,
): Promise<void> {
  const selfId = current?.id ?? null;
  const errors: { path: string; message: string }[] = [];
  const project = await getProject(tx, principal.tenantId, d.project_id, principal.clientId);
  if (!project) errors.push({ path: "project_id", message: "no such project in this organisation" });
  // Checks already on an archived project stay editable; new ones do not go there.
  else if (project.archived_at && project.id !== current?.project_id) {
    throw new ConflictError(`Project "${project.name}" is archived`);
  }
  if (d.depends_on_id) {
    const parent = await getHealthCheck(tx, principal.tenantId, d.depends_on_id, { clientId: principal.clientId });
    if (!parent) errors.push({ path: "depends_on_id", message: "no such health check in this organisation" });
    else if (d.depends_on_id === selfId) {
      errors.push({ path: "depends_on_id", message: "a check cannot depend on itself" });
    } else if (selfId && await dependencyCreatesCycle(tx, principal.tenantId, selfId, d.depends_on_id)) {
      errors.push({ path: "depends_on_id", message: `"${parent.name}" already depends on this check` });
    }
  }
  if (d.environment_id && !(await environmentOf(tx, principal.tenantId, d.project_id, d.environment_id))) {
    errors.push({ path: "environment_id", message: "no such environment in the check's project" });
  }
  if (d.type !== "heartbeat") {
    const problem = targetProblem(
      { type: d.type, url: d.url, host: d.host, port: d.port },
      d.public_targets_only ? config.outbound.clientProbe : config.outbound.probe,
    );
    if (problem) errors.push({ path: d.type === "http" ? "url" : "host", message: problem });
  }
  if (errors.length) throw new ValidationError(errors);
}

export interface Created extends CheckWithUptime {
  /** Heartbeats only: shown in this answer only. */
  pingUrl: string | null;
}

export async function createHealthCheck(
  sql: Sql,
  principal: Principal,
  config: Config,
  input: CreateHealthCheckInput,
  ctx: AuditContext,
  base: PingUrlBase,
): Promise<Created> {
  authorize(principal, "health_checks", "write");
  const { notify_channel_ids: notify, ...definition } = input;
  const d = applyInput(defaultDefinition(input.project_id, input.name, input.type as CheckType), definition);
  d.public_targets_only = principal.clientId !== null;
  return await withTenant(sql, principal.tenantId, async (tx) => {
    await checkReferences(tx, principal, config, d, null);
    const ping = d.type === "heartbeat" ? await generatePingToken() : null;
    const nextRunAt = d.type === "heartbeat" ? deadlineAfter(d, ctx.now) : ctx.now;
    const id = await insertHealthCheck(tx, principal.tenantId, d, {
      pingTokenHash: ping?.hash ?? null,
      nextRunAt,
      now: ctx.now,
    });
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "health_check.create",
      resourceType: "health_check",
      resourceId: id,
      after: snapshot(d),
    });
    if (notify?.length) await setCheckNotify(tx, principal, { id, project_id: d.project_id }, notify, ctx);
    const check = (await getHealthCheck(tx, principal.tenantId, id))!;
    const [withFigures] = await withUptime(tx, principal.tenantId, [check], ctx.now);
    return { ...withFigures, pingUrl: ping ? pingUrl(base, ping.token) : null };
  });
}

export async function updateHealthCheck(
  sql: Sql,
  principal: Principal,
  config: Config,
  id: string,
  input: UpdateHealthCheckInput,
  ctx: AuditContext,
): Promise<CheckWithUptime> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const current = await findVisibleCheck(tx, principal, id, { forUpdate: true });
    authorize(principal, "health_checks", "write");
    const before = definitionOf(current);
    const { notify_channel_ids: notify, ...definition } = input;
    const after = applyInput(before, definition);
    // Whoever writes the target owns it: a client user's target is public-only, an edit by staff lifts that.
    if (principal.clientId) after.public_targets_only = true;
    else if (targetChanged(before, after)) after.public_targets_only = false;
    await checkReferences(tx, principal, config, after, current);
    await writeHealthCheck(
      tx,
      principal.tenantId,
      id,
      after,
      nextRunAfterEdit(before, after, current.last_ping_at, ctx.now),
    );
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "health_check.update",
      resourceType: "health_check",
      resourceId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    if (notify) await setCheckNotify(tx, principal, { id, project_id: after.project_id }, notify, ctx);
    else if (after.project_id !== before.project_id) {
      await moveCheckNotifyRules(tx, principal.tenantId, id, after.project_id);
    }
    const check = (await getHealthCheck(tx, principal.tenantId, id))!;
    return (await withUptime(tx, principal.tenantId, [check], ctx.now))[0];
  });
}

export async function deleteHealthCheck(sql: Sql, principal: Principal, id: string, ctx: AuditContext) {
  await withTenant(sql, principal.tenantId, async (tx) => {
    const current = await findVisibleCheck(tx, principal, id, { forUpdate: true });
    authorize(principal, "health_checks", "delete");
    await removeHealthCheck(tx, principal.tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "health_check.delete",
      resourceType: "health_check",
      resourceId: id,
      before: snapshot(definitionOf(current)),
    });
  });
}

export type ScheduleAction = "pause" | "resume" | "run";

/**
 * Pause, resume, run now. Resuming starts afresh (status unknown, no counted
 * failures): what happened before the pause says nothing about now. A
 * resumed heartbeat gets a whole period (+ grace) before it is missed.
 * "Run now" on a heartbeat is refused: only the job can ping.
 */
export async function changeSchedule(
  sql: Sql,
  principal: Principal,
  id: string,
  action: ScheduleAction,
  ctx: AuditContext,
): Promise<CheckWithUptime> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const current = await findVisibleCheck(tx, principal, id, { forUpdate: true });
    authorize(principal, "health_checks", "write");
    const d = definitionOf(current);
    if (action === "run") {
      if (current.type === "heartbeat") throw new ConflictError("A heartbeat check runs when its job pings it");
      if (current.paused) throw new ConflictError("The check is paused: resume it first");
      await reschedule(tx, principal.tenantId, id, { paused: false, nextRunAt: ctx.now, resetFailures: false });
    } else if (action === "pause") {
      await reschedule(tx, principal.tenantId, id, {
        paused: true,
        nextRunAt: current.next_run_at,
        resetFailures: false,
      });
    } else {
      const nextRunAt = current.type === "heartbeat" ? deadlineAfter(d, ctx.now) : ctx.now;
      await reschedule(tx, principal.tenantId, id, { paused: false, nextRunAt, resetFailures: current.paused });
    }
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: `health_check.${action}`,
      resourceType: "health_check",
      resourceId: id,
      before: { paused: current.paused, next_run_at: current.next_run_at },
      after: action === "run" ? { next_run_at: ctx.now } : { paused: action === "pause" },
    });
    const check = (await getHealthCheck(tx, principal.tenantId, id))!;
    return (await withUptime(tx, principal.tenantId, [check], ctx.now))[0];
  });
}

/** A new ping URL for a heartbeat; the old one stops working at once. */
export async function rotatePingToken(
  sql: Sql,
  principal: Principal,
  id: string,
  ctx: AuditContext,
  base: PingUrlBase,
): Promise<Created> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const current = await findVisibleCheck(tx, principal, id, { forUpdate: true });
    authorize(principal, "health_checks", "write");
    if (current.type !== "heartbeat") throw new ConflictError("Only heartbeat checks have a ping URL");
    const ping = await generatePingToken();
    await setPingTokenHash(tx, principal.tenantId, id, ping.hash);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "health_check.rotate_token",
      resourceType: "health_check",
      resourceId: id,
    });
    const [withFigures] = await withUptime(tx, principal.tenantId, [current], ctx.now);
    return { ...withFigures, pingUrl: pingUrl(base, ping.token) };
  });
}

/** GET /api/v1/health-checks/{id}/results: the visible check's results, newest first. */
export async function listCheckResults(sql: Sql, principal: Principal, id: string, query: ListResultsQuery) {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    await findVisibleCheck(tx, principal, id);
    return await listResults(tx, principal.tenantId, id, {
      since: query.since ? new Date(query.since) : undefined,
      until: query.until ? new Date(query.until) : undefined,
      status: query.status,
      limit: query.limit,
      cursor: query.cursor,
    });
  });
}
