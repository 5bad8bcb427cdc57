/**
 * The approval workflow: pending → approved | rejected (the decision), then
 * approved → completed (the work is done). Rejected and completed are final.
 *
 * Deciding needs change_requests:write and a staff account: client users hold
 * change_requests:write so they can file and edit their own requests, but a
 * client never approves its own asks. Each transition locks the row, checks
 * the current status (409 naming it otherwise), writes its audit row, and a
 * decision also emits `change_request.decided`, all in one transaction.
 */
import type { Sql } from "../../db/client.ts";
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
import { emitEvent } from "../events/emit.ts";
import { eventSubject, findVisible, NOT_FOUND, snapshot } from "./change_requests.ts";
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

/** POST /api/v1/change-requests/{id}/approve and /reject. */
export async function decideChangeRequest(
  sql: Sql,
  principal: Principal,
  id: string,
  decision: Decision,
  input: DecisionInput,
  ctx: AuditContext,
): Promise<ChangeRequestRow> {
  return await transition(
    sql,
    principal,
    id,
    decision,
    ctx,
    (tx) =>
      transitionChangeRequest(tx, principal.tenantId, id, {
        from: "pending",
        to: decision,
        approverId: principal.userId,
        comment: input.comment || null,
        at: ctx.now,
      }),
  );
}

/** POST /api/v1/change-requests/{id}/complete: the approved work is done. */
export async function completeChangeRequest(
  sql: Sql,
  principal: Principal,
  id: string,
  ctx: AuditContext,
): Promise<ChangeRequestRow> {
  return await transition(
    sql,
    principal,
    id,
    "completed",
    ctx,
    (tx) => transitionChangeRequest(tx, principal.tenantId, id, { from: "approved", to: "completed", at: ctx.now }),
  );
}

async function transition(
  sql: Sql,
  principal: Principal,
  id: string,
  to: Decision | "completed",
  ctx: AuditContext,
  apply: (tx: Sql) => Promise<boolean>,
): Promise<ChangeRequestRow> {
  const tenantId = principal.tenantId;
  const rule = RULES[to];
  return await withTenant(sql, tenantId, async (tx) => {
    // Not visible is 404 before anything else, so a refusal never confirms that an id exists.
    const before = await findVisible(tx, principal, id, { forUpdate: true });
    if (!canDecide(principal)) {
      throw new ForbiddenError(
        principal.clientId
          ? "Client accounts can file change requests but not decide them: the agency team approves or rejects"
          : `Your role "${principal.roleName}" cannot decide change requests`,
      );
    }
    checkTransition(before, to);
    if (!await apply(tx)) throw new NotFoundError(NOT_FOUND);
    const after = (await findChangeRequest(tx, tenantId, id))!;
    await recordAudit(tx, ctx, {
      tenantId,
      action: rule.action,
      resourceType: "change_request",
      resourceId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    if (to !== "completed") {
      await emitEvent(tx, ctx, {
        tenantId,
        type: "change_request.decided",
        subject: { type: "change_request", id },
        projectId: after.project_id,
        payload: { ...eventSubject(after), decision: to, comment: after.decision_comment },
      });
    }
    return after;
  });
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
