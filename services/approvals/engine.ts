/**
 * The approval engine's writes, inside the caller's tenant transaction: file a
 * request (policy → approver role and expiry, audit row, `approval.requested`,
 * e-mail to the approvers) and expire one that ran out. Deciding lives in
 * approvals.ts, which also runs each type's effect (effects.ts); the deploy
 * gate and access requests file through `requestApproval` here.
 */
import type { Sql } from "../../db/client.ts";
import {
  type ApprovalPriority,
  type ApprovalRow,
  type ApprovalType,
  approverContacts,
  expireApprovalRow,
  getApproval,
  getApprovalPolicy,
  insertApproval,
} from "../../db/queries/approvals.ts";
import { builtinRoleId } from "../../db/queries/users.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { emitEvent } from "../events/emit.ts";
import { enqueueMail } from "../mail/outbox.ts";
import { approvalMail } from "./mail.ts";

/** How long a request stays open when the tenant set no policy for its type. */
export const DEFAULT_EXPIRY_MINUTES: Record<ApprovalType, number> = {
  deployment: 60,
  access: 7 * 24 * 60,
  general: 3 * 24 * 60,
  change_request: 30 * 24 * 60,
};

/**
 * Who decides when the tenant set no policy for the type: admins, except
 * change requests, which staff decided before they ran on this engine.
 */
const DEFAULT_APPROVER_ROLE: Record<ApprovalType, "admin" | "employee"> = {
  deployment: "admin",
  access: "admin",
  general: "admin",
  change_request: "employee",
};

export interface NewApproval {
  tenantId: string;
  type: ApprovalType;
  title: string;
  requesterId: string;
  approverId?: string | null;
  priority?: ApprovalPriority;
  details?: Record<string, unknown>;
  projectId?: string | null;
  deploymentId?: string | null;
  changeRequestId?: string | null;
  /** OPSDECK_BASE_URL, for the link in the approvers' e-mail. */
  baseUrl?: string;
}

/** What the audit row keeps of a request. */
export const snapshot = (a: ApprovalRow) => ({
  type: a.type,
  title: a.title,
  status: a.status,
  priority: a.priority,
  requester_id: a.requester_id,
  approver_id: a.approver_id,
  approver_role_id: a.approver_role_id,
  decided_by: a.decided_by,
  decision_comment: a.decision_comment,
  details: a.details,
  expires_at: a.expires_at,
});

/** What the events carry: enough for a Slack message or an e-mail without further reads. */
export const eventPayload = (a: ApprovalRow) => ({
  approval: {
    id: a.id,
    type: a.type,
    title: a.title,
    status: a.status,
    priority: a.priority,
    requested_by: { id: a.requester_id, name: a.requester_name },
    decided_by: a.decided_by ? { id: a.decided_by, name: a.decided_by_name } : null,
    approver: a.approver_name ?? a.approver_role_name,
    expires_at: a.expires_at.toISOString(),
    deployment_id: a.deployment_id,
    change_request_id: a.change_request_id,
    path: `/approvals/${a.id}`,
  },
  comment: a.decision_comment,
});

export async function requestApproval(tx: Sql, ctx: AuditContext, input: NewApproval): Promise<ApprovalRow> {
  const policy = await getApprovalPolicy(tx, input.tenantId, input.type);
  const minutes = policy?.expires_after_minutes ?? DEFAULT_EXPIRY_MINUTES[input.type];
  const approverId = input.approverId ?? null;
  const id = await insertApproval(tx, {
    tenantId: input.tenantId,
    type: input.type,
    title: input.title,
    requesterId: input.requesterId,
    approverId,
    approverRoleId: approverId ? null : policy?.approver_role_id ??
      await builtinRoleId(tx, DEFAULT_APPROVER_ROLE[input.type]),
    priority: input.priority ?? "normal",
    details: input.details ?? {},
    projectId: input.projectId ?? null,
    deploymentId: input.deploymentId ?? null,
    changeRequestId: input.changeRequestId ?? null,
    expiresAt: new Date(ctx.now.getTime() + minutes * 60_000),
    now: ctx.now,
  });
  const created = (await getApproval(tx, input.tenantId, id))!;
  await recordAudit(tx, ctx, {
    tenantId: input.tenantId,
    action: "approval.request",
    resourceType: "approval",
    resourceId: id,
    after: snapshot(created),
  });
  await emitEvent(tx, ctx, {
    tenantId: input.tenantId,
    type: "approval.requested",
    subject: { type: "approval", id },
    projectId: created.project_id,
    payload: eventPayload(created),
  });
  for (const to of await approverContacts(tx, created)) {
    await enqueueMail(tx, input.tenantId, approvalMail(created, to.email, input.baseUrl), ctx.now);
  }
  return created;
}

/**
 * A pending request past its expiry becomes `expired` (audit row and
 * `approval.decided` with decision `expired`); true when it did. The caller
 * commits this before answering 409, so the refusal and the expiry agree.
 */
export async function expireIfDue(tx: Sql, ctx: AuditContext, a: ApprovalRow): Promise<boolean> {
  if (a.status !== "pending" || a.expires_at > ctx.now) return false;
  if (!await expireApprovalRow(tx, a.tenant_id, a.id, ctx.now)) return false;
  const after = (await getApproval(tx, a.tenant_id, a.id))!;
  await recordAudit(tx, { ...ctx, actor: null, actorLabel: "system" }, {
    tenantId: a.tenant_id,
    action: "approval.expire",
    resourceType: "approval",
    resourceId: a.id,
    before: snapshot(a),
    after: snapshot(after),
  });
  await emitEvent(tx, { ...ctx, actor: null }, {
    tenantId: a.tenant_id,
    type: "approval.decided",
    subject: { type: "approval", id: a.id },
    projectId: a.project_id,
    payload: { ...eventPayload(after), decision: "expired" },
  });
  return true;
}
