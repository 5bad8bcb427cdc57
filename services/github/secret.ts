/**
 * The tenant's GitHub webhook secret: generated here (never chosen by hand,
 * so it is long and random), shown once, stored encrypted so the webhook can
 * compute HMACs with it.
 */
import type { Sql } from "../../db/client.ts";
import { getWebhookSecret, storeWebhookSecret, type WebhookSecretRow } from "../../db/queries/github_webhooks.ts";
import { getTenant } from "../../db/queries/tenants.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { randomToken } from "../auth/tokens.ts";
import { createKeyring, type Keyring } from "../platform/secrets/crypto.ts";

/**
 * Webhook secrets share the key of notification channel secrets (both are
 * webhook signing secrets); the additional data binds each ciphertext to its
 * tenant's row, so it cannot be moved to another tenant or column.
 */
export function webhookKeyring(secrets: { current: string; previous?: readonly string[] }): Promise<Keyring> {
  return createKeyring(secrets, "notification_channel_secrets");
}

export function webhookSecretAad(tenantId: string): string {
  return `github_webhooks.secret:${tenantId}`;
}

export async function openWebhookSecret(keyring: Keyring, row: WebhookSecretRow): Promise<string> {
  return await keyring.decrypt(
    { ciphertext: new Uint8Array(row.secret_ciphertext), keyId: row.secret_key_id },
    webhookSecretAad(row.tenant_id),
  );
}

export interface WebhookStatus {
  configured: boolean;
  updated_at: string | null;
  /** What to paste into GitHub's "Payload URL". */
  payload_url: string;
}

/** Whether the tenant has a secret yet (the secret itself is never shown again), and the payload URL. */
export async function webhookStatus(sql: Sql, principal: Principal, origin: string): Promise<WebhookStatus> {
  authorize(principal, "settings", "manage");
  const [row, tenant] = await withTenant(
    sql,
    principal.tenantId,
    (tx) => Promise.all([getWebhookSecret(tx, principal.tenantId), getTenant(tx, principal.tenantId)]),
  );
  return {
    configured: row !== undefined,
    updated_at: row?.updated_at.toISOString() ?? null,
    payload_url: `${origin}/hooks/github?tenant=${encodeURIComponent(tenant!.slug)}`,
  };
}

/** Generates a new secret (replacing any old one, which stops verifying at once); returns it for showing once. */
export async function rotateWebhookSecret(
  sql: Sql,
  principal: Principal,
  keyring: Keyring,
  ctx: AuditContext,
): Promise<string> {
  authorize(principal, "settings", "manage");
  const secret = `odw_${randomToken(32)}`;
  const sealed = await keyring.encrypt(secret, webhookSecretAad(principal.tenantId));
  await withTenant(sql, principal.tenantId, async (tx) => {
    const existed = (await getWebhookSecret(tx, principal.tenantId)) !== undefined;
    await storeWebhookSecret(tx, principal.tenantId, sealed, ctx.now);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: existed ? "github_webhook.rotate_secret" : "github_webhook.create_secret",
      resourceType: "github_webhook",
      resourceId: principal.tenantId,
    });
  });
  return secret;
}
