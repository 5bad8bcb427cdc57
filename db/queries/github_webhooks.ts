import type { Sql } from "../client.ts";

export interface WebhookSecretRow {
  tenant_id: string;
  secret_ciphertext: Uint8Array;
  secret_key_id: string;
  created_at: Date;
  updated_at: Date;
}

export async function getWebhookSecret(sql: Sql, tenantId: string): Promise<WebhookSecretRow | undefined> {
  const [row] = await sql<WebhookSecretRow[]>`
    SELECT tenant_id, secret_ciphertext, secret_key_id, created_at, updated_at
    FROM github_webhooks WHERE tenant_id = ${tenantId}`;
  return row;
}

export async function storeWebhookSecret(
  sql: Sql,
  tenantId: string,
  sealed: { ciphertext: Uint8Array; keyId: string },
  now: Date,
): Promise<void> {
  await sql`
    INSERT INTO github_webhooks (tenant_id, secret_ciphertext, secret_key_id, created_at, updated_at)
    VALUES (${tenantId}, ${sealed.ciphertext}, ${sealed.keyId}, ${now}, ${now})
    ON CONFLICT (tenant_id) DO UPDATE
      SET secret_ciphertext = EXCLUDED.secret_ciphertext, secret_key_id = EXCLUDED.secret_key_id`;
}

/**
 * Before the signature is checked no tenant is known, so this runs on the
 * owner connection: the secrets of the tenant named by slug, or of every
 * tenant with a project on `repositoryUrl` (projects_repository_key_idx).
 */
export async function candidateWebhookSecrets(
  sql: Sql,
  by: { tenantSlug: string } | { repositoryUrl: string },
): Promise<WebhookSecretRow[]> {
  const match = "tenantSlug" in by
    ? sql`w.tenant_id IN (SELECT id FROM tenants WHERE slug = ${by.tenantSlug})`
    : sql`w.tenant_id IN (SELECT tenant_id FROM projects
                          WHERE opsdeck_repository_key(repository_url) = opsdeck_repository_key(${by.repositoryUrl}))`;
  return await sql<WebhookSecretRow[]>`
    SELECT w.tenant_id, w.secret_ciphertext, w.secret_key_id, w.created_at, w.updated_at
    FROM github_webhooks w WHERE ${match}`;
}

/** The tenant's project linked to a repository: the oldest active one when several share it (a monorepo). */
export async function findProjectIdByRepository(
  sql: Sql,
  tenantId: string,
  repositoryUrl: string,
): Promise<string | undefined> {
  const [row] = await sql<{ id: string }[]>`
    SELECT id FROM projects
    WHERE tenant_id = ${tenantId} AND archived_at IS NULL
      AND opsdeck_repository_key(repository_url) = opsdeck_repository_key(${repositoryUrl})
    ORDER BY created_at, id LIMIT 1`;
  return row?.id;
}
