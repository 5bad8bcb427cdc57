/**
 * Statements of work: a project's contracts, each linked to its document.
 * Client users read their own client's SOWs; staff with sows:write keep them;
 * only admins (sows:delete) delete, and only drafts nothing hangs under.
 */
import type { Sql } from "../../db/client.ts";
import {
  deleteSow as removeSow,
  getSow as findSow,
  insertSow,
  listSows as querySows,
  SOW_STATUSES,
  type SowFields,
  type SowRow,
  type SowStatus,
  updateSow as saveSow,
} from "../../db/queries/sows.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { ConflictError, type FieldError, NotFoundError, ValidationError } from "../platform/errors.ts";
import { decodeTimeCursor, type Page, timeCursorKey, toPage } from "../platform/pagination.ts";
import { loadProjectFor, requireActiveProject } from "../projects/access.ts";
import type { CreateSowInput, ListSowsQuery, UpdateSowInput } from "./schemas.ts";

const NOT_FOUND = "Statement of work not found";

export async function listSows(sql: Sql, principal: Principal, query: ListSowsQuery): Promise<Page<SowRow>> {
  authorize(principal, "sows", "read");
  const after = decodeTimeCursor(query.cursor);
  const rows = await withTenant(sql, principal.tenantId, (tx) =>
    querySows(tx, principal.tenantId, {
      projectId: query.project_id,
      status: query.status,
      clientId: principal.clientId,
      after,
      limit: query.limit,
    }));
  return toPage(rows, query.limit, timeCursorKey);
}

/** One SOW the principal may read: another tenant's, or another client's for a client user, is not found. */
export async function getSow(sql: Sql, principal: Principal, id: string): Promise<SowRow> {
  authorize(principal, "sows", "read");
  const sow = await withTenant(
    sql,
    principal.tenantId,
    (tx) => findSow(tx, principal.tenantId, id, { clientId: principal.clientId }),
  );
  if (!sow) throw new NotFoundError(NOT_FOUND);
  return sow;
}

const snapshot = (s: SowRow) => ({
  project_id: s.project_id,
  name: s.name,
  status: s.status,
  document_url: s.document_url,
  drive_id: s.drive_id,
  signed_on: s.signed_on,
  starts_on: s.starts_on,
  ends_on: s.ends_on,
  value: s.value,
  currency: s.currency,
});

/** POST /api/v1/sows: on a project the caller can see, not archived. */
export async function createSow(
  sql: Sql,
  principal: Principal,
  input: CreateSowInput,
  ctx: AuditContext,
): Promise<SowRow> {
  authorize(principal, "sows", "write");
  const { project } = await loadProjectFor(sql, principal, input.project_id);
  requireActiveProject(project, "restore it before adding statements of work");
  const { project_id: _, ...fields } = input;
  checkConsistency(fields);
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const id = await insertSow(tx, { tenantId, projectId: project.id, fields, now: ctx.now });
    const sow = (await findSow(tx, tenantId, id))!;
    await recordAudit(tx, ctx, {
      tenantId,
      action: "sow.create",
      resourceType: "sow",
      resourceId: id,
      after: snapshot(sow),
    });
    return sow;
  });
}

/** PATCH /api/v1/sows/{id}: any field but the project; status only moves forward. */
export async function updateSow(
  sql: Sql,
  principal: Principal,
  id: string,
  input: UpdateSowInput,
  ctx: AuditContext,
): Promise<SowRow> {
  authorize(principal, "sows", "read");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const before = await findSow(tx, tenantId, id, { clientId: principal.clientId, forUpdate: true });
    if (!before) throw new NotFoundError(NOT_FOUND);
    authorize(principal, "sows", "write");
    const patch = changedFields(before, input);
    if (Object.keys(patch).length === 0) return before;
    if (patch.status) checkTransition(before, patch.status);
    checkConsistency({ ...snapshot(before), ...patch });
    await saveSow(tx, tenantId, id, patch);
    const after = (await findSow(tx, tenantId, id))!;
    await recordAudit(tx, ctx, {
      tenantId,
      action: patch.status ? "sow.status_change" : "sow.update",
      resourceType: "sow",
      resourceId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return after;
  });
}

/**
 * DELETE /api/v1/sows/{id}: admins only (sows:delete), and only a draft with
 * no change requests under it. A signed contract is closed, never deleted.
 */
export async function deleteSow(sql: Sql, principal: Principal, id: string, ctx: AuditContext): Promise<void> {
  authorize(principal, "sows", "read");
  const tenantId = principal.tenantId;
  await withTenant(sql, tenantId, async (tx) => {
    const sow = await findSow(tx, tenantId, id, { clientId: principal.clientId, forUpdate: true });
    if (!sow) throw new NotFoundError(NOT_FOUND);
    authorize(principal, "sows", "delete");
    if (sow.status !== "draft") {
      throw new ConflictError(
        `Cannot delete SOW "${sow.name}": it is ${sow.status}, and only drafts can be deleted (close it instead)`,
      );
    }
    if (sow.change_request_count > 0) {
      const n = sow.change_request_count;
      throw new ConflictError(
        `Cannot delete SOW "${sow.name}": ${n} change request${n === 1 ? " is" : "s are"} filed under it`,
      );
    }
    await removeSow(tx, tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId,
      action: "sow.delete",
      resourceType: "sow",
      resourceId: id,
      before: snapshot(sow),
    });
  });
}

/** The fields the input would actually change (null clears a field). */
function changedFields(before: SowRow, input: UpdateSowInput): SowFields {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined && value !== before[key as keyof SowRow]) patch[key] = value;
  }
  return patch as SowFields;
}

/**
 * Status only moves forward (draft → signed → active → closed, steps may be
 * skipped: a draft can be abandoned straight to closed); closed is final.
 */
export function checkTransition(sow: Pick<SowRow, "name" | "status">, to: SowStatus): void {
  const from = sow.status;
  if (from === "closed") {
    throw new ConflictError(`SOW "${sow.name}" is closed: a closed statement of work cannot change status`);
  }
  if (SOW_STATUSES.indexOf(to) < SOW_STATUSES.indexOf(from)) {
    const next = SOW_STATUSES.slice(SOW_STATUSES.indexOf(from) + 1).join(", ");
    throw new ConflictError(`SOW "${sow.name}" is ${from}: it cannot go back to ${to} (it can move to ${next})`);
  }
}

/** Rules across fields, checked on the SOW as it would be after the change. */
function checkConsistency(s: SowFields): void {
  const errors: FieldError[] = [];
  if (s.starts_on && s.ends_on && s.ends_on < s.starts_on) {
    errors.push({ path: "ends_on", message: "must not be before starts_on" });
  }
  if (s.value && !s.currency) errors.push({ path: "currency", message: "is required when value is set" });
  if (errors.length > 0) throw new ValidationError(errors);
}
