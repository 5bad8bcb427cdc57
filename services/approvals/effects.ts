/**
 * What a decision does beyond the request itself, per type, in the decision's
 * transaction (so a refused effect undoes the decision):
 * - deployment: rejected or expired cancels the gated deployment if it still
 *   waits; approved lets CI move it on (services/approvals/deploy_gate.ts);
 * - access: approved gives the requester the role asked for, ending their
 *   sessions so the new permissions apply at once; the decider must be able
 *   to grant that role (users:manage and every permission of it);
 * - change_request: the change request follows (approved, rejected, or
 *   rejected as expired; services/change_requests/approval_effect.ts);
 * - general: nothing.
 */
import type { Sql } from "../../db/client.ts";
import type { ApprovalRow } from "../../db/queries/approvals.ts";
import { revokeUserSessions } from "../../db/queries/auth.ts";
import { insertDataSourceGrant } from "../../db/queries/data_source_grants.ts";
import { getDeployment } from "../../db/queries/deployments.ts";
import { getRole } from "../../db/queries/roles.ts";
import { getUser, updateUser } from "../../db/queries/users.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize } from "../auth/permissions.ts";
import { transitionDeployment } from "../deployments/deployments.ts";
import { ConflictError } from "../platform/errors.ts";
import { assertCanGrant } from "../roles/resolve.ts";
import { followApproval } from "../change_requests/approval_effect.ts";

export async function applyEffect(tx: Sql, ctx: AuditContext, a: ApprovalRow): Promise<void> {
  if (a.type === "deployment") await deploymentEffect(tx, ctx, a);
  if (a.type === "access") await accessEffect(tx, ctx, a);
  if (a.type === "change_request") await followApproval(tx, ctx, a);
}

async function deploymentEffect(tx: Sql, ctx: AuditContext, a: ApprovalRow): Promise<void> {
  if (!a.deployment_id || (a.status !== "rejected" && a.status !== "expired")) return;
  const deployment = await getDeployment(tx, a.tenant_id, a.deployment_id, { forUpdate: true });
  if (deployment?.status !== "queued") return;
  await transitionDeployment(tx, ctx, deployment, { status: "cancelled" });
}

async function accessEffect(tx: Sql, ctx: AuditContext, a: ApprovalRow): Promise<void> {
  if (a.status !== "approved" || !ctx.actor) return;
  if (typeof a.details.data_source_id === "string") return await sourceGrant(tx, ctx, a, a.details.data_source_id);
  const roleId = typeof a.details.role_id === "string" ? a.details.role_id : null;
  const role = roleId ? await getRole(tx, a.tenant_id, roleId) : undefined;
  const user = await getUser(tx, a.tenant_id, a.requester_id, { forUpdate: true });
  if (!role || !user) throw new ConflictError("The role or the person asking no longer exists");
  authorize(ctx.actor, "users", "manage");
  assertCanGrant(ctx.actor, role.permissions, `give the role "${role.name}"`);
  if (user.role_id === role.id) return;
  // A client user moving to a staff role leaves the client (as PATCH /users does).
  const after = await updateUser(tx, a.tenant_id, user.id, {
    role_id: role.id,
    ...(role.name !== "client" && role.tenant_id === null ? { client_id: null } : {}),
  });
  const revoked = await revokeUserSessions(tx, user.id, ctx.now);
  await recordAudit(tx, ctx, {
    tenantId: a.tenant_id,
    action: "user.role_change",
    resourceType: "user",
    resourceId: user.id,
    before: { role: user.role_name },
    after: { role: after.role_name },
    details: { approval_id: a.id, sessions_revoked: revoked },
  });
}

async function sourceGrant(tx: Sql, ctx: AuditContext, a: ApprovalRow, sourceId: string): Promise<void> {
  authorize(ctx.actor!, "data_sources", "write");
  const grantId = await insertDataSourceGrant(tx, {
    tenantId: a.tenant_id,
    sourceId,
    userId: a.requester_id,
    approvalId: a.id,
    grantedBy: ctx.actor!.userId,
    now: ctx.now,
  }).catch((error) => {
    // the source was deleted while the request waited
    if ((error as { code?: string }).code === "23503") throw new ConflictError("The data source no longer exists");
    throw error;
  });
  if (!grantId) return;
  await recordAudit(tx, ctx, {
    tenantId: a.tenant_id,
    action: "data_source_grant.create",
    resourceType: "data_source",
    resourceId: sourceId,
    after: { user_id: a.requester_id, user: a.requester_name },
    details: { approval_id: a.id, grant_id: grantId },
  });
}
