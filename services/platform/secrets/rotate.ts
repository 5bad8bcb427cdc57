/**
 * Re-encrypts every stored secret whose key id is not the current key's
 * (`deno task secrets:rotate`). Per tenant, one transaction: rows are read
 * and rewritten in batches (bounded memory, a progress line per batch) and the
 * tenant's one `secrets.rotate` audit row, with the counts, commits with them.
 * A row that no configured key can decrypt is left as it is and reported.
 */
import type { Sql } from "../../../db/client.ts";
import {
  type ProviderTokenTable,
  type StaleChannelRow,
  staleChannelSecrets,
  staleProviderTokens,
  type StaleTokenRow,
  staleWebhookSecrets,
  storeChannelSecret,
  storeProviderTokens,
  storeWebhookSecretIfKey,
  tenantsWithStaleSecrets,
} from "../../../db/queries/secret_rotation.ts";
import { withTenant } from "../../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../../audits/record.ts";
import { createKeyring, type Keyring, SecretDecryptError } from "./crypto.ts";
import { channelSecretAad, identityTokenAad } from "./fields.ts";
import { webhookSecretAad } from "../../github/secret.ts";
import { sourceSecretRotation } from "../../data_sources/secret.ts";
import { clerkSecretRotation } from "../../user_sync/settings.ts";
import { integrationTokenAad } from "../../integrations/tokens.ts";

const FIRST_ID = "00000000-0000-0000-0000-000000000000";

export interface RotationOptions {
  current: string;
  previous: readonly string[];
  batchSize?: number;
  say?: (line: string) => void;
  now?: () => Date;
}

export interface TenantRotation {
  tenantId: string;
  slug: string;
  identities: number;
  channels: number;
  webhooks: number;
  dataSources: number;
  failed: string[];
}

export interface RotationResult {
  tenants: TenantRotation[];
  rotated: number;
  failed: number;
}

export async function rotateSecrets(sql: Sql, options: RotationOptions): Promise<RotationResult> {
  const secrets = { current: options.current, previous: options.previous };
  const identityKeys = await createKeyring(secrets, "external_identity_tokens");
  const channelKeys = await createKeyring(secrets, "notification_channel_secrets");
  const say = options.say ?? (() => {});
  const batchSize = options.batchSize ?? 100;
  const now = options.now ?? (() => new Date());

  const tenants = await tenantsWithStaleSecrets(sql, {
    identities: identityKeys.currentKeyId,
    channels: channelKeys.currentKeyId,
  });
  say(
    `current key ids: external_identities ${identityKeys.currentKeyId}, ` +
      `notification_channels ${channelKeys.currentKeyId}; ${tenants.length} tenant(s) hold older ciphertexts`,
  );
  const results: TenantRotation[] = [];
  for (const tenant of tenants) {
    const result = await withTenant(sql, tenant.id, async (tx) => {
      const r: TenantRotation = {
        tenantId: tenant.id,
        slug: tenant.slug,
        identities: 0,
        channels: 0,
        webhooks: 0,
        dataSources: 0,
        failed: [],
      };
      const walk = <Row extends { id: string }>(
        table: string,
        batch: (afterId: string) => Promise<Row[]>,
        reseal: (row: Row) => Promise<boolean>,
      ) => rotateTable(table, batch, reseal, r.failed, (n) => say(`tenant ${tenant.slug}: ${table} ${n} re-encrypted`));
      // Integration tokens are provider tokens under the same key: counted with the identities'.
      for (const [table, aad] of PROVIDER_TOKEN_TABLES) {
        r.identities += await walk(
          table,
          (afterId) => staleProviderTokens(tx, table, tenant.id, identityKeys.currentKeyId, afterId, batchSize),
          (row) => resealProviderTokens(tx, table, aad, tenant.id, identityKeys, row),
        );
      }
      r.channels = await walk(
        "notification_channels",
        (afterId) => staleChannelSecrets(tx, tenant.id, channelKeys.currentKeyId, afterId, batchSize),
        (row) => resealChannelSecret(tx, tenant.id, channelKeys, row),
      );
      r.webhooks = await walk(
        "github_webhooks",
        (afterId) => staleWebhookSecrets(tx, tenant.id, channelKeys.currentKeyId, afterId),
        (row) => resealWebhookSecret(tx, tenant.id, channelKeys, row),
      );
      // The Clerk signing secret is a webhook secret under the same key: counted with the GitHub one.
      const clerk = clerkSecretRotation(tx, tenant.id, channelKeys);
      r.webhooks += await walk("user_sync_settings", clerk.batch, clerk.reseal);
      const sources = sourceSecretRotation(tx, tenant.id, channelKeys, batchSize);
      r.dataSources = await walk("data_sources", sources.batch, sources.reseal);
      if (r.identities + r.channels + r.webhooks + r.dataSources > 0) {
        const ctx: AuditContext = { actor: null, actorLabel: "secrets:rotate", ip: null, userAgent: null, now: now() };
        await recordAudit(tx, ctx, {
          tenantId: tenant.id,
          action: "secrets.rotate",
          resourceType: "tenant",
          resourceId: tenant.id,
          details: {
            rotated: {
              external_identities: r.identities,
              notification_channels: r.channels,
              github_webhooks: r.webhooks,
              data_sources: r.dataSources,
            },
            failed: r.failed.length,
            new_key_ids: {
              external_identities: identityKeys.currentKeyId,
              notification_channels: channelKeys.currentKeyId,
            },
          },
        });
      }
      return r;
    });
    for (const failure of result.failed) say(`tenant ${tenant.slug}: cannot re-encrypt ${failure}`);
    results.push(result);
  }
  const rotated = results.reduce((n, r) => n + r.identities + r.channels + r.webhooks + r.dataSources, 0);
  const failed = results.reduce((n, r) => n + r.failed.length, 0);
  say(`done: ${rotated} row(s) re-encrypted, ${failed} could not be decrypted`);
  return { tenants: results, rotated, failed };
}

/**
 * Walks one table's stale rows in id order, a batch at a time. `reseal` stores
 * a row's re-encryption and says whether the row was still as read; a row no
 * key can decrypt is added to `failed` and the walk goes on.
 */
async function rotateTable<Row extends { id: string }>(
  table: string,
  batch: (afterId: string) => Promise<Row[]>,
  reseal: (row: Row) => Promise<boolean>,
  failed: string[],
  progress: (done: number) => void,
): Promise<number> {
  let done = 0;
  let afterId = FIRST_ID;
  for (;;) {
    const rows = await batch(afterId);
    if (rows.length === 0) return done;
    for (const row of rows) {
      afterId = row.id;
      try {
        if (await reseal(row)) done++;
      } catch (error) {
        if (!(error instanceof SecretDecryptError)) throw error;
        failed.push(`${table} ${row.id}: ${error.message}`);
      }
    }
    progress(done);
  }
}

type TokenColumn = "access_token" | "refresh_token";
const PROVIDER_TOKEN_TABLES: [ProviderTokenTable, (id: string, column: TokenColumn) => string][] = [
  ["external_identities", identityTokenAad],
  ["integrations", integrationTokenAad],
];

async function resealProviderTokens(
  tx: Sql,
  table: ProviderTokenTable,
  aadOf: (id: string, column: TokenColumn) => string,
  tenantId: string,
  keys: Keyring,
  row: StaleTokenRow,
): Promise<boolean> {
  const reseal = async (value: Uint8Array | null, column: TokenColumn) => {
    if (!value) return null;
    const aad = aadOf(row.id, column);
    const plain = await keys.decrypt({ ciphertext: new Uint8Array(value), keyId: row.key_id }, aad);
    return (await keys.encrypt(plain, aad)).ciphertext;
  };
  const access = await reseal(row.access_token_ciphertext, "access_token");
  const refresh = await reseal(row.refresh_token_ciphertext, "refresh_token");
  return await storeProviderTokens(tx, table, tenantId, row.id, row.key_id, {
    access,
    refresh,
    keyId: keys.currentKeyId,
  });
}

async function resealChannelSecret(tx: Sql, tenantId: string, keys: Keyring, row: StaleChannelRow): Promise<boolean> {
  const aad = channelSecretAad(row.id);
  const plain = await keys.decrypt({ ciphertext: new Uint8Array(row.secret_ciphertext), keyId: row.key_id }, aad);
  return await storeChannelSecret(tx, tenantId, row.id, row.key_id, await keys.encrypt(plain, aad));
}

async function resealWebhookSecret(tx: Sql, tenantId: string, keys: Keyring, row: StaleChannelRow): Promise<boolean> {
  const aad = webhookSecretAad(tenantId);
  const plain = await keys.decrypt({ ciphertext: new Uint8Array(row.secret_ciphertext), keyId: row.key_id }, aad);
  return await storeWebhookSecretIfKey(tx, tenantId, row.key_id, await keys.encrypt(plain, aad));
}
