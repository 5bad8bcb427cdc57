/**
 * Notification channels. `config` is the non-secret part; the secret part is
 * one encrypted JSON object (services/notifications/channels.ts seals it).
 * Rows read for display never carry the ciphertext; only the sender's load does.
 */
import type { Sql } from "../client.ts";

export type ChannelType = "slack" | "email" | "webhook";

export interface ChannelRow {
  id: string;
  tenant_id: string;
  name: string;
  type: ChannelType;
  config: Record<string, unknown>;
  has_secret: boolean;
  broken: boolean;
  last_error: string | null;
  last_error_at: Date | null;
  last_success_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface ChannelSecretRow extends ChannelRow {
  secret_ciphertext: Uint8Array | null;
  key_id: string | null;
}

const columns = (sql: Sql) =>
  sql`id, tenant_id, name, type, config, secret_ciphertext IS NOT NULL AS has_secret, broken, last_error,
      last_error_at, last_success_at, created_at, updated_at`;

export interface ChannelInsert {
  id: string;
  tenantId: string;
  name: string;
  type: ChannelType;
  config: Record<string, unknown>;
  secret: { ciphertext: Uint8Array; keyId: string } | null;
  now: Date;
}

/** The id is chosen by the caller: the secret's GCM additional data names it before the row exists. */
export async function insertChannel(sql: Sql, c: ChannelInsert): Promise<ChannelRow> {
  const [row] = await sql<ChannelRow[]>`
    INSERT INTO notification_channels (id, tenant_id, name, type, config, secret_ciphertext, key_id, created_at,
                                       updated_at)
    VALUES (${c.id}, ${c.tenantId}, ${c.name}, ${c.type}, ${sql.json(c.config as never)},
            ${c.secret?.ciphertext ?? null}, ${c.secret?.keyId ?? null}, ${c.now}, ${c.now})
    RETURNING ${columns(sql)}`;
  return row;
}

/** Name order, then id (names need not be unique); `limit + 1` rows for the next-page check. */
export async function listChannels(
  sql: Sql,
  tenantId: string,
  f: { limit: number; after?: [string, string] },
): Promise<ChannelRow[]> {
  return await sql<ChannelRow[]>`
    SELECT ${columns(sql)} FROM notification_channels
    WHERE tenant_id = ${tenantId}
      ${f.after ? sql`AND (lower(name), id) > (${f.after[0]}, ${f.after[1]})` : sql``}
    ORDER BY lower(name), id
    LIMIT ${f.limit + 1}`;
}

export async function getChannel(
  sql: Sql,
  tenantId: string,
  id: string,
  o: { forUpdate?: boolean } = {},
): Promise<ChannelRow | undefined> {
  const [row] = await sql<ChannelRow[]>`
    SELECT ${columns(sql)} FROM notification_channels
    WHERE tenant_id = ${tenantId} AND id = ${id}
    ${o.forUpdate ? sql`FOR UPDATE` : sql``}`;
  return row;
}

/** With the sealed secret, for the sender and for PATCH (which re-seals when the secret changes). */
export async function getChannelWithSecret(
  sql: Sql,
  tenantId: string,
  id: string,
): Promise<ChannelSecretRow | undefined> {
  const [row] = await sql<ChannelSecretRow[]>`
    SELECT ${columns(sql)}, secret_ciphertext, key_id FROM notification_channels
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
  return row;
}

export interface ChannelPatch {
  name: string;
  config: Record<string, unknown>;
  /** undefined: keep the stored secret. */
  secret?: { ciphertext: Uint8Array; keyId: string } | null;
}

/** Saving a channel is the fix for a broken one: the flag and the last error are cleared. */
export async function updateChannel(sql: Sql, tenantId: string, id: string, p: ChannelPatch): Promise<ChannelRow> {
  const [row] = await sql<ChannelRow[]>`
    UPDATE notification_channels SET
      name = ${p.name},
      config = ${sql.json(p.config as never)},
      ${
    p.secret === undefined
      ? sql``
      : sql`secret_ciphertext = ${p.secret?.ciphertext ?? null}, key_id = ${p.secret?.keyId ?? null},`
  }
      broken = false, last_error = NULL, last_error_at = NULL
    WHERE tenant_id = ${tenantId} AND id = ${id}
    RETURNING ${columns(sql)}`;
  return row;
}

export async function deleteChannel(sql: Sql, tenantId: string, id: string): Promise<boolean> {
  const rows = await sql`DELETE FROM notification_channels WHERE tenant_id = ${tenantId} AND id = ${id} RETURNING id`;
  return rows.length > 0;
}

/** How many notification rules send to the channel (they are deleted with it). */
export async function countChannelRules(sql: Sql, tenantId: string, id: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM notification_rules WHERE tenant_id = ${tenantId} AND channel_id = ${id}`;
  return row.n;
}

export interface ChannelHealth {
  ok: boolean;
  error?: string;
  permanent?: boolean;
  now: Date;
}

/**
 * After a send: success records the time and clears the error and the broken
 * flag (a passing "send test" after the user fixed things on the other side,
 * such as inviting the bot to the Slack channel, is proof enough); a failure
 * keeps its message, and a permanent one marks the channel broken.
 */
export async function storeChannelHealth(sql: Sql, tenantId: string, id: string, h: ChannelHealth): Promise<void> {
  if (h.ok) {
    await sql`
      UPDATE notification_channels SET last_success_at = ${h.now}, broken = false, last_error = NULL,
        last_error_at = NULL
      WHERE tenant_id = ${tenantId} AND id = ${id}`;
    return;
  }
  const error = (h.error ?? "unknown error").slice(0, 2000);
  await sql`
    UPDATE notification_channels SET last_error = ${error}, last_error_at = ${h.now},
      broken = broken OR ${h.permanent ?? false}
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

/**
 * Reserves a paced channel's next send slot, shared by every process: the
 * slot after the last one reserved (or now), `paceMs` long. Returns how long
 * to wait for it (ms), or null without reserving when that wait would be over
 * `maxWaitMs` (the caller hands the message back for later).
 */
export async function reservePaceSlot(
  sql: Sql,
  tenantId: string,
  channelId: string,
  o: { paceMs: number; maxWaitMs: number },
): Promise<number | null> {
  const [row] = await sql<{ wait_ms: number }[]>`
    UPDATE notification_channels
    SET paced_until = greatest(paced_until, clock_timestamp()) + make_interval(secs => ${o.paceMs} / 1000.0)
    WHERE tenant_id = ${tenantId} AND id = ${channelId}
      AND coalesce(paced_until, '-infinity') <= clock_timestamp() + make_interval(secs => ${o.maxWaitMs} / 1000.0)
    RETURNING greatest(0, extract(epoch FROM paced_until - clock_timestamp()) * 1000 - ${o.paceMs})::float8 AS wait_ms`;
  return row ? row.wait_ms : null;
}

/**
 * A Slack workspace reconnected: the channels posting as it, marked broken when it refused its old token, work
 * again. Answers how many were mended.
 */
export async function mendWorkspaceChannels(sql: Sql, tenantId: string, integrationId: string): Promise<number> {
  const rows = await sql`
    UPDATE notification_channels SET broken = false, last_error = NULL, last_error_at = NULL
    WHERE tenant_id = ${tenantId} AND type = 'slack' AND config ->> 'integration_id' = ${integrationId} AND broken
    RETURNING id`;
  return rows.length;
}
