/**
 * SCIM Groups are Opsdeck roles (built-in and the tenant's); membership is the
 * user's role. A group created over SCIM is a new custom role with no
 * permissions: its members can sign in but do nothing until an admin gives
 * the role permissions in Opsdeck (the directory says who, Opsdeck says what).
 * Built-in roles cannot be renamed or deleted (400 `mutability`); deleting a
 * custom group moves its members back to employee first.
 */
import type { Sql } from "../../db/client.ts";
import { deleteRole, findRoleByName, getRole, insertRole, listRoles, updateRole } from "../../db/queries/roles.ts";
import { type DirectoryUserRow, listDirectoryUsers } from "../../db/queries/user_sync.ts";
import { builtinRoleId } from "../../db/queries/users.ts";
import { withTenant } from "../../db/tenant.ts";
import { recordAudit } from "../audits/record.ts";
import type { Sql as Tx } from "../../db/client.ts";
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
      for (const userId of ids) await moveMember(tx, tenantId, role, userId, op, employee, now);
    }
  });
  const groups = await listGroups(sql, tenantId, baseUrl);
  return groups.Resources.find((g) => g.id === roleId)!;
}

async function moveMember(
  tx: Tx,
  tenantId: string,
  role: { id: string; name: string },
  userId: unknown,
  op: "add" | "remove",
  employeeRoleId: string,
  now: Date,
): Promise<void> {
  if (typeof userId !== "string" || !/^[0-9a-f-]{36}$/i.test(userId)) {
    throw new ScimError(400, "invalidValue", "members need a user id as value");
  }
  const target = op === "add" ? role.id : employeeRoleId;
  const rows = await tx`
    UPDATE users SET role_id = ${target}, client_id = NULL
    WHERE tenant_id = ${tenantId} AND id = ${userId} AND NOT super_admin
      AND (${op} = 'add' OR role_id = ${role.id})
    RETURNING id`;
  if (rows.length === 0) return;
  await recordAudit(tx, ctxFor(now), {
    tenantId,
    action: "user.role_change",
    resourceType: "user",
    resourceId: userId,
    after: { role_id: target },
    details: { source: "scim", group: role.name, op },
  });
}

interface GroupInput {
  displayName: string;
  memberIds: unknown[];
}

function checkGroupBody(body: unknown): GroupInput {
  const b = body as Record<string, unknown> | null;
  if (!b || typeof b !== "object" || Array.isArray(b)) {
    throw new ScimError(400, "invalidSyntax", "The body must be a SCIM Group object");
  }
  const unknown = Object.keys(b).find((k) =>
    !["schemas", "id", "displayName", "members", "meta", "externalId"].includes(k)
  );
  if (unknown) throw new ScimError(400, "invalidSyntax", `Unknown attribute "${unknown}"`);
  const name = typeof b.displayName === "string" ? b.displayName.trim() : "";
  if (name.length < 1 || name.length > 100) {
    throw new ScimError(400, "invalidValue", "displayName is required (1 to 100 characters)");
  }
  if (b.members !== undefined && !Array.isArray(b.members)) {
    throw new ScimError(400, "invalidValue", "members must be a list");
  }
  return { displayName: name, memberIds: ((b.members ?? []) as { value?: unknown }[]).map((m) => m?.value) };
}

async function findGroup(sql: Sql, tenantId: string, baseUrl: string, roleId: string) {
  return (await listGroups(sql, tenantId, baseUrl)).Resources.find((g) => g.id === roleId)!;
}

/** POST /scim/v2/Groups: a new custom role without permissions, with its members. */
export async function createGroup(sql: Sql, tenantId: string, body: unknown, now: Date, baseUrl: string) {
  const input = checkGroupBody(body);
  const roleId = await withTenant(sql, tenantId, async (tx) => {
    if (await findRoleByName(tx, tenantId, input.displayName)) {
      throw new ScimError(409, "uniqueness", `A group named "${input.displayName}" exists`);
    }
    const { id } = await insertRole(tx, {
      tenantId,
      name: input.displayName,
      description: "Created by SCIM: give it permissions in Opsdeck",
    });
    await recordAudit(tx, ctxFor(now), {
      tenantId,
      action: "role.create",
      resourceType: "role",
      resourceId: id,
      after: { name: input.displayName, permissions: [] },
      details: { source: "scim" },
    });
    const employee = await builtinRoleId(tx, "employee");
    const role = { id, name: input.displayName };
    for (const userId of input.memberIds) await moveMember(tx, tenantId, role, userId, "add", employee, now);
    return id;
  });
  return await findGroup(sql, tenantId, baseUrl, roleId);
}

/** PUT /scim/v2/Groups/{id}: the members listed hold the role, the others go back to employee; a custom role may be renamed. */
export async function replaceGroup(
  sql: Sql,
  tenantId: string,
  roleId: string,
  body: unknown,
  now: Date,
  baseUrl: string,
) {
  const input = checkGroupBody(body);
  await withTenant(sql, tenantId, async (tx) => {
    const role = await getRole(tx, tenantId, roleId);
    if (!role) throw new ScimError(404, null, `Group ${roleId} not found`);
    if (input.displayName !== role.name) {
      if (role.tenant_id === null) throw new ScimError(400, "mutability", "A built-in role cannot be renamed");
      await updateRole(tx, tenantId, role.id, { name: input.displayName });
      await recordAudit(tx, ctxFor(now), {
        tenantId,
        action: "role.update",
        resourceType: "role",
        resourceId: role.id,
        before: { name: role.name },
        after: { name: input.displayName },
        details: { source: "scim" },
      });
    }
    const employee = await builtinRoleId(tx, "employee");
    const wanted = new Set(input.memberIds);
    const holders = await tx<
      { id: string }[]
    >`SELECT id FROM users WHERE tenant_id = ${tenantId} AND role_id = ${role.id}`;
    for (const h of holders) if (!wanted.has(h.id)) await moveMember(tx, tenantId, role, h.id, "remove", employee, now);
    const held = new Set(holders.map((h) => h.id));
    for (const userId of wanted) {
      if (!held.has(userId as string)) await moveMember(tx, tenantId, role, userId, "add", employee, now);
    }
  });
  return await findGroup(sql, tenantId, baseUrl, roleId);
}

/** DELETE /scim/v2/Groups/{id}: custom roles only; members go back to employee first. */
export async function deleteGroup(sql: Sql, tenantId: string, roleId: string, now: Date): Promise<void> {
  await withTenant(sql, tenantId, async (tx) => {
    const role = await getRole(tx, tenantId, roleId);
    if (!role) throw new ScimError(404, null, `Group ${roleId} not found`);
    if (role.tenant_id === null) throw new ScimError(400, "mutability", "A built-in role cannot be deleted");
    const employee = await builtinRoleId(tx, "employee");
    const holders = await tx<
      { id: string }[]
    >`SELECT id FROM users WHERE tenant_id = ${tenantId} AND role_id = ${role.id}`;
    for (const h of holders) await moveMember(tx, tenantId, role, h.id, "remove", employee, now);
    await deleteRole(tx, tenantId, role.id);
    await recordAudit(tx, ctxFor(now), {
      tenantId,
      action: "role.delete",
      resourceType: "role",
      resourceId: role.id,
      before: { name: role.name },
      details: { source: "scim" },
    });
  });
}
