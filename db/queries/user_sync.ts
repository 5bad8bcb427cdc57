import type { Sql } from "../client.ts";
import type { UserRow, UserStatus } from "./users.ts";

export interface UserSyncSettingsRow {
  tenant_id: string;
  clerk_secret_ciphertext: Uint8Array | null;
  clerk_secret_key_id: string | null;
  updated_at: Date;
}

export async function getUserSyncSettings(sql: Sql, tenantId: string): Promise<UserSyncSettingsRow | undefined> {
  const [row] = await sql<UserSyncSettingsRow[]>`
    SELECT tenant_id, clerk_secret_ciphertext, clerk_secret_key_id, updated_at FROM user_sync_settings
    WHERE tenant_id = ${tenantId}`;
  return row;
}

export async function storeClerkSecret(
  sql: Sql,
  tenantId: string,
  sealed: { ciphertext: Uint8Array; keyId: string } | null,
): Promise<void> {
  await sql`
    INSERT INTO user_sync_settings (tenant_id, clerk_secret_ciphertext, clerk_secret_key_id)
    VALUES (${tenantId}, ${sealed?.ciphertext ?? null}, ${sealed?.keyId ?? null})
    ON CONFLICT (tenant_id) DO UPDATE
      SET clerk_secret_ciphertext = EXCLUDED.clerk_secret_ciphertext, clerk_secret_key_id = EXCLUDED.clerk_secret_key_id`;
}

/** The tenant a webhook URL names, by slug (owner connection: no tenant is known yet). */
export async function tenantIdBySlug(sql: Sql, slug: string): Promise<string | undefined> {
  const [row] = await sql<{ id: string }[]>`SELECT id FROM tenants WHERE slug = ${slug}`;
  return row?.id;
}

/** SCIM externalIds are the customer's directory's ids: scoped to the tenant, so two tenants may share one. */
const issuerOf = (provider: "clerk" | "scim", tenantId: string) => provider === "scim" ? `scim:${tenantId}` : provider;

/** The user linked to an external identity of `provider` with `subject`. */
export async function userIdByIdentity(
  sql: Sql,
  tenantId: string,
  provider: "clerk" | "scim",
  subject: string,
): Promise<string | undefined> {
  const [row] = await sql<{ user_id: string }[]>`
    SELECT user_id FROM external_identities
    WHERE tenant_id = ${tenantId} AND provider = ${provider} AND issuer = ${issuerOf(provider, tenantId)}
      AND subject = ${subject}`;
  return row?.user_id;
}

export async function linkIdentity(
  sql: Sql,
  i: { tenantId: string; userId: string; provider: "clerk" | "scim"; subject: string; email: string },
): Promise<void> {
  await sql`
    INSERT INTO external_identities (tenant_id, user_id, provider, issuer, subject, email)
    VALUES (${i.tenantId}, ${i.userId}, ${i.provider}, ${issuerOf(i.provider, i.tenantId)}, ${i.subject}, ${i.email})
    ON CONFLICT (provider, issuer, subject) DO UPDATE SET email = EXCLUDED.email`;
}

/** A user of the tenant by e-mail (any status), to link instead of creating a second account. */
export async function userIdByEmail(sql: Sql, tenantId: string, email: string): Promise<string | undefined> {
  const [row] = await sql<{ id: string }[]>`
    SELECT id FROM users WHERE tenant_id = ${tenantId} AND lower(email) = lower(${email})`;
  return row?.id;
}

/** Name, e-mail, status and role as the directory says; returns the row before and after. */
export async function applyDirectoryUser(
  sql: Sql,
  tenantId: string,
  id: string,
  u: { email: string; name: string | null; status: UserStatus; roleId: string },
): Promise<{ before: Pick<UserRow, "email" | "name" | "status" | "role_id">; changed: boolean }> {
  const [before] = await sql<Pick<UserRow, "email" | "name" | "status" | "role_id">[]>`
    SELECT email, name, status, role_id FROM users WHERE tenant_id = ${tenantId} AND id = ${id} FOR UPDATE`;
  const changed = before.email !== u.email.toLowerCase() || before.name !== u.name || before.status !== u.status ||
    before.role_id !== u.roleId;
  if (changed) {
    await sql`
      UPDATE users SET email = ${u.email.toLowerCase()}, name = ${u.name}, status = ${u.status}, role_id = ${u.roleId}
      WHERE tenant_id = ${tenantId} AND id = ${id}`;
  }
  return { before, changed };
}

/** Revokes every API key the user owns, at once; returns how many. */
export async function revokeUserApiKeys(sql: Sql, tenantId: string, userId: string, now: Date): Promise<number> {
  const rows = await sql`
    UPDATE api_keys SET revoked_at = ${now}
    WHERE tenant_id = ${tenantId} AND user_id = ${userId} AND revoked_at IS NULL
    RETURNING id`;
  return rows.length;
}

export interface UserDataRow {
  key: string;
  value: string;
  updated_at: Date;
}

export async function listUserData(sql: Sql, tenantId: string, userId: string): Promise<UserDataRow[]> {
  return await sql<UserDataRow[]>`
    SELECT key, value, updated_at FROM user_data WHERE tenant_id = ${tenantId} AND user_id = ${userId} ORDER BY key`;
}

export async function putUserData(
  sql: Sql,
  tenantId: string,
  userId: string,
  key: string,
  value: string,
): Promise<string | undefined> {
  const [old] = await sql<{ value: string }[]>`
    SELECT value FROM user_data WHERE tenant_id = ${tenantId} AND user_id = ${userId} AND key = ${key} FOR UPDATE`;
  await sql`
    INSERT INTO user_data (tenant_id, user_id, key, value) VALUES (${tenantId}, ${userId}, ${key}, ${value})
    ON CONFLICT (tenant_id, user_id, key) DO UPDATE SET value = EXCLUDED.value`;
  return old?.value;
}

export async function deleteUserData(
  sql: Sql,
  tenantId: string,
  userId: string,
  key: string,
): Promise<string | undefined> {
  const [row] = await sql<{ value: string }[]>`
    DELETE FROM user_data WHERE tenant_id = ${tenantId} AND user_id = ${userId} AND key = ${key} RETURNING value`;
  return row?.value;
}

/** Whether a SCIM token is set (the page says so; the token itself is never kept). */
export async function hasScimToken(sql: Sql, tenantId: string): Promise<boolean> {
  const rows = await sql`
    SELECT 1 FROM user_sync_settings WHERE tenant_id = ${tenantId} AND scim_token_hash IS NOT NULL`;
  return rows.length > 0;
}

/** The latest changes made by Clerk webhooks or the SCIM client (audit rows by actor label), newest first. */
export async function recentSyncAudits(
  sql: Sql,
  tenantId: string,
  limit = 10,
): Promise<{ action: string; actor_label: string; who: string | null; created_at: Date }[]> {
  return await sql<{ action: string; actor_label: string; who: string | null; created_at: Date }[]>`
    SELECT a.action, a.actor_label, coalesce(u.email, r.name) AS who, a.created_at
    FROM audits a
    LEFT JOIN users u ON a.resource_type = 'user' AND u.tenant_id = a.tenant_id AND u.id::text = a.resource_id
    LEFT JOIN roles r ON a.resource_type = 'role' AND r.id::text = a.resource_id
    WHERE a.tenant_id = ${tenantId} AND a.actor_user_id IS NULL AND a.actor_label IN ('clerk', 'scim')
    ORDER BY a.seq DESC LIMIT ${limit}`;
}

export async function storeScimTokenHash(sql: Sql, tenantId: string, hash: Uint8Array | null): Promise<void> {
  await sql`
    INSERT INTO user_sync_settings (tenant_id, scim_token_hash) VALUES (${tenantId}, ${hash})
    ON CONFLICT (tenant_id) DO UPDATE SET scim_token_hash = EXCLUDED.scim_token_hash`;
}

/** The tenant whose SCIM token hashes to `hash` (owner connection). */
export async function tenantByScimToken(sql: Sql, hash: Uint8Array): Promise<string | undefined> {
  const [row] = await sql<{ tenant_id: string }[]>`
    SELECT tenant_id FROM user_sync_settings WHERE scim_token_hash = ${hash}`;
  return row?.tenant_id;
}

export interface DirectoryUserRow {
  id: string;
  email: string;
  name: string | null;
  status: UserStatus;
  role_id: string;
  external_id: string | null;
  created_at: Date;
}

/** The tenant's users as a directory sees them (super-admins left out: they belong to the install). */
export async function listDirectoryUsers(sql: Sql, tenantId: string, id?: string): Promise<DirectoryUserRow[]> {
  return await sql<DirectoryUserRow[]>`
    SELECT u.id, u.email, u.name, u.status, u.role_id, i.subject AS external_id, u.created_at
    FROM users u
    LEFT JOIN external_identities i ON i.tenant_id = u.tenant_id AND i.user_id = u.id AND i.provider = 'scim'
    WHERE u.tenant_id = ${tenantId} AND NOT u.super_admin ${id ? sql`AND u.id = ${id}` : sql``}
    ORDER BY u.created_at, u.id
    LIMIT 2000`;
}

/** The tenant's Clerk secret when a non-current key sealed it (one row per tenant, keyed by tenant id). */
export async function staleClerkSecrets(
  sql: Sql,
  tenantId: string,
  currentKeyId: string,
  afterId: string,
): Promise<{ id: string; key_id: string; ciphertext: Uint8Array }[]> {
  return await sql<{ id: string; key_id: string; ciphertext: Uint8Array }[]>`
    SELECT tenant_id AS id, clerk_secret_key_id AS key_id, clerk_secret_ciphertext AS ciphertext
    FROM user_sync_settings
    WHERE tenant_id = ${tenantId} AND clerk_secret_key_id <> ${currentKeyId} AND tenant_id > ${afterId}
    FOR UPDATE`;
}

export async function storeClerkSecretIfKey(
  sql: Sql,
  tenantId: string,
  fromKeyId: string,
  next: { ciphertext: Uint8Array; keyId: string },
): Promise<boolean> {
  const rows = await sql`
    UPDATE user_sync_settings SET clerk_secret_ciphertext = ${next.ciphertext}, clerk_secret_key_id = ${next.keyId}
    WHERE tenant_id = ${tenantId} AND clerk_secret_key_id = ${fromKeyId}
    RETURNING tenant_id`;
  return rows.length === 1;
}
