/**
 * Per-type approval policies: who approves (a role; admins when unset) and how
 * long a request stays open. Reading needs approvals:read, changing
 * approvals:manage; each change writes its audit row.
 */
import type { Sql } from "../../db/client.ts";
import {
  APPROVAL_TYPES,
  type ApprovalPolicyRow,
  getApprovalPolicy,
  listApprovalPolicies,
  upsertApprovalPolicy,
} from "../../db/queries/approvals.ts";
import { getRole } from "../../db/queries/roles.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { ValidationError } from "../platform/errors.ts";
import { DEFAULT_EXPIRY_MINUTES } from "./engine.ts";
import type { PolicyInput } from "./schemas.ts";

const defaultPolicy = (type: ApprovalPolicyRow["type"]): ApprovalPolicyRow => ({
  type,
  approver_role_id: null,
  expires_after_minutes: DEFAULT_EXPIRY_MINUTES[type],
});

/** One policy per type, the defaults where the tenant set none. */
export async function listPolicies(sql: Sql, principal: Principal): Promise<ApprovalPolicyRow[]> {
  authorize(principal, "approvals", "read");
  const stored = await withTenant(sql, principal.tenantId, (tx) => listApprovalPolicies(tx, principal.tenantId));
  return APPROVAL_TYPES.map((type) => stored.find((p) => p.type === type) ?? defaultPolicy(type));
}

/** PUT /api/v1/approval-policies. */
export async function setPolicy(
  sql: Sql,
  principal: Principal,
  input: PolicyInput,
  ctx: AuditContext,
): Promise<ApprovalPolicyRow> {
  authorize(principal, "approvals", "manage");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    if (input.approver_role_id && !await getRole(tx, tenantId, input.approver_role_id)) {
      throw new ValidationError([{ path: "approver_role_id", message: "is not a role of this organisation" }]);
    }
    const before = await getApprovalPolicy(tx, tenantId, input.type) ?? defaultPolicy(input.type);
    await upsertApprovalPolicy(tx, tenantId, input);
    await recordAudit(tx, ctx, {
      tenantId,
      action: "approval_policy.update",
      resourceType: "approval_policy",
      resourceId: input.type,
      before,
      after: input,
    });
    return input;
  });
}
