/**
 * Accounts at identity providers, and the tenant lookup that single sign-on
 * needs to provision a user just in time. The lookup by
 * (provider, issuer, subject) runs before any tenant is known, on the owner
 * connection; everything that writes runs inside `withTenant`.
 */
import type { Sql } from "../client.ts";

export interface IdentityMatch {
  id: string;
  tenant_id: string;
  user_id: string;
  user_email: string;
  user_status: "invited" | "active" | "suspended" | "inactive";
}

/** Sign in with a provider: the linked user, if any (unique on provider, issuer, subject). */
export async function findIdentityBySubject(
  sql: Sql,
  key: { provider: string; issuer: string; subject: string },
): Promise<IdentityMatch | undefined> {
  const [row] = await sql<IdentityMatch[]>`
    SELECT i.id, i.tenant_id, i.user_id, u.email AS user_email, u.status AS user_status
    FROM external_identities i
    JOIN users u ON u.id = i.user_id AND u.tenant_id = i.tenant_id
    WHERE i.provider = ${key.provider} AND i.issuer = ${key.issuer} AND i.subject = ${key.subject}`;
  return row;
}

/** Encrypted token columns; `keyId` names the key of both (NULL when neither is set). */
export interface IdentityTokens {
  accessTokenCiphertext: Uint8Array | null;
  refreshTokenCiphertext: Uint8Array | null;
  keyId: string | null;
  tokenExpiresAt: Date | null;
  scopes: string[];
}

export async function insertIdentity(
  sql: Sql,
  i: {
    id: string;
    tenantId: string;
    userId: string;
    provider: string;
    issuer: string;
    subject: string;
    email: string | null;
  } & IdentityTokens,
): Promise<{ id: string }> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO external_identities (id, tenant_id, user_id, provider, issuer, subject, email,
                                     access_token_ciphertext, refresh_token_ciphertext, key_id, token_expires_at, scopes)
    VALUES (${i.id}, ${i.tenantId}, ${i.userId}, ${i.provider}, ${i.issuer}, ${i.subject}, ${i.email},
            ${i.accessTokenCiphertext}, ${i.refreshTokenCiphertext}, ${i.keyId}, ${i.tokenExpiresAt}, ${i.scopes})
    RETURNING id`;
  return row;
}

/** Fresh tokens (and the address the provider now reports) after each sign-in. */
export async function updateIdentityTokens(
  sql: Sql,
  tenantId: string,
  id: string,
  t: IdentityTokens & { email: string | null },
): Promise<boolean> {
  const rows = await sql`
    UPDATE external_identities
    SET email = ${t.email}, access_token_ciphertext = ${t.accessTokenCiphertext},
        refresh_token_ciphertext = ${t.refreshTokenCiphertext}, key_id = ${t.keyId},
        token_expires_at = ${t.tokenExpiresAt}, scopes = ${t.scopes}
    WHERE id = ${id} AND tenant_id = ${tenantId}
    RETURNING id`;
  return rows.length === 1;
}

/** OIDC_TENANT → the tenant that just-in-time users join (owner connection: no tenant yet). */
export async function findTenantIdBySlug(sql: Sql, slug: string): Promise<string | undefined> {
  const [row] = await sql<{ id: string }[]>`SELECT id FROM tenants WHERE slug = ${slug}`;
  return row?.id;
}
