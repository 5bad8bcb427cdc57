/**
 * What a user may change about themselves: name and timezone on `users`, and
 * key/value rows in `user_preferences`. Run inside the tenant's transaction.
 */
import type { Sql } from "../client.ts";

export interface ProfileRow {
  id: string;
  name: string | null;
  /** null: not chosen, times show in the browser's zone. */
  timezone: string | null;
}

export async function getProfile(sql: Sql, tenantId: string, userId: string): Promise<ProfileRow | undefined> {
  const [row] = await sql<ProfileRow[]>`
    SELECT id, name, timezone FROM users WHERE tenant_id = ${tenantId} AND id = ${userId}`;
  return row;
}

/** Only the columns a user may set on themselves; anything else in `patch` is ignored. */
export async function updateProfile(
  sql: Sql,
  tenantId: string,
  userId: string,
  patch: { name?: string; timezone?: string | null },
): Promise<ProfileRow> {
  const columns = (["name", "timezone"] as const).filter((c) => patch[c] !== undefined);
  const [row] = await sql<ProfileRow[]>`
    UPDATE users SET ${sql(patch, ...columns)}
    WHERE tenant_id = ${tenantId} AND id = ${userId}
    RETURNING id, name, timezone`;
  return row;
}

export async function listPreferences(sql: Sql, tenantId: string, userId: string): Promise<Record<string, unknown>> {
  const rows = await sql<{ key: string; value: unknown }[]>`
    SELECT key, value FROM user_preferences WHERE tenant_id = ${tenantId} AND user_id = ${userId}`;
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export async function getPreference(sql: Sql, tenantId: string, userId: string, key: string): Promise<unknown> {
  const [row] = await sql<{ value: unknown }[]>`
    SELECT value FROM user_preferences WHERE tenant_id = ${tenantId} AND user_id = ${userId} AND key = ${key}`;
  return row?.value;
}

export async function upsertPreference(
  sql: Sql,
  p: { tenantId: string; userId: string; key: string; value: unknown },
): Promise<void> {
  await sql`
    INSERT INTO user_preferences (tenant_id, user_id, key, value)
    VALUES (${p.tenantId}, ${p.userId}, ${p.key}, ${sql.json(p.value as never)})
    ON CONFLICT (tenant_id, user_id, key) DO UPDATE SET value = EXCLUDED.value`;
}
