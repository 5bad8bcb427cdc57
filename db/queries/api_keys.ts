/**
 * API keys as their owners and admins see them. Authenticating a bearer key
 * by its hash is in auth.ts; these run inside a tenant's transaction.
 */
import type { Sql } from "../client.ts";

export interface ApiKeyRow {
  id: string;
  tenant_id: string;
  user_id: string;
  user_email: string;
  name: string;
  prefix: string;
  scopes: string[];
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

const columns = (sql: Sql) =>
  sql`k.id, k.tenant_id, k.user_id, u.email AS user_email, k.name, k.prefix, k.scopes, k.expires_at, k.last_used_at,
      k.revoked_at, k.created_at`;

export interface ApiKeyInsert {
  tenantId: string;
  userId: string;
  name: string;
  prefix: string;
  tokenHash: Uint8Array;
  scopes: string[];
  expiresAt: Date | null;
  now: Date;
}

export async function insertApiKey(sql: Sql, k: ApiKeyInsert): Promise<ApiKeyRow> {
  const [row] = await sql<ApiKeyRow[]>`
    WITH k AS (
      INSERT INTO api_keys (tenant_id, user_id, name, prefix, token_hash, scopes, expires_at, created_at)
      VALUES (${k.tenantId}, ${k.userId}, ${k.name}, ${k.prefix}, ${k.tokenHash}, ${k.scopes}, ${k.expiresAt}, ${k.now})
      RETURNING id, tenant_id, user_id, name, prefix, scopes, expires_at, last_used_at, revoked_at, created_at
    )
    SELECT ${columns(sql)} FROM k JOIN users u ON u.tenant_id = k.tenant_id AND u.id = k.user_id`;
  return row;
}

export interface ApiKeyFilter {
  tenantId: string;
  /** One user's keys; undefined lists the whole tenant's (admins only, checked by the service). */
  userId?: string;
  limit: number;
  /** Keyset cursor: the id of the last row of the previous page (its created_at is read exactly, in microseconds). */
  afterId?: string;
}

/** Newest first; `limit + 1` rows so the caller can tell whether there is a next page. */
export async function listApiKeys(sql: Sql, f: ApiKeyFilter): Promise<ApiKeyRow[]> {
  return await sql<ApiKeyRow[]>`
    SELECT ${columns(sql)}
    FROM api_keys k JOIN users u ON u.tenant_id = k.tenant_id AND u.id = k.user_id
    WHERE k.tenant_id = ${f.tenantId}
      ${f.userId ? sql`AND k.user_id = ${f.userId}` : sql``}
      ${
    f.afterId
      ? sql`AND (k.created_at, k.id) < (SELECT c.created_at, c.id FROM api_keys c
                                         WHERE c.tenant_id = ${f.tenantId} AND c.id = ${f.afterId})`
      : sql``
  }
    ORDER BY k.created_at DESC, k.id DESC
    LIMIT ${f.limit + 1}`;
}

export async function getApiKey(sql: Sql, tenantId: string, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await sql<ApiKeyRow[]>`
    SELECT ${columns(sql)}
    FROM api_keys k JOIN users u ON u.tenant_id = k.tenant_id AND u.id = k.user_id
    WHERE k.tenant_id = ${tenantId} AND k.id = ${id}`;
  return row;
}

/** Sets revoked_at once; returns undefined when the key was already revoked. */
export async function revokeApiKey(sql: Sql, tenantId: string, id: string, now: Date): Promise<Date | undefined> {
  const [row] = await sql<{ revoked_at: Date }[]>`
    UPDATE api_keys SET revoked_at = ${now}
    WHERE tenant_id = ${tenantId} AND id = ${id} AND revoked_at IS NULL
    RETURNING revoked_at`;
  return row?.revoked_at;
}
