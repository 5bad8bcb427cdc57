/**
 * Deployments reported by CI (API key with deployments:write) or people:
 * create (idempotent per Idempotency-Key), list, read, move through the
 * lifecycle (services/deployments/transitions.ts). Each change writes its
 * audit row and, for start/success/failure, its event in one transaction.
 * Client users see only deployments of their own client's projects.
 */
import type { Sql } from "../../db/client.ts";
import {
  type DeploymentRow,
  getDeployment as findDeployment,
  listDeployments as queryDeployments,
  updateDeployment,
} from "../../db/queries/deployments.ts";
import { closeMaintenanceWindow } from "../../db/queries/maintenance_windows.ts";
import { findProjectBySlug, getProject, type ProjectRow } from "../../db/queries/projects.ts";
import { withTenant } from "../../db/tenant.ts";
import { requireActiveProject } from "../projects/access.ts";
import type { AuditContext } from "../audits/record.ts";
import { recordAudit } from "../audits/record.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { ConflictError, NotFoundError, ValidationError } from "../platform/errors.ts";
import { idempotent, type StoredResponse } from "../platform/idempotency.ts";
import { decodeTimeCursor, type Page, timeCursorKey, toPage } from "../platform/pagination.ts";
import { type DeploymentInput, emitFor, insertDeploymentFor, snapshot } from "./record.ts";
import type { CreateDeploymentInput, DeploymentJson, ListDeploymentsQuery, UpdateDeploymentInput } from "./schemas.ts";
import { DEFAULT_MAINTENANCE_MINUTES, deploymentJson } from "./schemas.ts";
import { assertGateOpen, isProtected, openGate } from "../approvals/deploy_gate.ts";
import { allowedNext, canTransition, FINISHED, timesFor } from "./transitions.ts";

export const NOT_FOUND = "Deployment not found";

export async function listDeployments(
  sql: Sql,
  principal: Principal,
  query: ListDeploymentsQuery,
): Promise<Page<DeploymentRow>> {
  authorize(principal, "deployments", "read");
  const rows = await withTenant(sql, principal.tenantId, (tx) =>
    queryDeployments(tx, principal.tenantId, {
      projectId: query.project_id,
      environment: query.environment,
      status: query.status,
      since: query.since ? new Date(query.since) : undefined,
      until: query.until ? new Date(query.until) : undefined,
      clientId: principal.clientId,
      after: decodeTimeCursor(query.cursor),
      limit: query.limit,
    }));
  return toPage(rows, query.limit, timeCursorKey);
}

/** Loads a deployment the principal may read, inside `tx`; anything else is not found. */
export async function findVisible(
  tx: Sql,
  principal: Principal,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<DeploymentRow> {
  // A CI key scoped to deployments:write alone must be able to finish what it started.
  if (!can(principal, "deployments", "write")) authorize(principal, "deployments", "read");
  const found = await findDeployment(tx, principal.tenantId, id, { clientId: principal.clientId, ...options });
  if (!found) throw new NotFoundError(NOT_FOUND);
  return found;
}

export async function getDeployment(sql: Sql, principal: Principal, id: string): Promise<DeploymentRow> {
  return await withTenant(sql, principal.tenantId, (tx) => findVisible(tx, principal, id));
}

/**
 * The project a request names by id or slug. An unknown or invisible one is a
 * 422 naming the field the caller used: it is bad input in the body, and the
 * message is the same whether the project does not exist or is not theirs.
 */
async function resolveProject(tx: Sql, principal: Principal, input: CreateDeploymentInput): Promise<ProjectRow> {
  const field = input.project_id ? "project_id" : "project_slug";
  const id = input.project_id ?? (await findProjectBySlug(tx, principal.tenantId, input.project_slug!))?.id;
  const project = id ? await getProject(tx, principal.tenantId, id, principal.clientId) : undefined;
  if (!project) throw new ValidationError([{ path: field, message: "no such project in this organisation" }]);
  requireActiveProject(project, "deployments cannot be recorded on it");
  return project;
}

/** POST /api/v1/deployments; a retry with the same Idempotency-Key replays the first answer. */
export async function createDeployment(
  sql: Sql,
  principal: Principal,
  input: CreateDeploymentInput,
  ctx: AuditContext,
  request: { idempotencyKey: string | undefined; path: string; baseUrl?: string },
): Promise<StoredResponse<DeploymentJson>> {
  authorize(principal, "deployments", "write");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, (tx) =>
    idempotent(
      tx,
      { tenantId, key: request.idempotencyKey, method: "POST", path: request.path, input, now: ctx.now },
      async () => {
        const project = await resolveProject(tx, principal, input);
        // A protected environment records the deployment queued and opens its gate instead.
        const gated = await isProtected(tx, project, input.environment);
        const data: DeploymentInput = {
          environment: input.environment,
          status: gated ? "queued" : input.status,
          commitSha: input.commit_sha.toLowerCase(),
          ref: input.ref ?? null,
          url: input.url ?? null,
          actor: input.actor ?? principal.name ?? principal.email,
          source: "api",
          externalId: null,
          committedAt: input.committed_at ? new Date(input.committed_at) : null,
          startedAt: input.started_at && !gated ? new Date(input.started_at) : null,
          finishedAt: input.finished_at && !gated ? new Date(input.finished_at) : null,
          maintenanceMinutes: input.maintenance && !gated
            ? input.maintenance_minutes ?? DEFAULT_MAINTENANCE_MINUTES
            : undefined,
        };
        const created = await insertDeploymentFor(tx, ctx, project, data);
        if (!gated) return { status: 201, body: deploymentJson(created) };
        return {
          status: 202,
          body: deploymentJson(await openGate(tx, ctx, principal, created, input.status, request.baseUrl)),
        };
      },
    ));
}

/**
 * Moves a deployment to `to` (validated), records the audit row and the
 * event. A change to the current status is a no-op (a retried CI step), so
 * nothing is written. Shared by PATCH and the GitHub webhook.
 */
export async function transitionDeployment(
  tx: Sql,
  ctx: AuditContext,
  current: DeploymentRow,
  change: { status: UpdateDeploymentInput["status"]; url?: string | null; startedAt?: Date; finishedAt?: Date },
): Promise<DeploymentRow> {
  const to = change.status;
  const sameStatus = current.status === to;
  assertGateOpen(current, to);
  if (!sameStatus && !canTransition(current.status, to)) {
    const next = allowedNext(current.status);
    throw new ConflictError(
      `Deployment is ${current.status}: it cannot become ${to}` +
        (next.length ? ` (allowed: ${next.join(", ")})` : ` (${current.status} is final)`),
      [{ path: "status", message: `cannot change from ${current.status} to ${to}` }],
    );
  }
  const times = timesFor(to, current, { started_at: change.startedAt, finished_at: change.finishedAt }, ctx.now);
  if (times.started_at && times.finished_at && times.finished_at < times.started_at) {
    throw new ValidationError([{ path: "finished_at", message: "must not be before started_at" }]);
  }
  const url = change.url === undefined ? current.url : change.url;
  const unchanged = sameStatus && url === current.url &&
    times.started_at?.getTime() === current.started_at?.getTime() &&
    times.finished_at?.getTime() === current.finished_at?.getTime();
  if (unchanged) return current;
  await updateDeployment(tx, current.tenant_id, current.id, { status: to, url, ...times });
  // A finished rollout no longer needs its quiet time; a window that already timed out keeps its end.
  if (FINISHED.includes(to) && current.maintenance_window_id) {
    await closeMaintenanceWindow(tx, current.tenant_id, current.maintenance_window_id, ctx.now);
  }
  const updated = (await findDeployment(tx, current.tenant_id, current.id))!;
  await recordAudit(tx, ctx, {
    tenantId: current.tenant_id,
    action: "deployment.update",
    resourceType: "deployment",
    resourceId: current.id,
    before: snapshot(current),
    after: snapshot(updated),
  });
  if (!sameStatus) await emitFor(tx, ctx, updated);
  return updated;
}

/** PATCH /api/v1/deployments/{id}: a status change (with optional times and URL). */
export async function updateDeploymentStatus(
  sql: Sql,
  principal: Principal,
  id: string,
  input: UpdateDeploymentInput,
  ctx: AuditContext,
): Promise<DeploymentRow> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    // Visibility first: another client's deployment is a 404 even to a caller who may not write.
    const current = await findVisible(tx, principal, id, { forUpdate: true });
    authorize(principal, "deployments", "write");
    return await transitionDeployment(tx, ctx, current, {
      status: input.status,
      url: input.url,
      startedAt: input.started_at ? new Date(input.started_at) : undefined,
      finishedAt: input.finished_at ? new Date(input.finished_at) : undefined,
    });
  });
}
