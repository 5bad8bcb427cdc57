/**
 * SCIM Groups are Opsdeck roles (built-in and the tenant's); membership is the
 * user's role. Creating groups is not supported: roles are made in Opsdeck.
 */
import type { Sql } from "../../db/client.ts";
import { getRole, listRoles } from "../../db/queries/roles.ts";
import { type DirectoryUserRow, listDirectoryUsers } from "../../db/queries/user_sync.ts";
import { builtinRoleId } from "../../db/queries/users.ts";
import { withTenant } from "../../db/tenant.ts";
import { recordAudit } from "../audits/record.ts";
import { ctxFor, GROUP_SCHEMA, LIST_SCHEMA, PATCH_SCHEMA, ScimError } from "./scim.ts";

function groupResource(role: { id: string; name: string }, members: DirectoryUserRow[], baseUrl: string) {
  return {
    schemas: [GROUP_SCHEMA],
    id: role.id,
    displayName: role.name,
    members: members.filter((m) => m.role_id === role.id).map((m) => ({ value: m.id, display: m.email })),
    meta: { resourceType: "Group", location: `${baseUrl}/scim/v2/Groups/${role.id}` },
  };
}

/** GET /scim/v2/Groups: every role (built-in and the tenant's) as a group of its holders. */
export async function listGroups(sql: Sql, tenantId: string, baseUrl: string) {
  const [roles, users] = await withTenant(
    sql,
    tenantId,
    (tx) => Promise.all([listRoles(tx, tenantId, { limit: 200 }), listDirectoryUsers(tx, tenantId)]),
  );
  const groups = roles.map((r) => groupResource(r, users, baseUrl));
  return {
    schemas: [LIST_SCHEMA],
    totalResults: groups.length,
    startIndex: 1,
    itemsPerPage: groups.length,
    Resources: groups,
  };
}

/**
 * PATCH /scim/v2/Groups/{id}: `add` members gives them this role; `remove`
 * members (path `members[value eq "…"]` or a members value list) puts them back to employee.
 */
export async function patchGroup(
  sql: Sql,
  tenantId: string,
  roleId: string,
  body: unknown,
  now: Date,
  baseUrl: string,
) {
  const b = body as { schemas?: unknown; Operations?: unknown };
  if (!Array.isArray(b?.schemas) || !b.schemas.includes(PATCH_SCHEMA) || !Array.isArray(b.Operations)) {
    throw new ScimError(400, "invalidSyntax", "The body must be a PatchOp message with Operations");
  }
  await withTenant(sql, tenantId, async (tx) => {
    const role = await getRole(tx, tenantId, roleId);
    if (!role) throw new ScimError(404, null, `Group ${roleId} not found`);
    const employee = await builtinRoleId(tx, "employee");
    for (const raw of b.Operations as { op?: string; path?: string; value?: unknown }[]) {
      const op = raw.op?.toLowerCase();
      const pathMember = raw.path?.match(/^members\[value eq "([0-9a-f-]{36})"\]$/i)?.[1];
      if (raw.path && raw.path !== "members" && !pathMember) {
        throw new ScimError(400, "invalidPath", `"${raw.path}" cannot be changed on a group`);
      }
      const ids = pathMember
        ? [pathMember]
        : (Array.isArray(raw.value) ? raw.value : []).map((m) => (m as { value?: string }).value);
      if (op !== "add" && op !== "remove") {
        throw new ScimError(400, "invalidValue", `Operation "${raw.op}" is not supported`);
      }
      for (const userId of ids) {
        if (typeof userId !== "string" || !/^[0-9a-f-]{36}$/i.test(userId)) {
          throw new ScimError(400, "invalidValue", "members need a user id as value");
        }
        const target = op === "add" ? role.id : employee;
        const rows = await tx`
          UPDATE users SET role_id = ${target}, client_id = NULL
          WHERE tenant_id = ${tenantId} AND id = ${userId} AND NOT super_admin
            AND (${op} = 'add' OR role_id = ${role.id})
          RETURNING id`;
        if (rows.length === 0) continue;
        await recordAudit(tx, ctxFor(now), {
          tenantId,
          action: "user.role_change",
          resourceType: "user",
          resourceId: userId,
          after: { role_id: target },
          details: { source: "scim", group: role.name, op },
        });
      }
    }
  });
  const groups = await listGroups(sql, tenantId, baseUrl);
  return groups.Resources.find((g) => g.id === roleId)!;
}
