import type { Sql } from "../client.ts";

export interface UserRow {
  id: string;
  tenant_id: string;
  email: string;
  name: string | null;
  status: "invited" | "active" | "suspended" | "inactive";
  role_id: string;
  role_name: string;
  client_id: string | null;
  super_admin: boolean;
  timezone: string | null;
  last_login_at: Date | null;
  created_at: Date;
}

export type UserStatus = UserRow["status"];

export async function builtinRoleId(sql: Sql, name: "admin" | "employee" | "client"): Promise<string> {
  const [row] = await sql<{ id: string }[]>`SELECT id FROM roles WHERE tenant_id IS NULL AND name = ${name}`;
  return row.id;
}

export interface UserInsert {
  tenantId: string;
  email: string;
  name: string | null;
  status: UserRow["status"];
  roleId: string;
  clientId?: string | null;
  superAdmin?: boolean;
  passwordHash?: string | null;
}

export async function insertUser(sql: Sql, u: UserInsert): Promise<UserRow> {
  const [row] = await sql<UserRow[]>`
    WITH inserted AS (
      INSERT INTO users (tenant_id, email, name, status, role_id, client_id, super_admin, password_hash)
      VALUES (${u.tenantId}, ${u.email.toLowerCase()}, ${u.name}, ${u.status}, ${u.roleId}, ${u.clientId ?? null},
              ${u.superAdmin ?? false}, ${u.passwordHash ?? null})
      RETURNING *
    )
    SELECT i.id, i.tenant_id, i.email, i.name, i.status, i.role_id, r.name AS role_name, i.client_id, i.super_admin,
           i.timezone, i.last_login_at, i.created_at
    FROM inserted i JOIN roles r ON r.id = i.role_id`;
  return row;
}

/** Install-wide (e-mail is unique across tenants): call it on the owner connection, not inside withTenant. */
export async function emailTaken(sql: Sql, email: string): Promise<boolean> {
  const [row] = await sql`SELECT 1 FROM users WHERE lower(email) = lower(${email})`;
  return row !== undefined;
}

const userColumns = (sql: Sql) =>
  sql`u.id, u.tenant_id, u.email, u.name, u.status, u.role_id, r.name AS role_name, u.client_id, u.super_admin,
      u.timezone, u.last_login_at, u.created_at`;

export interface UserFilter {
  status?: UserStatus;
  roleId?: string;
  clientId?: string;
  /** Keyset cursor: the (email, id) of the last row of the previous page. */
  after?: [string, string];
  limit: number;
}

/** A tenant's users by e-mail; fetches `limit + 1` rows so the caller can tell whether a next page exists. */
export async function listUsers(sql: Sql, tenantId: string, f: UserFilter): Promise<UserRow[]> {
  return await sql<UserRow[]>`
    SELECT ${userColumns(sql)}
    FROM users u JOIN roles r ON r.id = u.role_id
    WHERE u.tenant_id = ${tenantId}
      ${f.status ? sql`AND u.status = ${f.status}` : sql``}
      ${f.roleId ? sql`AND u.role_id = ${f.roleId}` : sql``}
      ${f.clientId ? sql`AND u.client_id = ${f.clientId}` : sql``}
      ${f.after ? sql`AND (u.email, u.id) > (${f.after[0]}, ${f.after[1]}::uuid)` : sql``}
    ORDER BY u.email, u.id
    LIMIT ${f.limit + 1}`;
}

/** One user of the tenant; `forUpdate` locks the row for a read-modify-write. */
export async function getUser(
  sql: Sql,
  tenantId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<UserRow | undefined> {
  const [row] = await sql<UserRow[]>`
    SELECT ${userColumns(sql)}
    FROM users u JOIN roles r ON r.id = u.role_id
    WHERE u.id = ${id} AND u.tenant_id = ${tenantId}
    ${options.forUpdate ? sql`FOR UPDATE OF u` : sql``}`;
  return row;
}

export interface UserPatch {
  name?: string | null;
  role_id?: string;
  client_id?: string | null;
  status?: UserStatus;
}
const PATCHABLE = ["name", "role_id", "client_id", "status"] as const;

export async function updateUser(sql: Sql, tenantId: string, id: string, patch: UserPatch): Promise<UserRow> {
  const columns = PATCHABLE.filter((column) => patch[column] !== undefined);
  const [row] = await sql<UserRow[]>`
    WITH updated AS (
      UPDATE users SET ${sql(patch as Record<string, unknown>, ...columns)}
      WHERE id = ${id} AND tenant_id = ${tenantId}
      RETURNING id, tenant_id, email, name, status, role_id, client_id, super_admin, timezone, last_login_at, created_at
    )
    SELECT ${userColumns(sql)} FROM updated u JOIN roles r ON r.id = u.role_id`;
  return row;
}

/**
 * Accepting an invitation: only a user still `invited` becomes active, so a used link cannot reactivate anyone.
 * A password and a name are set when given (single sign-on gives neither).
 */
export async function activateInvitedUser(
  sql: Sql,
  tenantId: string,
  id: string,
  a: { passwordHash?: string; name?: string } = {},
): Promise<UserRow | undefined> {
  const [row] = await sql<{ id: string }[]>`
    UPDATE users
    SET status = 'active', password_hash = coalesce(${a.passwordHash ?? null}, password_hash),
        name = coalesce(${a.name ?? null}, name)
    WHERE id = ${id} AND tenant_id = ${tenantId} AND status = 'invited'
    RETURNING id`;
  return row ? await getUser(sql, tenantId, row.id) : undefined;
}

/** Whether the user can sign in at all: a password set, or an identity provider linked. */
export async function hasSignInMethod(sql: Sql, tenantId: string, id: string): Promise<boolean> {
  const [row] = await sql<{ ok: boolean }[]>`
    SELECT u.password_hash IS NOT NULL
           OR EXISTS (SELECT 1 FROM external_identities e WHERE e.tenant_id = u.tenant_id AND e.user_id = u.id) AS ok
    FROM users u WHERE u.id = ${id} AND u.tenant_id = ${tenantId}`;
  return row?.ok ?? false;
}

export interface ClientOption {
  id: string;
  name: string;
}

/** The clients a client user can be tied to (the invite form, and checking a `client_id`). */
export async function listClientOptions(sql: Sql, tenantId: string): Promise<ClientOption[]> {
  return await sql<ClientOption[]>`
    SELECT id, name FROM clients WHERE tenant_id = ${tenantId} ORDER BY lower(name), id LIMIT 1000`;
}

export async function getClientOption(sql: Sql, tenantId: string, id: string): Promise<ClientOption | undefined> {
  const [row] = await sql<ClientOption[]>`SELECT id, name FROM clients WHERE id = ${id} AND tenant_id = ${tenantId}`;
  return row;
}
