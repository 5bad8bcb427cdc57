/**
 * Listing and editing a tenant's users. Role changes, suspension and
 * deactivation end the user's sessions in the same transaction, so the very
 * next request with an old cookie or token is refused; API keys stop because
 * the principal lookup requires an active user.
 */
import type { Sql } from "../../db/client.ts";
import { revokeUserSessions } from "../../db/queries/auth.ts";
import { getRole, listRoles, type RoleRow } from "../../db/queries/roles.ts";
import {
  type ClientOption,
  hasSignInMethod,
  listClientOptions,
  listUsers as queryUsers,
  updateUser as saveUser,
  type UserPatch,
  type UserRow,
} from "../../db/queries/users.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { ConflictError, ForbiddenError } from "../platform/errors.ts";
import { decodeIdCursor, type Page, toPage } from "../platform/pagination.ts";
import { assertCanGrant, isBuiltin, resolveRole } from "../roles/resolve.ts";
import { checkClientAssignment, loadUserFor } from "./rules.ts";
import type { ListUsersQuery, UpdateUserInput } from "./schemas.ts";

export async function listUsers(sql: Sql, principal: Principal, query: ListUsersQuery): Promise<Page<UserRow>> {
  authorize(principal, "users", "read");
  const after = decodeIdCursor<[string, string]>(query.cursor, ["string", "string"]);
  const rows = await withTenant(sql, principal.tenantId, async (tx) => {
    const role = query.role ? await resolveRole(tx, principal.tenantId, query.role) : undefined;
    return await queryUsers(tx, principal.tenantId, {
      status: query.status,
      roleId: role?.id,
      clientId: principal.clientId ?? query.client_id,
      after,
      limit: query.limit,
    });
  });
  return toPage(rows, query.limit, (u) => [u.email, u.id]);
}

export async function getUser(sql: Sql, principal: Principal, id: string): Promise<UserRow> {
  authorize(principal, "users", "read");
  return await withTenant(sql, principal.tenantId, (tx) => loadUserFor(tx, principal, id));
}

/** The audit action for a change: the most significant thing it did. */
function actionFor(patch: UserPatch): string {
  if (patch.role_id !== undefined) return "user.role_change";
  if (patch.status === "suspended") return "user.suspend";
  if (patch.status === "inactive") return "user.deactivate";
  if (patch.status === "active") return "user.reactivate";
  if (patch.client_id !== undefined) return "user.client_change";
  return "user.update";
}

const snapshot = (u: UserRow) => ({
  name: u.name,
  role: u.role_name,
  client_id: u.client_id,
  status: u.status,
});

/**
 * PATCH /api/v1/users/{id}. Needs users:manage, and the caller must hold every
 * permission of both the user's current role and the new one (no managing
 * someone more powerful, no granting what you lack). Nobody changes their own
 * role, client or status; only a super-admin edits a super-admin.
 */
export async function updateUser(
  sql: Sql,
  principal: Principal,
  id: string,
  input: UpdateUserInput,
  ctx: AuditContext,
): Promise<UserRow> {
  authorize(principal, "users", "manage");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const before = await loadUserFor(tx, principal, id, { forUpdate: true });
    const currentRole = (await getRole(tx, tenantId, before.role_id))!;
    if (before.super_admin && !principal.superAdmin) {
      throw new ForbiddenError(`${before.email} administers this installation; only a super-admin can change them`);
    }
    assertCanGrant(principal, currentRole.permissions, `change ${before.email}, whose role is "${currentRole.name}"`);
    const role = input.role === undefined ? currentRole : await resolveRole(tx, tenantId, input.role);
    const patch = await planPatch(tx, principal, before, currentRole, role, input);
    if (Object.keys(patch).length === 0) return before;

    const after = await saveUser(tx, tenantId, id, patch);
    const endsSessions = patch.role_id !== undefined || patch.client_id !== undefined ||
      patch.status === "suspended" || patch.status === "inactive";
    const revoked = endsSessions ? await revokeUserSessions(tx, id, ctx.now) : 0;
    await recordAudit(tx, ctx, {
      tenantId,
      action: actionFor(patch),
      resourceType: "user",
      resourceId: id,
      before: snapshot(before),
      after: snapshot(after),
      details: { sessions_revoked: revoked },
    });
    return after;
  });
}

/** Works out which columns change and refuses the changes nobody may make. */
async function planPatch(
  tx: Sql,
  principal: Principal,
  before: UserRow,
  currentRole: RoleRow,
  role: RoleRow,
  input: UpdateUserInput,
): Promise<UserPatch> {
  const self = before.id === principal.userId;
  const patch: UserPatch = {};
  if (input.name !== undefined && input.name !== before.name) patch.name = input.name;

  if (role.id !== currentRole.id) {
    if (self) throw new ForbiddenError("You cannot change your own role: ask another administrator");
    assertCanGrant(principal, role.permissions, `give the role "${role.name}"`);
    patch.role_id = role.id;
  }

  // Leaving the client role (or moving to admin/employee) drops the client unless one is given.
  const clientId = input.client_id !== undefined
    ? input.client_id
    : isBuiltin(role) && role.name !== "client"
    ? null
    : before.client_id;
  if (clientId !== before.client_id || patch.role_id) {
    await checkClientAssignment(tx, principal.tenantId, role, clientId);
    if (clientId !== before.client_id) {
      if (self) throw new ForbiddenError("You cannot change your own client: ask another administrator");
      patch.client_id = clientId;
    }
  }

  if (input.status !== undefined && input.status !== before.status) {
    if (self) throw new ForbiddenError("You cannot suspend or deactivate yourself: ask another administrator");
    if (before.status === "invited" && input.status === "active") {
      throw new ConflictError(
        `${before.email} has not accepted the invitation yet: they become active by setting a password`,
      );
    }
    // Someone suspended before accepting has no way to sign in: back to invited, so a new link can be sent.
    const canSignIn = input.status !== "active" || await hasSignInMethod(tx, principal.tenantId, before.id);
    patch.status = canSignIn ? input.status : "invited";
    if (patch.status === before.status) delete patch.status;
  }
  return patch;
}

/** What the users page offers besides the users: the roles the viewer may give, and the tenant's clients. */
export async function userFormOptions(
  sql: Sql,
  principal: Principal,
): Promise<{ roles: RoleRow[]; clients: ClientOption[] }> {
  authorize(principal, "users", "read");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const roles = await listRoles(tx, tenantId, { limit: 500 });
    return {
      roles: roles.filter((r) => r.permissions.every((p) => principal.permissions.has(p))),
      clients: principal.clientId ? [] : await listClientOptions(tx, tenantId),
    };
  });
}
