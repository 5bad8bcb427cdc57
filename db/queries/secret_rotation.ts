/**
 * `deno task secrets:rotate`: find ciphertexts written with a key other than
 * the current one and store their re-encryption. Batches walk each tenant's
 * rows in id order (`id > afterId`), so a row that cannot be decrypted is
 * reported once and never blocks the walk.
 */
import type { Sql } from "../client.ts";

/** Tenants holding at least one stale ciphertext (owner connection: a scan across tenants). */
export async function tenantsWithStaleSecrets(
  sql: Sql,
  current: { identities: string; channels: string },
): Promise<{ id: string; slug: string }[]> {
  return await sql<{ id: string; slug: string }[]>`
    SELECT t.id, t.slug FROM tenants t
    WHERE EXISTS (
        SELECT 1 FROM external_identities i
        WHERE i.tenant_id = t.id AND i.key_id IS NOT NULL AND i.key_id <> ${current.identities})
      -- Integration tokens share the provider-token key (services/integrations/tokens.ts).
      OR EXISTS (
        SELECT 1 FROM integrations n WHERE n.tenant_id = t.id AND n.key_id IS NOT NULL
          AND n.key_id <> ${current.identities})
      OR EXISTS (
        SELECT 1 FROM notification_channels c
        WHERE c.tenant_id = t.id AND c.key_id IS NOT NULL AND c.key_id <> ${current.channels})
      -- GitHub webhook secrets share the notification-channel key (services/github/secret.ts).
      OR EXISTS (
        SELECT 1 FROM github_webhooks g WHERE g.tenant_id = t.id AND g.secret_key_id <> ${current.channels})
      OR EXISTS (SELECT 1 FROM data_sources d WHERE d.tenant_id = t.id AND d.key_id <> ${current.channels})
      OR EXISTS (
        SELECT 1 FROM user_sync_settings s WHERE s.tenant_id = t.id AND s.clerk_secret_key_id <> ${current.channels})
    ORDER BY t.slug`;
}

/** The tables holding a sealed pair of provider tokens (access, refresh) under the provider-token key. */
export type ProviderTokenTable = "external_identities" | "integrations";

export interface StaleTokenRow {
  id: string;
  key_id: string;
  access_token_ciphertext: Uint8Array | null;
  refresh_token_ciphertext: Uint8Array | null;
}

export async function staleProviderTokens(
  sql: Sql,
  table: ProviderTokenTable,
  tenantId: string,
  currentKeyId: string,
  afterId: string,
  limit: number,
): Promise<StaleTokenRow[]> {
  return await sql<StaleTokenRow[]>`
    SELECT id, key_id, access_token_ciphertext, refresh_token_ciphertext
    FROM ${sql(table)}
    WHERE tenant_id = ${tenantId} AND key_id IS NOT NULL AND key_id <> ${currentKeyId} AND id > ${afterId}
    ORDER BY id
    LIMIT ${limit}
    FOR UPDATE`;
}

/** Stores a re-encryption only if the row still holds what was read (`fromKeyId`). */
export async function storeProviderTokens(
  sql: Sql,
  table: ProviderTokenTable,
  tenantId: string,
  id: string,
  fromKeyId: string,
  next: { access: Uint8Array | null; refresh: Uint8Array | null; keyId: string },
): Promise<boolean> {
  const rows = await sql`
    UPDATE ${sql(table)}
    SET access_token_ciphertext = ${next.access}, refresh_token_ciphertext = ${next.refresh}, key_id = ${next.keyId}
    WHERE id = ${id} AND tenant_id = ${tenantId} AND key_id = ${fromKeyId}
    RETURNING id`;
  return rows.length === 1;
}

export interface StaleChannelRow {
  id: string;
  key_id: string;
  secret_ciphertext: Uint8Array;
}

export async function staleChannelSecrets(
  sql: Sql,
  tenantId: string,
  currentKeyId: string,
  afterId: string,
  limit: number,
): Promise<StaleChannelRow[]> {
  return await sql<StaleChannelRow[]>`
    SELECT id, key_id, secret_ciphertext
    FROM notification_channels
    WHERE tenant_id = ${tenantId} AND key_id IS NOT NULL AND key_id <> ${currentKeyId} AND id > ${afterId}
    ORDER BY id
    LIMIT ${limit}
    FOR UPDATE`;
}

export async function storeChannelSecret(
  sql: Sql,
  tenantId: string,
  id: string,
  fromKeyId: string,
  next: { ciphertext: Uint8Array; keyId: string },
): Promise<boolean> {
  const rows = await sql`
    UPDATE notification_channels SET secret_ciphertext = ${next.ciphertext}, key_id = ${next.keyId}
    WHERE id = ${id} AND tenant_id = ${tenantId} AND key_id = ${fromKeyId}
    RETURNING id`;
  return rows.length === 1;
}

/** A tenant's GitHub webhook secret when a non-current key wrote it (one row per tenant, keyed by tenant id). */
export async function staleWebhookSecrets(
  sql: Sql,
  tenantId: string,
  currentKeyId: string,
  afterId: string,
): Promise<StaleChannelRow[]> {
  return await sql<StaleChannelRow[]>`
    SELECT tenant_id AS id, secret_key_id AS key_id, secret_ciphertext
    FROM github_webhooks
    WHERE tenant_id = ${tenantId} AND secret_key_id <> ${currentKeyId} AND tenant_id > ${afterId}
    FOR UPDATE`;
}

export async function storeWebhookSecretIfKey(
  sql: Sql,
  tenantId: string,
  fromKeyId: string,
  next: { ciphertext: Uint8Array; keyId: string },
): Promise<boolean> {
  const rows = await sql`
    UPDATE github_webhooks SET secret_ciphertext = ${next.ciphertext}, secret_key_id = ${next.keyId}
    WHERE tenant_id = ${tenantId} AND secret_key_id = ${fromKeyId}
    RETURNING tenant_id`;
  return rows.length === 1;
}
