/**
 * A change request follows its approval (the `change_request` type's effect,
 * run in the decision's transaction by services/approvals/effects.ts):
 * approved or rejected moves the request the same way, with the decider and
 * comment; an approval that expired rejects the request, saying so. Each
 * move writes the change request's audit row and `change_request.decided`,
 * as deciding a change request always did.
 */
import type { Sql } from "../../db/client.ts";
import type { ApprovalRow } from "../../db/queries/approvals.ts";
import { getChangeRequest, transitionChangeRequest } from "../../db/queries/change_requests.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { emitEvent } from "../events/emit.ts";
import { eventSubject, snapshot } from "./change_requests.ts";

const ACTIONS = {
  approved: "change_request.approve",
  rejected: "change_request.reject",
  expired: "change_request.expire",
} as const;

export async function followApproval(tx: Sql, ctx: AuditContext, a: ApprovalRow): Promise<void> {
  if (!a.change_request_id || !(a.status in ACTIONS)) return;
  const status = a.status as keyof typeof ACTIONS;
  const before = await getChangeRequest(tx, a.tenant_id, a.change_request_id, { forUpdate: true });
  if (before?.status !== "pending") return;
  const expired = status === "expired";
  await transitionChangeRequest(tx, a.tenant_id, before.id, {
    from: "pending",
    to: expired ? "rejected" : status,
    approverId: a.decided_by,
    comment: expired ? `Expired: nobody decided it before ${a.expires_at.toISOString()}` : a.decision_comment,
    at: ctx.now,
  });
  const after = (await getChangeRequest(tx, a.tenant_id, before.id))!;
  await recordAudit(tx, ctx, {
    tenantId: a.tenant_id,
    action: ACTIONS[status],
    resourceType: "change_request",
    resourceId: before.id,
    before: snapshot(before),
    after: snapshot(after),
    details: { approval_id: a.id },
  });
  await emitEvent(tx, ctx, {
    tenantId: a.tenant_id,
    type: "change_request.decided",
    subject: { type: "change_request", id: before.id },
    projectId: after.project_id,
    payload: { ...eventSubject(after), decision: after.status, comment: after.decision_comment },
  });
}
