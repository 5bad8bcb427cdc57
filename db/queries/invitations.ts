/**
 * Invitation links. Only the SHA-256 of the token in the link is stored;
 * `accepted_at` makes a link single-use, `expires_at` bounds its life.
 */
import type { Sql } from "../client.ts";
import type { UserStatus } from "./users.ts";

export async function insertInvitation(
  sql: Sql,
  i: { tenantId: string; userId: string; tokenHash: Uint8Array; expiresAt: Date; now: Date },
): Promise<{ id: string; expires_at: Date }> {
  const [row] = await sql<{ id: string; expires_at: Date }[]>`
    INSERT INTO invitations (tenant_id, user_id, token_hash, expires_at, created_at)
    VALUES (${i.tenantId}, ${i.userId}, ${i.tokenHash}, ${i.expiresAt}, ${i.now})
    RETURNING id, expires_at`;
  return row;
}

export interface InvitationLookup {
  id: string;
  tenant_id: string;
  user_id: string;
  expires_at: Date;
  accepted_at: Date | null;
  email: string;
  name: string | null;
  status: UserStatus;
  tenant_name: string;
}

/**
 * The invitation behind a link. The tenant is not known yet (the visitor is
 * signed out), so this runs on the owner connection and matches the unique hash.
 */
export async function findInvitationByTokenHash(
  sql: Sql,
  tokenHash: Uint8Array,
): Promise<InvitationLookup | undefined> {
  const [row] = await sql<InvitationLookup[]>`
    SELECT i.id, i.tenant_id, i.user_id, i.expires_at, i.accepted_at, u.email, u.name, u.status, t.name AS tenant_name
    FROM invitations i
    JOIN users u ON u.id = i.user_id AND u.tenant_id = i.tenant_id
    JOIN tenants t ON t.id = i.tenant_id
    WHERE i.token_hash = ${tokenHash}`;
  return row;
}

/** The newest invitation of an invited user that is neither accepted nor expired. */
export async function findOpenInvitation(
  sql: Sql,
  tenantId: string,
  userId: string,
  now: Date,
): Promise<{ id: string } | undefined> {
  const [row] = await sql<{ id: string }[]>`
    SELECT id FROM invitations
    WHERE tenant_id = ${tenantId} AND user_id = ${userId} AND accepted_at IS NULL AND expires_at > ${now}
    ORDER BY created_at DESC
    LIMIT 1`;
  return row;
}

/** Marks a live invitation used; returns nothing when it was used or expired meanwhile (a concurrent accept). */
export async function claimInvitation(sql: Sql, tenantId: string, id: string, now: Date): Promise<boolean> {
  const rows = await sql`
    UPDATE invitations SET accepted_at = ${now}
    WHERE id = ${id} AND tenant_id = ${tenantId} AND accepted_at IS NULL AND expires_at > ${now}
    RETURNING id`;
  return rows.length > 0;
}

/** Ends a user's open links when a new one is issued, so only the newest works. */
export async function expireOpenInvitations(sql: Sql, tenantId: string, userId: string, now: Date): Promise<number> {
  const rows = await sql`
    UPDATE invitations SET expires_at = ${now}
    WHERE tenant_id = ${tenantId} AND user_id = ${userId} AND accepted_at IS NULL AND expires_at > ${now}
    RETURNING id`;
  return rows.length;
}
