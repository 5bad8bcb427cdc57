/**
 * Custom roles: a tenant's own named sets of (resource, action) permissions.
 * Built-in roles are listed with them but never changed. Reading needs
 * roles:read, writing roles:manage; nobody grants a role more than they hold.
 */
import type { Sql } from "../../db/client.ts";
import {
  deleteRole as removeRole,
  findRoleByName,
  getRole as findRole,
  insertRole,
  listRoles as queryRoles,
  lockRole,
  type RoleCursor,
  type RoleRow,
  setRolePermissions,
  updateRole as saveRole,
} from "../../db/queries/roles.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Permission, type Principal } from "../auth/permissions.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../platform/errors.ts";
import { decodeIdCursor, type Page, toPage } from "../platform/pagination.ts";
import { orConflict } from "../users/rules.ts";
import { assertCanGrant, isBuiltin } from "./resolve.ts";
import type { CreateRoleInput, UpdateRoleInput } from "./schemas.ts";

export async function listRoles(
  sql: Sql,
  principal: Principal,
  query: { limit: number; cursor?: string },
): Promise<Page<RoleRow>> {
  authorize(principal, "roles", "read");
  const after = decodeIdCursor<RoleCursor>(query.cursor, ["number", "string", "string"]);
  const rows = await withTenant(
    sql,
    principal.tenantId,
    (tx) => queryRoles(tx, principal.tenantId, { after, limit: query.limit }),
  );
  return toPage(rows, query.limit, (r) => [r.tenant_id === null ? 0 : 1, r.name.toLowerCase(), r.id]);
}

export async function getRole(sql: Sql, principal: Principal, id: string): Promise<RoleRow> {
  authorize(principal, "roles", "read");
  const role = await withTenant(sql, principal.tenantId, (tx) => findRole(tx, principal.tenantId, id));
  if (!role) throw new NotFoundError();
  return role;
}

const unique = (permissions: string[]) => [...new Set(permissions)].sort() as Permission[];
const nameTaken = (name: string) =>
  new ConflictError(`A role named "${name}" already exists`, [{ path: "name", message: "is taken" }]);

export async function createRole(
  sql: Sql,
  principal: Principal,
  input: CreateRoleInput,
  ctx: AuditContext,
): Promise<RoleRow> {
  authorize(principal, "roles", "manage");
  const tenantId = principal.tenantId;
  const permissions = unique(input.permissions);
  assertCanGrant(principal, permissions, `create the role "${input.name}"`);
  return await withTenant(sql, tenantId, async (tx) => {
    if (await findRoleByName(tx, tenantId, input.name)) throw nameTaken(input.name);
    const { id } = await orConflict(
      insertRole(tx, { tenantId, name: input.name, description: input.description || null }),
      () => nameTaken(input.name),
    );
    await setRolePermissions(tx, id, permissions);
    const role = (await findRole(tx, tenantId, id))!;
    await recordAudit(tx, ctx, {
      tenantId,
      action: "role.create",
      resourceType: "role",
      resourceId: id,
      after: { name: role.name, description: role.description, permissions: role.permissions },
    });
    return role;
  });
}

/** The role, locked against concurrent edits, if the caller may change it at all. */
async function editableRole(tx: Sql, principal: Principal, id: string, doing: string): Promise<RoleRow> {
  // Lock first, so the user count read below cannot change before we act on it.
  const locked = await lockRole(tx, principal.tenantId, id);
  const role = await findRole(tx, principal.tenantId, id);
  if (!role) throw new NotFoundError();
  if (!locked || isBuiltin(role)) throw new ForbiddenError(`The built-in role "${role.name}" cannot be ${doing}`);
  assertCanGrant(principal, role.permissions, `change the role "${role.name}"`);
  return role;
}

export async function updateRole(
  sql: Sql,
  principal: Principal,
  id: string,
  input: UpdateRoleInput,
  ctx: AuditContext,
): Promise<RoleRow> {
  authorize(principal, "roles", "manage");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const before = await editableRole(tx, principal, id, "changed");
    const permissions = input.permissions ? unique(input.permissions) : undefined;
    if (permissions) assertCanGrant(principal, permissions, `give the role "${before.name}" these permissions`);
    if (input.name && input.name.toLowerCase() !== before.name.toLowerCase()) {
      if (await findRoleByName(tx, tenantId, input.name)) throw nameTaken(input.name);
    }
    await orConflict(
      saveRole(tx, tenantId, id, {
        name: input.name,
        description: input.description === undefined ? undefined : input.description || null,
      }),
      () => nameTaken(input.name!),
    );
    if (permissions) await setRolePermissions(tx, id, permissions);
    const after = (await findRole(tx, tenantId, id))!;
    const changed = after.name !== before.name || after.description !== before.description ||
      after.permissions.join() !== before.permissions.join();
    if (!changed) return after;
    await recordAudit(tx, ctx, {
      tenantId,
      action: "role.update",
      resourceType: "role",
      resourceId: id,
      before: { name: before.name, description: before.description, permissions: before.permissions },
      after: { name: after.name, description: after.description, permissions: after.permissions },
    });
    return after;
  });
}

/** Refused while users hold the role: move them to another role first. */
export async function deleteRole(sql: Sql, principal: Principal, id: string, ctx: AuditContext): Promise<void> {
  authorize(principal, "roles", "manage");
  const tenantId = principal.tenantId;
  await withTenant(sql, tenantId, async (tx) => {
    const role = await editableRole(tx, principal, id, "deleted");
    if (role.user_count > 0) {
      const who = role.user_count === 1 ? "1 user holds it" : `${role.user_count} users hold it`;
      throw new ConflictError(`Cannot delete role "${role.name}": ${who}; give them another role first`);
    }
    await removeRole(tx, tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId,
      action: "role.delete",
      resourceType: "role",
      resourceId: id,
      before: { name: role.name, description: role.description, permissions: role.permissions },
    });
  });
}
