/**
 * Changing one's own password. The current password is checked again (and
 * wrong guesses count against the same per-account throttle as sign-in).
 * On success every session of the user ends, the one making the request
 * included, and a fresh session is issued in the same transaction: a stolen
 * session token, the usual reason to change a password, dies with the rest.
 * API keys are separate credentials and stay valid (revoke them on the API
 * keys page). docs/security.md records this choice.
 */
import type { Sql } from "../../db/client.ts";
import { getPasswordHash, insertSession, revokeUserSessions, setPasswordHash } from "../../db/queries/auth.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { hashPassword, passwordProblem, verifyPassword } from "../auth/passwords.ts";
import type { Principal } from "../auth/permissions.ts";
import { type NewSession, SESSION_ABSOLUTE_MS } from "../auth/sessions.ts";
import type { LoginThrottles } from "../auth/throttle.ts";
import { randomToken, sha256 } from "../auth/tokens.ts";
import { RateLimitedError, ValidationError } from "../platform/errors.ts";
import { requireSession } from "./profile.ts";
import type { PasswordChange } from "./schemas.ts";

export async function changePassword(
  sql: Sql,
  throttles: LoginThrottles,
  actor: Principal,
  input: PasswordChange,
  ctx: AuditContext,
): Promise<NewSession> {
  requireSession(actor, "Changing your password");
  const now = ctx.now.getTime();
  const attempt = { email: actor.email.toLowerCase(), ip: ctx.ip };
  const wait = await throttles.retryAfterMs(sql, attempt, ctx.now);
  if (wait > 0) throw new RateLimitedError(wait / 1000, "Too many wrong passwords; try again later");

  const stored = await withTenant(sql, actor.tenantId, (tx) => getPasswordHash(tx, actor.tenantId, actor.userId));
  if (!stored) {
    throw new ValidationError([{ path: "current_password", message: "Your account has no password to change" }]);
  }
  if (!await verifyPassword(input.current_password, stored)) {
    await throttles.fail(sql, attempt, ctx.now);
    await withTenant(sql, actor.tenantId, (tx) =>
      recordAudit(tx, ctx, {
        tenantId: actor.tenantId,
        action: "user.password_change_failed",
        resourceType: "user",
        resourceId: actor.userId,
        details: { reason: "wrong_current_password" },
      }));
    throw new ValidationError([{ path: "current_password", message: "is not your current password" }]);
  }
  if (input.new_password === input.current_password) {
    throw new ValidationError([{ path: "new_password", message: "must differ from the current password" }]);
  }
  const problem = await passwordProblem(input.new_password, [actor.email, actor.name ?? ""]);
  if (problem) throw new ValidationError([{ path: "new_password", message: `Password ${problem}` }]);
  const hash = await hashPassword(input.new_password);

  const token = randomToken();
  const expiresAt = new Date(now + SESSION_ABSOLUTE_MS);
  const session = await withTenant(sql, actor.tenantId, async (tx) => {
    await setPasswordHash(tx, actor.tenantId, actor.userId, hash);
    const ended = await revokeUserSessions(tx, actor.userId, ctx.now);
    const row = await insertSession(tx, {
      tenantId: actor.tenantId,
      userId: actor.userId,
      tokenHash: await sha256(token),
      ip: ctx.ip ?? undefined,
      userAgent: ctx.userAgent ?? undefined,
      expiresAt,
      now: ctx.now,
    });
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: "user.password_change",
      resourceType: "user",
      resourceId: actor.userId,
      details: { sessions_ended: ended, new_session_id: row.id },
    });
    return row;
  });
  await throttles.succeed(sql, attempt);
  return { token, sessionId: session.id, expiresAt, userId: actor.userId, tenantId: actor.tenantId };
}
