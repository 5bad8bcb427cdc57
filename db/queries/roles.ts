/**
 * Roles and their permissions. Built-in roles (tenant_id NULL) are visible to
 * every tenant and never written here; custom roles belong to one tenant.
 */
import type { Sql } from "../client.ts";
import type { Permission } from "../../services/auth/permissions.ts";

export interface RoleRow {
  id: string;
  tenant_id: string | null;
  name: string;
  description: string | null;
  /** `resource:action`, sorted. */
  permissions: Permission[];
  /** Users of the caller's tenant holding the role. */
  user_count: number;
  created_at: Date;
  updated_at: Date;
}

const roleColumns = (sql: Sql, tenantId: string) =>
  sql`r.id, r.tenant_id, r.name, r.description, r.created_at, r.updated_at,
      coalesce((SELECT array_agg(p.resource || ':' || p.action ORDER BY p.resource, p.action)
                FROM permissions p WHERE p.role_id = r.id), '{}') AS permissions,
      (SELECT count(*)::int FROM users u WHERE u.role_id = r.id AND u.tenant_id = ${tenantId}) AS user_count`;

/** Keyset order: built-in roles first, then custom ones by name. */
export type RoleCursor = [number, string, string];

export async function listRoles(
  sql: Sql,
  tenantId: string,
  f: { after?: RoleCursor; limit: number },
): Promise<RoleRow[]> {
  return await sql<RoleRow[]>`
    SELECT ${roleColumns(sql, tenantId)}
    FROM roles r
    WHERE (r.tenant_id IS NULL OR r.tenant_id = ${tenantId})
      ${
    f.after
      ? sql`AND ((r.tenant_id IS NOT NULL)::int, lower(r.name), r.id) > (${f.after[0]}, ${f.after[1]}, ${
        f.after[2]
      }::uuid)`
      : sql``
  }
    ORDER BY (r.tenant_id IS NOT NULL)::int, lower(r.name), r.id
    LIMIT ${f.limit + 1}`;
}

/** A built-in role or one of the tenant's own; another tenant's role is not found. */
export async function getRole(sql: Sql, tenantId: string, id: string): Promise<RoleRow | undefined> {
  const [row] = await sql<RoleRow[]>`
    SELECT ${roleColumns(sql, tenantId)}
    FROM roles r
    WHERE r.id = ${id} AND (r.tenant_id IS NULL OR r.tenant_id = ${tenantId})`;
  return row;
}

export async function findRoleByName(sql: Sql, tenantId: string, name: string): Promise<RoleRow | undefined> {
  const [row] = await sql<RoleRow[]>`
    SELECT ${roleColumns(sql, tenantId)}
    FROM roles r
    WHERE lower(r.name) = lower(${name}) AND (r.tenant_id IS NULL OR r.tenant_id = ${tenantId})`;
  return row;
}

export async function insertRole(
  sql: Sql,
  r: { tenantId: string; name: string; description: string | null },
): Promise<{ id: string }> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO roles (tenant_id, name, description) VALUES (${r.tenantId}, ${r.name}, ${r.description})
    RETURNING id`;
  return row;
}

/** Locks a custom role of the tenant against concurrent edits and new holders; false for built-in or unknown ids. */
export async function lockRole(sql: Sql, tenantId: string, id: string): Promise<boolean> {
  const rows = await sql`SELECT id FROM roles WHERE id = ${id} AND tenant_id = ${tenantId} FOR UPDATE`;
  return rows.length > 0;
}

/** Only custom roles: the tenant condition can never match a built-in role. */
export async function updateRole(
  sql: Sql,
  tenantId: string,
  id: string,
  patch: { name?: string; description?: string | null },
): Promise<void> {
  const columns = (["name", "description"] as const).filter((column) => patch[column] !== undefined);
  if (columns.length === 0) return;
  await sql`
    UPDATE roles SET ${sql(patch as Record<string, unknown>, ...columns)}
    WHERE id = ${id} AND tenant_id = ${tenantId}
    RETURNING id`;
}

/** Replaces a custom role's permission set. */
export async function setRolePermissions(sql: Sql, roleId: string, permissions: Permission[]): Promise<void> {
  await sql`DELETE FROM permissions WHERE role_id = ${roleId}`;
  if (permissions.length === 0) return;
  const resources = permissions.map((p) => p.split(":")[0]);
  const actions = permissions.map((p) => p.split(":")[1]);
  await sql`
    INSERT INTO permissions (role_id, resource, action)
    SELECT ${roleId}, resource, action FROM unnest(${resources}::text[], ${actions}::text[]) AS t (resource, action)`;
}

export async function deleteRole(sql: Sql, tenantId: string, id: string): Promise<boolean> {
  const rows = await sql`DELETE FROM roles WHERE id = ${id} AND tenant_id = ${tenantId} RETURNING id`;
  return rows.length > 0;
}
