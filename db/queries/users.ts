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
  timezone: string;
  last_login_at: Date | null;
  created_at: Date;
}

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

export async function emailTaken(sql: Sql, email: string): Promise<boolean> {
  const [row] = await sql`SELECT 1 FROM users WHERE lower(email) = lower(${email})`;
  return row !== undefined;
}
