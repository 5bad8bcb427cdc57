/**
 * Change requests: filed on a project by staff or by the project's client
 * users, edited while pending, then decided (services/change_requests/workflow.ts).
 * Client users see only requests on their own client's projects.
 */
import type { Sql } from "../../db/client.ts";
import {
  type ChangeRequestPatch,
  type ChangeRequestRow,
  getChangeRequest as findChangeRequest,
  insertChangeRequest,
  listChangeRequests as queryChangeRequests,
  updatePendingChangeRequest,
} from "../../db/queries/change_requests.ts";
import { syncChangeRequestApproval } from "../../db/queries/approvals.ts";
import { getSow } from "../../db/queries/sows.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../platform/errors.ts";
import { emitEvent } from "../events/emit.ts";
import { decodeTimeCursor, type Page, timeCursorKey, toPage } from "../platform/pagination.ts";
import { loadProjectFor, requireActiveProject } from "../projects/access.ts";
import { requestApproval } from "../approvals/engine.ts";
import type { CreateChangeRequestInput, ListChangeRequestsQuery, UpdateChangeRequestInput } from "./schemas.ts";

export const NOT_FOUND = "Change request not found";

export async function listChangeRequests(
  sql: Sql,
  principal: Principal,
  query: ListChangeRequestsQuery,
): Promise<Page<ChangeRequestRow>> {
  authorize(principal, "change_requests", "read");
  const after = decodeTimeCursor(query.cursor);
  const rows = await withTenant(sql, principal.tenantId, (tx) =>
    queryChangeRequests(tx, principal.tenantId, {
      projectId: query.project_id,
      status: query.status,
      priority: query.priority,
      clientId: principal.clientId,
      after,
      limit: query.limit,
    }));
  return toPage(rows, query.limit, timeCursorKey);
}

/** Loads a request the principal may read, inside `tx`; anything else is not found. */
export async function findVisible(
  tx: Sql,
  principal: Principal,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ChangeRequestRow> {
  authorize(principal, "change_requests", "read");
  const found = await findChangeRequest(tx, principal.tenantId, id, { clientId: principal.clientId, ...options });
  if (!found) throw new NotFoundError(NOT_FOUND);
  return found;
}

export async function getChangeRequest(sql: Sql, principal: Principal, id: string): Promise<ChangeRequestRow> {
  return await withTenant(sql, principal.tenantId, (tx) => findVisible(tx, principal, id));
}

/** Who may edit a request: while pending, staff with write access, or the client user who filed it. */
export function canEdit(principal: Principal, cr: ChangeRequestRow): boolean {
  return cr.status === "pending" && can(principal, "change_requests", "write") &&
    (principal.clientId === null || cr.requested_by === principal.userId);
}

/** What the audit row keeps of a request. */
export const snapshot = (r: ChangeRequestRow) => ({
  project_id: r.project_id,
  sow_id: r.sow_id,
  title: r.title,
  description: r.description,
  priority: r.priority,
  status: r.status,
  document_url: r.document_url,
  drive_id: r.drive_id,
  approver_id: r.approver_id,
  decision_comment: r.decision_comment,
});

/** What the events carry of a request: enough for a message without further reads. */
export const eventSubject = (r: ChangeRequestRow) => ({
  change_request: {
    id: r.id,
    title: r.title,
    priority: r.priority,
    status: r.status,
    requested_by: { id: r.requested_by, name: r.requester_name },
    path: `/change-requests/${r.id}`,
  },
  project: { id: r.project_id, name: r.project_name, client_id: r.client_id },
});

/**
 * POST /api/v1/change-requests: filed by the caller on a project they can see
 * and that is not archived; emits `change_request.created`.
 */
export async function createChangeRequest(
  sql: Sql,
  principal: Principal,
  input: CreateChangeRequestInput,
  ctx: AuditContext,
  baseUrl?: string,
): Promise<ChangeRequestRow> {
  authorize(principal, "change_requests", "write");
  const { project } = await loadProjectFor(sql, principal, input.project_id);
  requireActiveProject(project, "change requests cannot be filed on it");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const sowId = input.sow_id ?? null;
    if (sowId) await checkSow(tx, principal, project.id, sowId);
    const id = await insertChangeRequest(tx, {
      tenantId,
      projectId: project.id,
      sowId,
      title: input.title,
      description: input.description || null,
      priority: input.priority ?? "normal",
      documentUrl: input.document_url ?? null,
      driveId: input.drive_id ?? null,
      requestedBy: principal.userId,
      now: ctx.now,
    });
    const created = (await findChangeRequest(tx, tenantId, id))!;
    await recordAudit(tx, ctx, {
      tenantId,
      action: "change_request.create",
      resourceType: "change_request",
      resourceId: id,
      after: snapshot(created),
    });
    await emitEvent(tx, ctx, {
      tenantId,
      type: "change_request.created",
      subject: { type: "change_request", id },
      projectId: project.id,
      payload: eventSubject(created),
    });
    // Its decision runs on the approval engine (workflow.ts).
    await requestApproval(tx, ctx, {
      tenantId,
      type: "change_request",
      title: created.title,
      requesterId: principal.userId,
      priority: created.priority,
      details: { change_request_id: id, project_id: project.id, project_name: created.project_name },
      projectId: project.id,
      changeRequestId: id,
      baseUrl,
    });
    return created;
  });
}

/** PATCH /api/v1/change-requests/{id}: title, description, priority, documents, SOW; only while pending. */
export async function updateChangeRequest(
  sql: Sql,
  principal: Principal,
  id: string,
  input: UpdateChangeRequestInput,
  ctx: AuditContext,
): Promise<ChangeRequestRow> {
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const before = await findVisible(tx, principal, id, { forUpdate: true });
    authorize(principal, "change_requests", "write");
    if (before.status !== "pending") {
      throw new ConflictError(
        `Change request "${before.title}" is ${before.status}: only a pending request can be edited`,
      );
    }
    if (!canEdit(principal, before)) {
      throw new ForbiddenError("Only the person who filed this change request, or your team, can edit it");
    }
    const patch = changedFields(before, input);
    if (Object.keys(patch).length === 0) return before;
    if (patch.sow_id) await checkSow(tx, principal, before.project_id, patch.sow_id);
    if (!await updatePendingChangeRequest(tx, tenantId, id, patch)) throw new NotFoundError(NOT_FOUND);
    const after = (await findChangeRequest(tx, tenantId, id))!;
    await syncChangeRequestApproval(tx, tenantId, id, { title: after.title, priority: after.priority });
    await recordAudit(tx, ctx, {
      tenantId,
      action: "change_request.update",
      resourceType: "change_request",
      resourceId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return after;
  });
}

function changedFields(before: ChangeRequestRow, input: UpdateChangeRequestInput): ChangeRequestPatch {
  const patch: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(input)) {
    // An emptied description is no description.
    const value = key === "description" && raw === "" ? null : raw;
    if (value !== undefined && value !== before[key as keyof ChangeRequestRow]) patch[key] = value;
  }
  return patch as ChangeRequestPatch;
}

/** A request may only fall under a SOW of its own project. */
async function checkSow(tx: Sql, principal: Principal, projectId: string, sowId: string): Promise<void> {
  const sow = await getSow(tx, principal.tenantId, sowId, { clientId: principal.clientId });
  if (!sow || sow.project_id !== projectId) {
    throw new ValidationError([{ path: "sow_id", message: "is not a statement of work of this project" }]);
  }
}
