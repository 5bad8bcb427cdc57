/**
 * A user's own sessions, for the sessions page and API. Finding a session by
 * its token and opening one are in auth.ts; these run in the tenant's transaction.
 */
import type { Sql } from "../client.ts";

export interface SessionListRow {
  id: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}

export interface SessionFilter {
  tenantId: string;
  userId: string;
  now: Date;
  /** Sessions last seen before this are idle-expired and no longer listed. */
  idleBefore: Date;
  limit: number;
  /** Keyset cursor: the id of the last row of the previous page. */
  afterId?: string;
}

/** Active sessions, newest first; `limit + 1` rows so the caller can tell whether there is a next page. */
export async function listActiveSessions(sql: Sql, f: SessionFilter): Promise<SessionListRow[]> {
  return await sql<SessionListRow[]>`
    SELECT s.id, host(s.ip) AS ip, s.user_agent, s.created_at, s.last_seen_at, s.expires_at
    FROM sessions s
    WHERE s.tenant_id = ${f.tenantId} AND s.user_id = ${f.userId}
      AND s.revoked_at IS NULL AND s.expires_at > ${f.now} AND s.last_seen_at > ${f.idleBefore}
      ${
    f.afterId
      ? sql`AND (s.created_at, s.id) < (SELECT c.created_at, c.id FROM sessions c
                                         WHERE c.tenant_id = ${f.tenantId} AND c.id = ${f.afterId})`
      : sql``
  }
    ORDER BY s.created_at DESC, s.id DESC
    LIMIT ${f.limit + 1}`;
}

/** Revokes one of the user's own active sessions; undefined when there is none with that id. */
export async function revokeOwnSession(
  sql: Sql,
  s: { tenantId: string; userId: string; id: string; now: Date },
): Promise<{ id: string } | undefined> {
  const [row] = await sql<{ id: string }[]>`
    UPDATE sessions SET revoked_at = ${s.now}
    WHERE tenant_id = ${s.tenantId} AND user_id = ${s.userId} AND id = ${s.id}
      AND revoked_at IS NULL AND expires_at > ${s.now}
    RETURNING id`;
  return row;
}
