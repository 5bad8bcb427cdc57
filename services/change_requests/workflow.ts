/**
 * The approval workflow: pending → approved | rejected (the decision), then
 * approved → completed (the work is done). Rejected and completed are final.
 *
 * Deciding needs change_requests:write and a staff account: client users hold
 * change_requests:write so they can file and edit their own requests, but a
 * client never approves its own asks. The decision goes through the request's
 * approval (type `change_request`): four-eyes (the requester gets 403), expiry
 * (409), `approval.decided`; the change request then follows it
 * (approval_effect.ts) with its own audit row and `change_request.decided`.
 * Completing locks the row, checks the status (409 naming it otherwise) and
 * writes its audit row; all in one transaction each.
 */
import type { Sql } from "../../db/client.ts";
import { completeApprovalRow, getChangeRequestApproval } from "../../db/queries/approvals.ts";
import {
  type ChangeRequestRow,
  type ChangeRequestStatus,
  getChangeRequest as findChangeRequest,
  transitionChangeRequest,
} from "../../db/queries/change_requests.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { can, type Principal } from "../auth/permissions.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../platform/errors.ts";
import { decideLocked, EXPIRED } from "../approvals/approvals.ts";
import { findVisible, NOT_FOUND, snapshot } from "./change_requests.ts";
import type { DecisionInput } from "./schemas.ts";

/** Whether the principal may approve, reject and complete change requests. */
export function canDecide(principal: Principal): boolean {
  return can(principal, "change_requests", "write") && principal.clientId === null;
}

export type Decision = "approved" | "rejected";

/** The transitions each target status allows, and the audit action recording it. */
const RULES = {
  approved: { from: "pending", action: "change_request.approve" },
  rejected: { from: "pending", action: "change_request.reject" },
  completed: { from: "approved", action: "change_request.complete" },
} as const;

/** POST /api/v1/change-requests/{id}/approve and /reject: decided through its approval. */
export async function decideChangeRequest(
  sql: Sql,
  principal: Principal,
  id: string,
  decision: Decision,
  input: DecisionInput,
  ctx: AuditContext,
): Promise<ChangeRequestRow> {
  const tenantId = principal.tenantId;
  const outcome = await withTenant(sql, tenantId, async (tx) => {
    const before = await findVisible(tx, principal, id, { forUpdate: true });
    checkDecider(principal);
    checkTransition(before, decision);
    const approval = await getChangeRequestApproval(tx, tenantId, id, { forUpdate: true });
    if (!approval) throw new ConflictError(`Change request "${before.title}" has no approval to decide`);
    if (await decideLocked(tx, principal, approval, decision, input.comment || null, ctx) === "expired") {
      return "expired" as const;
    }
    return (await findChangeRequest(tx, tenantId, id))!;
  });
  if (outcome === "expired") throw new ConflictError(EXPIRED);
  return outcome;
}

/** POST /api/v1/change-requests/{id}/complete: the approved work is done; its approval completes too. */
export async function completeChangeRequest(
  sql: Sql,
  principal: Principal,
  id: string,
  ctx: AuditContext,
): Promise<ChangeRequestRow> {
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    // Not visible is 404 before anything else, so a refusal never confirms that an id exists.
    const before = await findVisible(tx, principal, id, { forUpdate: true });
    checkDecider(principal);
    checkTransition(before, "completed");
    const done = await transitionChangeRequest(tx, tenantId, id, { from: "approved", to: "completed", at: ctx.now });
    if (!done) throw new NotFoundError(NOT_FOUND);
    const approval = await getChangeRequestApproval(tx, tenantId, id, { forUpdate: true });
    if (approval) await completeApprovalRow(tx, tenantId, approval.id, ctx.now);
    const after = (await findChangeRequest(tx, tenantId, id))!;
    await recordAudit(tx, ctx, {
      tenantId,
      action: RULES.completed.action,
      resourceType: "change_request",
      resourceId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return after;
  });
}

function checkDecider(principal: Principal): void {
  if (canDecide(principal)) return;
  throw new ForbiddenError(
    principal.clientId
      ? "Client accounts can file change requests but not decide them: the agency team approves or rejects"
      : `Your role "${principal.roleName}" cannot decide change requests`,
  );
}

/** 409 naming the current status when the request is not where `to` starts from. */
export function checkTransition(cr: Pick<ChangeRequestRow, "title" | "status">, to: Decision | "completed"): void {
  const from: ChangeRequestStatus = RULES[to].from;
  if (cr.status === from) return;
  const allowed = from === "pending" ? "a pending request" : "an approved request";
  throw new ConflictError(
    cr.status === to
      ? `Change request "${cr.title}" is already ${to}`
      : `Change request "${cr.title}" is ${cr.status}: only ${allowed} can be ${to}`,
  );
}
