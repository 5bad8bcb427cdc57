/** A user's own sessions: list them ("this device" marked) and end any one of them. */
import type { Sql } from "../../db/client.ts";
import { listActiveSessions, revokeOwnSession, type SessionListRow } from "../../db/queries/sessions.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import type { Principal } from "../auth/permissions.ts";
import { SESSION_IDLE_MS } from "../auth/sessions.ts";
import { NotFoundError } from "../platform/errors.ts";
import { decodeIdCursor, type Page, toPage } from "../platform/pagination.ts";
import { requireSession } from "./profile.ts";

export interface SessionView extends SessionListRow {
  current: boolean;
}

/** Sessions that still work: not revoked, not past their absolute expiry, not idle too long. */
export async function listMySessions(
  sql: Sql,
  actor: Principal,
  o: { limit: number; cursor?: string; now: Date },
): Promise<Page<SessionView>> {
  requireSession(actor, "Listing your sessions");
  const afterId = decodeIdCursor<[string]>(o.cursor, ["string"])?.[0];
  const rows = await withTenant(sql, actor.tenantId, (tx) =>
    listActiveSessions(tx, {
      tenantId: actor.tenantId,
      userId: actor.userId,
      now: o.now,
      idleBefore: new Date(o.now.getTime() - SESSION_IDLE_MS),
      limit: o.limit,
      afterId,
    }));
  const page = toPage(rows, o.limit, (row) => [row.id]);
  return { ...page, data: page.data.map((row) => ({ ...row, current: row.id === actor.sessionId })) };
}

/** Ends one of the caller's sessions; another user's id is a 404. Returns whether it was the caller's own. */
export async function revokeMySession(
  sql: Sql,
  actor: Principal,
  id: string,
  ctx: AuditContext,
): Promise<{ current: boolean }> {
  requireSession(actor, "Ending a session");
  await withTenant(sql, actor.tenantId, async (tx) => {
    const row = await revokeOwnSession(tx, { tenantId: actor.tenantId, userId: actor.userId, id, now: ctx.now });
    if (!row) throw new NotFoundError("No such session");
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: "session.revoke",
      resourceType: "session",
      resourceId: id,
    });
  });
  return { current: id === actor.sessionId };
}
