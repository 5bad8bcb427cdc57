/**
 * Roles as the user and invitation services need them: find one by the
 * reference an API caller gives, and refuse to hand out more power than the
 * caller holds.
 */
import type { Sql } from "../../db/client.ts";
import { findRoleByName, getRole, type RoleRow } from "../../db/queries/roles.ts";
import { ForbiddenError, ValidationError } from "../platform/errors.ts";
import { isUuid } from "../platform/ids.ts";
import type { Permission, Principal } from "../auth/permissions.ts";

/** A built-in role name, or a custom role's id or name in the tenant; otherwise a 422 naming `path`. */
export async function resolveRole(sql: Sql, tenantId: string, ref: string, path = "role"): Promise<RoleRow> {
  const role = isUuid(ref) ? await getRole(sql, tenantId, ref) : await findRoleByName(sql, tenantId, ref);
  if (!role) throw new ValidationError([{ path, message: `No role "${ref}" in this organisation` }]);
  return role;
}

export function isBuiltin(role: Pick<RoleRow, "tenant_id">): boolean {
  return role.tenant_id === null;
}

/**
 * Nobody hands out permissions they do not hold themselves: a custom role
 * with users:manage cannot invite an admin, and a scoped API key cannot
 * grant beyond its scopes. Built-in admins hold everything, so this only
 * bites delegated managers.
 */
export function assertCanGrant(principal: Principal, permissions: Iterable<Permission>, doing: string): void {
  const missing = [...permissions].filter((p) => !principal.permissions.has(p));
  if (missing.length === 0) return;
  const shown = missing.slice(0, 4).join(", ") + (missing.length > 4 ? ` and ${missing.length - 4} more` : "");
  throw new ForbiddenError(`You cannot ${doing}: it carries permissions you do not hold (${shown})`);
}
