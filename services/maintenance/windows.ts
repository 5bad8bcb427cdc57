/**
 * Maintenance windows: create, read, list, change, end now, delete. They mute
 * health checks, so they ride on the health_checks permissions (read / write;
 * delete needs health_checks:delete). Client users read the windows of their
 * client's projects and tenant-wide ones. Every change writes one audit row.
 */
import type { Sql } from "../../db/client.ts";
import {
  deleteWindow as removeWindow,
  endWindow as closeWindow,
  findVisibleWindow,
  insertWindow,
  listWindows as queryWindows,
  type MaintenanceWindowRow,
  updateWindow as storeWindow,
} from "../../db/queries/maintenance_windows.ts";
import { getProject } from "../../db/queries/projects.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { BadRequestError, ConflictError, NotFoundError, ValidationError } from "../platform/errors.ts";
import { decodeCursor, type Page, toPage } from "../platform/pagination.ts";
import { buildWindow, inputOf } from "./build.ts";
import type { CreateWindowInput, ListWindowsQuery, UpdateWindowInput } from "./schemas.ts";

export const NOT_FOUND = "Maintenance window not found";
const RESOURCE = "maintenance_window";

async function checkProject(tx: Sql, principal: Principal, projectId: string | null | undefined): Promise<void> {
  if (!projectId) return;
  if (!(await getProject(tx, principal.tenantId, projectId, principal.clientId))) {
    throw new ValidationError([{ path: "project_id", message: "no such project in this organisation" }]);
  }
}

async function findVisible(tx: Sql, principal: Principal, id: string): Promise<MaintenanceWindowRow> {
  const found = await findVisibleWindow(tx, principal.tenantId, id, principal.clientId);
  if (!found) throw new NotFoundError(NOT_FOUND);
  return found;
}

/** Someone else's window is a 404 before a missing permission is a 403: ids never leak. */
async function findVisibleFor(
  tx: Sql,
  principal: Principal,
  id: string,
  action: "write" | "delete",
): Promise<MaintenanceWindowRow> {
  authorize(principal, "health_checks", "read");
  const found = await findVisible(tx, principal, id);
  authorize(principal, "health_checks", action);
  return found;
}

export async function createWindow(
  sql: Sql,
  principal: Principal,
  input: CreateWindowInput,
  ctx: AuditContext,
): Promise<MaintenanceWindowRow> {
  authorize(principal, "health_checks", "write");
  const data = buildWindow(input, { tenantId: principal.tenantId, now: ctx.now });
  return await withTenant(sql, principal.tenantId, async (tx) => {
    await checkProject(tx, principal, data.projectId);
    const row = await insertWindow(tx, data);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: `${RESOURCE}.create`,
      resourceType: RESOURCE,
      resourceId: row.id,
      after: row,
    });
    return row;
  });
}

export async function getWindow(sql: Sql, principal: Principal, id: string): Promise<MaintenanceWindowRow> {
  authorize(principal, "health_checks", "read");
  return await withTenant(sql, principal.tenantId, (tx) => findVisible(tx, principal, id));
}

type SortKeyed = MaintenanceWindowRow & { sort_key: string };

export async function listWindows(
  sql: Sql,
  principal: Principal,
  query: ListWindowsQuery,
  now: Date,
): Promise<Page<SortKeyed>> {
  authorize(principal, "health_checks", "read");
  let after: { ends_at: string; id: string } | undefined;
  if (query.cursor) {
    const [endsAt, id] = decodeCursor(query.cursor, ["string", "string"]) as [string, string];
    if (endsAt !== "infinity" && Number.isNaN(Date.parse(endsAt))) {
      throw new BadRequestError("cursor: not a cursor returned by this list");
    }
    after = { ends_at: endsAt, id };
  }
  const rows = await withTenant(sql, principal.tenantId, (tx) =>
    queryWindows(tx, principal.tenantId, {
      clientId: principal.clientId,
      projectId: query.project_id,
      state: query.state,
      now,
      after,
      limit: query.limit + 1,
    }));
  return toPage(rows, query.limit, (r) => [r.ends_at ? r.ends_at.toISOString() : "infinity", r.id]);
}

export async function updateWindow(
  sql: Sql,
  principal: Principal,
  id: string,
  patch: UpdateWindowInput,
  ctx: AuditContext,
): Promise<MaintenanceWindowRow> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await findVisibleFor(tx, principal, id, "write");
    const merged = mergePatch(inputOf(before), patch);
    const data = buildWindow(merged, { tenantId: principal.tenantId, now: ctx.now });
    await checkProject(tx, principal, data.projectId);
    const after = await storeWindow(tx, id, data);
    if (!after) throw new NotFoundError(NOT_FOUND);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: `${RESOURCE}.update`,
      resourceType: RESOURCE,
      resourceId: id,
      before,
      after,
    });
    return after;
  });
}

/** A patch switching kind drops the other kind's fields, so the result validates as that kind. */
function mergePatch(current: CreateWindowInput, patch: UpdateWindowInput): CreateWindowInput {
  const merged: Record<string, unknown> = { ...current };
  const drop = (...keys: string[]) => keys.forEach((k) => delete merged[k]);
  if (patch.rrule === null) drop("rrule", "dtstart", ...(patch.ends_at === undefined ? [] : ["duration_minutes"]));
  else if (patch.rrule !== undefined && !current.rrule) drop("starts_at", "ends_at");
  if (!merged.rrule && !patch.rrule && patch.duration_minutes !== undefined) drop("ends_at");
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || (key === "rrule" && value === null)) continue;
    merged[key] = value;
  }
  return merged as CreateWindowInput;
}

/** Ends a running window, or stops a series, now. Ending one that is already over changes nothing. */
export async function endWindow(
  sql: Sql,
  principal: Principal,
  id: string,
  ctx: AuditContext,
): Promise<MaintenanceWindowRow> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await findVisibleFor(tx, principal, id, "write");
    if (before.ends_at && before.ends_at <= ctx.now) return before;
    if (before.starts_at > ctx.now) {
      throw new ConflictError("The window has not started yet: delete it, or change its times");
    }
    const after = (await closeWindow(tx, principal.tenantId, id, ctx.now)) ?? before;
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: `${RESOURCE}.end`,
      resourceType: RESOURCE,
      resourceId: id,
      before: { ends_at: before.ends_at },
      after: { ends_at: after.ends_at },
    });
    return after;
  });
}

export async function deleteWindow(sql: Sql, principal: Principal, id: string, ctx: AuditContext): Promise<void> {
  await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await findVisibleFor(tx, principal, id, "delete");
    await removeWindow(tx, principal.tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: `${RESOURCE}.delete`,
      resourceType: RESOURCE,
      resourceId: id,
      before,
    });
  });
}
