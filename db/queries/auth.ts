/**
 * Lookups that find who is calling. They run before a tenant is known, so they
 * run as the owning role (no row-level security) and match on unique hashes.
 */
import type { Sql } from "../client.ts";
import type { Permission } from "../../services/auth/permissions.ts";

export interface PrincipalRow {
  user_id: string;
  tenant_id: string;
  email: string;
  name: string | null;
  status: string;
  role_id: string;
  role_name: string;
  client_id: string | null;
  super_admin: boolean;
  permissions: Permission[];
  time_zone: string | null;
}

const principalColumns = (sql: Sql) =>
  sql`
  u.id AS user_id, u.tenant_id, u.email, u.name, u.status, u.role_id, r.name AS role_name, u.client_id, u.super_admin,
  u.timezone AS time_zone,
  coalesce((SELECT array_agg(p.resource || ':' || p.action) FROM permissions p WHERE p.role_id = u.role_id), '{}') AS permissions`;

export interface SessionRow extends PrincipalRow {
  session_id: string;
  last_seen_at: Date;
  expires_at: Date;
}

export async function findActiveSession(sql: Sql, tokenHash: Uint8Array, now: Date): Promise<SessionRow | undefined> {
  const [row] = await sql<SessionRow[]>`
    SELECT s.id AS session_id, s.last_seen_at, s.expires_at, ${principalColumns(sql)}
    FROM sessions s
    JOIN users u ON u.id = s.user_id
    JOIN roles r ON r.id = u.role_id
    WHERE s.token_hash = ${tokenHash} AND s.revoked_at IS NULL AND s.expires_at > ${now}`;
  return row;
}

export async function touchSession(sql: Sql, sessionId: string, now: Date): Promise<void> {
  await sql`UPDATE sessions SET last_seen_at = ${now} WHERE id = ${sessionId}`;
}

export interface ApiKeyRow extends PrincipalRow {
  api_key_id: string;
  scopes: string[];
  last_used_at: Date | null;
  expires_at: Date | null;
}

export async function findActiveApiKey(sql: Sql, tokenHash: Uint8Array, now: Date): Promise<ApiKeyRow | undefined> {
  const [row] = await sql<ApiKeyRow[]>`
    SELECT k.id AS api_key_id, k.scopes, k.last_used_at, k.expires_at, ${principalColumns(sql)}
    FROM api_keys k
    JOIN users u ON u.id = k.user_id
    JOIN roles r ON r.id = u.role_id
    WHERE k.token_hash = ${tokenHash} AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ${now})`;
  return row;
}

export async function touchApiKey(sql: Sql, apiKeyId: string, now: Date): Promise<void> {
  await sql`UPDATE api_keys SET last_used_at = ${now} WHERE id = ${apiKeyId}`;
}

export interface LoginRow {
  id: string;
  tenant_id: string;
  email: string;
  status: string;
  password_hash: string | null;
}

export async function findUserForLogin(sql: Sql, email: string): Promise<LoginRow | undefined> {
  const [row] = await sql<LoginRow[]>`
    SELECT id, tenant_id, email, status, password_hash FROM users WHERE lower(email) = lower(${email})`;
  return row;
}

export async function insertSession(
  sql: Sql,
  s: {
    tenantId: string;
    userId: string;
    tokenHash: Uint8Array;
    ip?: string;
    userAgent?: string;
    expiresAt: Date;
    now: Date;
  },
): Promise<{ id: string }> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO sessions (tenant_id, user_id, token_hash, ip, user_agent, created_at, last_seen_at, expires_at)
    VALUES (${s.tenantId}, ${s.userId}, ${s.tokenHash}, ${s.ip ?? null}, ${s.userAgent?.slice(0, 1000) ?? null},
            ${s.now}, ${s.now}, ${s.expiresAt})
    RETURNING id`;
  return row;
}

export async function recordLogin(sql: Sql, userId: string, now: Date): Promise<void> {
  await sql`UPDATE users SET last_login_at = ${now} WHERE id = ${userId}`;
}

/** Ends sessions of a user; `exceptId` keeps the caller's own (password change from the profile). */
export async function revokeUserSessions(sql: Sql, userId: string, now: Date, exceptId?: string): Promise<number> {
  const rows = await sql`
    UPDATE sessions SET revoked_at = ${now}
    WHERE user_id = ${userId} AND revoked_at IS NULL ${exceptId ? sql`AND id <> ${exceptId}` : sql``}
    RETURNING id`;
  return rows.length;
}

export async function revokeSession(sql: Sql, sessionId: string, now: Date): Promise<void> {
  await sql`UPDATE sessions SET revoked_at = ${now} WHERE id = ${sessionId} AND revoked_at IS NULL`;
}

/** The stored hash, for re-checking the current password before a change. */
export async function getPasswordHash(sql: Sql, tenantId: string, userId: string): Promise<string | null | undefined> {
  const [row] = await sql<{ password_hash: string | null }[]>`
    SELECT password_hash FROM users WHERE tenant_id = ${tenantId} AND id = ${userId}`;
  return row?.password_hash;
}

export async function setPasswordHash(sql: Sql, tenantId: string, userId: string, hash: string): Promise<void> {
  await sql`UPDATE users SET password_hash = ${hash} WHERE tenant_id = ${tenantId} AND id = ${userId}`;
}

/** An active user of the tenant with this e-mail (any case), as a principal row (a Slack user acting in Opsdeck). */
export async function findActivePrincipalByEmail(
  sql: Sql,
  tenantId: string,
  email: string,
): Promise<PrincipalRow | undefined> {
  const [row] = await sql<PrincipalRow[]>`
    SELECT ${principalColumns(sql)}
    FROM users u JOIN roles r ON r.id = u.role_id
    WHERE u.tenant_id = ${tenantId} AND lower(u.email) = lower(${email}) AND u.status = 'active'`;
  return row;
}

/** An active user as a principal row, by id (a report renders as the person who scheduled it). */
export async function findActivePrincipalById(
  sql: Sql,
  tenantId: string,
  userId: string,
): Promise<PrincipalRow | undefined> {
  const [row] = await sql<PrincipalRow[]>`
    SELECT ${principalColumns(sql)}
    FROM users u JOIN roles r ON r.id = u.role_id
    WHERE u.tenant_id = ${tenantId} AND u.id = ${userId} AND u.status = 'active'`;
  return row;
}
