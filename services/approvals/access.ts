/**
 * Access requests: someone asks for a role, or to read one data source;
 * whoever the `access` policy names (admins by default) approves, and the role
 * or the data-source grant is given at once (effects.ts).
 */
import type { Sql } from "../../db/client.ts";
import type { ApprovalRow } from "../../db/queries/approvals.ts";
import { hasDataSourceGrant } from "../../db/queries/data_source_grants.ts";
import { getDataSource as getSourceRow } from "../../db/queries/data_sources.ts";
import { getRole, listRoles } from "../../db/queries/roles.ts";
import { getUser } from "../../db/queries/users.ts";
import { withTenant } from "../../db/tenant.ts";
import type { AuditContext } from "../audits/record.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { ValidationError } from "../platform/errors.ts";
import { requestApproval } from "./engine.ts";
import type { AccessRequestInput } from "./schemas.ts";

/** POST /api/v1/access-requests. */
export async function requestAccess(
  sql: Sql,
  principal: Principal,
  input: AccessRequestInput,
  ctx: AuditContext,
  baseUrl?: string,
): Promise<ApprovalRow> {
  authorize(principal, "approvals", "write");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    if (input.data_source_id) return await requestSource(tx, principal, input, input.data_source_id, ctx, baseUrl);
    const role = await getRole(tx, tenantId, input.role_id!);
    if (!role) throw new ValidationError([{ path: "role_id", message: "is not a role of this organisation" }]);
    const me = (await getUser(tx, tenantId, principal.userId))!;
    if (me.role_id === role.id) {
      throw new ValidationError([{ path: "role_id", message: `you already hold the role "${role.name}"` }]);
    }
    return await requestApproval(tx, ctx, {
      tenantId,
      type: "access",
      title: `${me.name ?? me.email} asks for the role "${role.name}"`,
      requesterId: principal.userId,
      priority: input.priority,
      details: { role_id: role.id, role_name: role.name, current_role: me.role_name, reason: input.reason },
      baseUrl,
    });
  });
}

async function requestSource(
  tx: Sql,
  principal: Principal,
  input: AccessRequestInput,
  sourceId: string,
  ctx: AuditContext,
  baseUrl?: string,
): Promise<ApprovalRow> {
  const tenantId = principal.tenantId;
  const source = await getSourceRow(tx, tenantId, sourceId);
  if (!source) {
    throw new ValidationError([{ path: "data_source_id", message: "is not a data source of this organisation" }]);
  }
  if (can(principal, "data_sources", "read") || await hasDataSourceGrant(tx, tenantId, principal.userId, sourceId)) {
    throw new ValidationError([{ path: "data_source_id", message: `you can already read "${source.name}"` }]);
  }
  const me = (await getUser(tx, tenantId, principal.userId))!;
  return await requestApproval(tx, ctx, {
    tenantId,
    type: "access",
    title: `${me.name ?? me.email} asks to read the data source "${source.name}"`,
    requesterId: principal.userId,
    priority: input.priority,
    details: { data_source_id: source.id, data_source_name: source.name, reason: input.reason },
    baseUrl,
  });
}

/** The roles one may ask for (all but one's own), for the page's picker. */
export async function accessRoleChoices(sql: Sql, principal: Principal): Promise<{ id: string; name: string }[]> {
  authorize(principal, "approvals", "write");
  const roles = await withTenant(sql, principal.tenantId, (tx) => listRoles(tx, principal.tenantId, { limit: 200 }));
  return roles.filter((r) => r.id !== principal.roleId).map((r) => ({ id: r.id, name: r.name }));
}
