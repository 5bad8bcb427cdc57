/**
 * The tenant's user-sync settings: the Clerk webhook signing secret (pasted
 * from Clerk's dashboard, "whsec_…"), sealed at rest with the key GitHub
 * webhook secrets use and bound to the tenant by the additional data.
 * Needs settings:manage; the secret is never shown again.
 */
import type { Sql } from "../../db/client.ts";
import {
  getUserSyncSettings,
  hasScimToken,
  recentSyncAudits,
  staleClerkSecrets,
  storeClerkSecret,
  storeClerkSecretIfKey,
  storeScimTokenHash,
  type UserSyncSettingsRow,
} from "../../db/queries/user_sync.ts";
import { randomToken, sha256 } from "../auth/tokens.ts";
import { getTenant } from "../../db/queries/tenants.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { webhookKeyring } from "../github/secret.ts";
import type { Keyring } from "../platform/secrets/crypto.ts";

const aad = (tenantId: string) => `user_sync_settings.clerk_secret:${tenantId}`;

export async function openClerkSecret(
  keys: { secret: string; previousSecrets?: readonly string[] },
  row: UserSyncSettingsRow,
): Promise<string> {
  const keyring = await webhookKeyring({ current: keys.secret, previous: keys.previousSecrets });
  return await keyring.decrypt(
    { ciphertext: new Uint8Array(row.clerk_secret_ciphertext!), keyId: row.clerk_secret_key_id! },
    aad(row.tenant_id),
  );
}

export interface UserSyncStatus {
  clerk_configured: boolean;
  /** What to paste into Clerk's webhook endpoint. */
  clerk_webhook_url: string;
  updated_at: string | null;
}

export async function userSyncStatus(sql: Sql, principal: Principal, origin: string): Promise<UserSyncStatus> {
  authorize(principal, "settings", "manage");
  const [row, tenant] = await withTenant(
    sql,
    principal.tenantId,
    (tx) => Promise.all([getUserSyncSettings(tx, principal.tenantId), getTenant(tx, principal.tenantId)]),
  );
  return {
    clerk_configured: Boolean(row?.clerk_secret_ciphertext),
    clerk_webhook_url: `${origin}/hooks/clerk/${encodeURIComponent(tenant!.slug)}`,
    updated_at: row?.updated_at.toISOString() ?? null,
  };
}

/** PUT /api/v1/user-sync/clerk: stores (or, with null, removes) the signing secret. */
export async function setClerkSecret(
  sql: Sql,
  principal: Principal,
  secret: string | null,
  keys: { secret: string; previousSecrets?: readonly string[] },
  ctx: AuditContext,
): Promise<void> {
  authorize(principal, "settings", "manage");
  const keyring = await webhookKeyring({ current: keys.secret, previous: keys.previousSecrets });
  const sealed = secret ? await keyring.encrypt(secret, aad(principal.tenantId)) : null;
  await withTenant(sql, principal.tenantId, async (tx) => {
    await storeClerkSecret(tx, principal.tenantId, sealed);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: secret ? "user_sync.clerk_secret_set" : "user_sync.clerk_secret_remove",
      resourceType: "user_sync_settings",
      resourceId: principal.tenantId,
    });
  });
}

/** POST /api/v1/user-sync/scim-token: a new SCIM bearer token (the old one stops at once); shown once. */
export async function rotateScimToken(sql: Sql, principal: Principal, ctx: AuditContext): Promise<string> {
  const token = `osc_${randomToken(32)}`;
  await storeScimToken(sql, principal, ctx, await sha256(token), "user_sync.scim_token_rotate");
  return token;
}

/** The settings page: the API's status plus whether a SCIM token is set and what Clerk and SCIM changed lately. */
export async function userSyncPageData(sql: Sql, principal: Principal, origin: string) {
  const status = await userSyncStatus(sql, principal, origin);
  const [scimConfigured, recent] = await withTenant(
    sql,
    principal.tenantId,
    (tx) => Promise.all([hasScimToken(tx, principal.tenantId), recentSyncAudits(tx, principal.tenantId)]),
  );
  return { ...status, scim_configured: scimConfigured, scim_base_url: `${origin}/scim/v2`, recent };
}

/** Revokes the SCIM token: the directory's calls get 401 from now on. */
export async function revokeScimToken(sql: Sql, principal: Principal, ctx: AuditContext): Promise<void> {
  await storeScimToken(sql, principal, ctx, null, "user_sync.scim_token_revoke");
}

async function storeScimToken(
  sql: Sql,
  principal: Principal,
  ctx: AuditContext,
  hash: Uint8Array | null,
  action: "user_sync.scim_token_rotate" | "user_sync.scim_token_revoke",
): Promise<void> {
  authorize(principal, "settings", "manage");
  await withTenant(sql, principal.tenantId, async (tx) => {
    await storeScimTokenHash(tx, principal.tenantId, hash);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action,
      resourceType: "user_sync_settings",
      resourceId: principal.tenantId,
    });
  });
}

/** `deno task secrets:rotate`'s walk over the tenant's Clerk secret (services/platform/secrets/rotate.ts). */
export function clerkSecretRotation(tx: Sql, tenantId: string, keys: Keyring) {
  return {
    batch: (afterId: string) => staleClerkSecrets(tx, tenantId, keys.currentKeyId, afterId),
    reseal: async (row: { id: string; key_id: string; ciphertext: Uint8Array }) => {
      const plain = await keys.decrypt(
        { ciphertext: new Uint8Array(row.ciphertext), keyId: row.key_id },
        aad(tenantId),
      );
      return await storeClerkSecretIfKey(tx, tenantId, row.key_id, await keys.encrypt(plain, aad(tenantId)));
    },
  };
}
