/**
 * Approvals over the API and pages: list (the inbox), read, file a general
 * request, decide and comment (CI's wait for a decision: wait.ts).
 *
 * Deciding: the caller must hold approvals:write and be the named approver or
 * hold the approver role (approvals:manage may decide any); the requester
 * never decides their own request (403, four-eyes); a request past its expiry
 * is marked expired and refused with 409. Each decision writes its audit row,
 * emits `approval.decided` and runs the type's effect in one transaction.
 */
import type { Sql } from "../../db/client.ts";
import {
  type ApprovalCommentRow,
  type ApprovalRow,
  decideApprovalRow,
  dueApprovals,
  getApproval as findApproval,
  insertApprovalComment,
  listApprovalComments,
  listApprovals as queryApprovals,
} from "../../db/queries/approvals.ts";
import { getUser } from "../../db/queries/users.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { emitEvent } from "../events/emit.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../platform/errors.ts";
import { decodeTimeCursor, type Page, timeCursorKey, toPage } from "../platform/pagination.ts";
import { applyEffect } from "./effects.ts";
import { eventPayload, expireIfDue, requestApproval, snapshot } from "./engine.ts";
import type { CommentInput, CreateApprovalInput, DecisionInput, ListApprovalsQuery } from "./schemas.ts";

export const NOT_FOUND = "Approval request not found";

export async function listApprovals(
  sql: Sql,
  principal: Principal,
  query: ListApprovalsQuery,
): Promise<Page<ApprovalRow>> {
  authorize(principal, "approvals", "read");
  const rows = await withTenant(sql, principal.tenantId, (tx) =>
    queryApprovals(tx, principal.tenantId, {
      status: query.status,
      type: query.type,
      requesterId: query.view === "mine" ? principal.userId : undefined,
      decidableBy: query.view === "to_decide" ? { userId: principal.userId, roleId: principal.roleId } : undefined,
      after: decodeTimeCursor(query.cursor),
      limit: query.limit,
    }));
  return toPage(rows, query.limit, timeCursorKey);
}

async function findVisible(tx: Sql, principal: Principal, id: string, forUpdate = false): Promise<ApprovalRow> {
  authorize(principal, "approvals", "read");
  const found = await findApproval(tx, principal.tenantId, id, { forUpdate });
  if (!found) throw new NotFoundError(NOT_FOUND);
  return found;
}

/** Reads a request; one found past its expiry is marked expired first (the read is what notices). */
export async function getApproval(
  sql: Sql,
  principal: Principal,
  id: string,
  ctx: AuditContext,
): Promise<{ approval: ApprovalRow; comments: ApprovalCommentRow[] }> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    let approval = await findVisible(tx, principal, id);
    if (approval.status === "pending" && approval.expires_at <= ctx.now) {
      approval = await findVisible(tx, principal, id, true);
      if (await expire(tx, ctx, approval)) approval = (await findApproval(tx, principal.tenantId, id))!;
    }
    return { approval, comments: await listApprovalComments(tx, principal.tenantId, id) };
  });
}

/** POST /api/v1/approvals: a general request; the caller is the requester. */
export async function createApproval(
  sql: Sql,
  principal: Principal,
  input: CreateApprovalInput,
  ctx: AuditContext,
  baseUrl?: string,
): Promise<ApprovalRow> {
  authorize(principal, "approvals", "write");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    if (input.approver_id) {
      if (input.approver_id === principal.userId) {
        throw new ValidationError([{
          path: "approver_id",
          message: "must be someone else: nobody approves their own request",
        }]);
      }
      const approver = await getUser(tx, principal.tenantId, input.approver_id);
      if (!approver || approver.status !== "active") {
        throw new ValidationError([{ path: "approver_id", message: "is not an active user of this organisation" }]);
      }
    }
    return await requestApproval(tx, ctx, {
      tenantId: principal.tenantId,
      type: "general",
      title: input.title,
      requesterId: principal.userId,
      approverId: input.approver_id ?? null,
      priority: input.priority,
      details: input.details,
      baseUrl,
    });
  });
}

/** Whether the principal may decide this request (four-eyes aside). */
export function mayDecide(principal: Principal, a: ApprovalRow): boolean {
  if (!can(principal, "approvals", "write")) return false;
  if (can(principal, "approvals", "manage")) return true;
  return a.approver_id ? a.approver_id === principal.userId : a.approver_role_id === principal.roleId;
}

export type Decision = "approved" | "rejected";

/** POST /api/v1/approvals/{id}/approve and /reject. */
export async function decideApproval(
  sql: Sql,
  principal: Principal,
  id: string,
  decision: Decision,
  input: DecisionInput,
  ctx: AuditContext,
): Promise<ApprovalRow> {
  const outcome = await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await findVisible(tx, principal, id, true);
    if (before.requester_id !== principal.userId && !mayDecide(principal, before)) {
      throw new ForbiddenError(
        before.approver_name
          ? `This request is addressed to ${before.approver_name}`
          : `Only holders of the role "${before.approver_role_name}" can decide this request`,
      );
    }
    return await decideLocked(tx, principal, before, decision, input.comment || null, ctx);
  });
  if (outcome === "expired") throw new ConflictError(EXPIRED);
  return outcome;
}

export const EXPIRED = "This request expired before it was decided: file a new one";

/**
 * Decides `before` (read FOR UPDATE in `tx`) once the caller checked who may:
 * four-eyes (403), expiry (marked expired and "expired" returned, for the
 * caller to commit then answer 409), a decided request (409); then the row,
 * its audit row, `approval.decided` and the type's effect. Change requests
 * decide through here too (services/change_requests/workflow.ts).
 */
export async function decideLocked(
  tx: Sql,
  principal: Principal,
  before: ApprovalRow,
  decision: Decision,
  comment: string | null,
  ctx: AuditContext,
): Promise<ApprovalRow | "expired"> {
  const tenantId = principal.tenantId;
  const id = before.id;
  if (before.requester_id === principal.userId) {
    throw new ForbiddenError("You asked for this: someone else must approve or reject it");
  }
  if (await expire(tx, ctx, before)) return "expired";
  if (before.status !== "pending") throw new ConflictError(`This request is already ${before.status}`);
  await decideApprovalRow(tx, tenantId, id, { status: decision, by: principal.userId, comment, at: ctx.now });
  const after = (await findApproval(tx, tenantId, id))!;
  await recordAudit(tx, ctx, {
    tenantId,
    action: decision === "approved" ? "approval.approve" : "approval.reject",
    resourceType: "approval",
    resourceId: id,
    before: snapshot(before),
    after: snapshot(after),
  });
  await emitEvent(tx, ctx, {
    tenantId,
    type: "approval.decided",
    subject: { type: "approval", id },
    projectId: after.project_id,
    payload: { ...eventPayload(after), decision },
  });
  await applyEffect(tx, ctx, after);
  return after;
}

/** POST /api/v1/approvals/{id}/comments: the requester, an approver or anyone who may read it. */
export async function addComment(
  sql: Sql,
  principal: Principal,
  id: string,
  input: CommentInput,
  ctx: AuditContext,
): Promise<ApprovalCommentRow[]> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    await findVisible(tx, principal, id);
    authorize(principal, "approvals", "write");
    const commentId = await insertApprovalComment(tx, {
      tenantId: principal.tenantId,
      approvalId: id,
      authorId: principal.userId,
      body: input.body,
      now: ctx.now,
    });
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "approval.comment",
      resourceType: "approval",
      resourceId: id,
      details: { comment_id: commentId, body: input.body },
    });
    return await listApprovalComments(tx, principal.tenantId, id);
  });
}

/**
 * The retention worker's sweep: pending requests past their expiry are marked
 * expired (with their effects), so the inbox does not wait for someone to open
 * them. Bounded per run; the next run goes on. Returns how many expired.
 */
export async function expireDueApprovals(sql: Sql, now: Date, limit = 500): Promise<number> {
  let expired = 0;
  for (const due of await dueApprovals(sql, now, limit)) {
    const ctx: AuditContext = { actor: null, actorLabel: "system", ip: null, userAgent: null, now };
    const done = await withTenant(sql, due.tenant_id, async (tx) => {
      const row = await findApproval(tx, due.tenant_id, due.id, { forUpdate: true });
      return row ? await expire(tx, ctx, row) : false;
    });
    if (done) expired++;
  }
  return expired;
}

/** Expiry plus the type's effect (a gated deployment is cancelled). */
async function expire(tx: Sql, ctx: AuditContext, a: ApprovalRow): Promise<boolean> {
  if (!await expireIfDue(tx, ctx, a)) return false;
  await applyEffect(tx, { ...ctx, actor: null, actorLabel: "system" }, (await findApproval(tx, a.tenant_id, a.id))!);
  return true;
}
