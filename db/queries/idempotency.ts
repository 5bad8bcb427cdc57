import type { Sql } from "../client.ts";

export interface IdempotencyRow {
  id: string;
  method: string;
  path: string;
  request_hash: Uint8Array;
  response_status: number | null;
  response_body: unknown;
  expires_at: Date;
}

/**
 * Claims `key` for this request: the row is inserted, or, when another
 * transaction holds the same key uncommitted, this waits on the unique index
 * until it commits (then nothing is inserted) or rolls back (then it is).
 * Returns whether this request now owns the key.
 */
export async function claimIdempotencyKey(
  sql: Sql,
  k: { tenantId: string; key: string; method: string; path: string; requestHash: Uint8Array; now: Date },
): Promise<boolean> {
  const rows = await sql`
    INSERT INTO idempotency_keys (tenant_id, key, method, path, request_hash, created_at, expires_at)
    VALUES (${k.tenantId}, ${k.key}, ${k.method}, ${k.path}, ${k.requestHash}, ${k.now},
            ${k.now}::timestamptz + interval '24 hours')
    ON CONFLICT (tenant_id, key) DO NOTHING
    RETURNING id`;
  return rows.length === 1;
}

export async function getIdempotencyKey(sql: Sql, tenantId: string, key: string): Promise<IdempotencyRow | undefined> {
  const [row] = await sql<IdempotencyRow[]>`
    SELECT id, method, path, request_hash, response_status, response_body, expires_at
    FROM idempotency_keys WHERE tenant_id = ${tenantId} AND key = ${key}`;
  return row;
}

/** Drops an expired key so the same key can start afresh. */
export async function deleteIdempotencyKey(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`DELETE FROM idempotency_keys WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

export async function completeIdempotencyKey(
  sql: Sql,
  tenantId: string,
  key: string,
  response: { status: number; body: unknown; now: Date },
): Promise<void> {
  await sql`
    UPDATE idempotency_keys
    SET response_status = ${response.status}, response_body = ${sql.json(response.body as never)},
        completed_at = ${response.now}
    WHERE tenant_id = ${tenantId} AND key = ${key}`;
}

/** Purges expired keys of every tenant (owner connection); returns how many went. */
export async function purgeExpiredIdempotencyKeys(sql: Sql, now: Date): Promise<number> {
  const rows = await sql`DELETE FROM idempotency_keys WHERE expires_at < ${now} RETURNING id`;
  return rows.length;
}
