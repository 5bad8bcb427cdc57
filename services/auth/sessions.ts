/**
 * Signing in and out, and turning a session token or API key into a Principal.
 * Sessions are server-side rows keyed by the SHA-256 of a random token; they
 * end after IDLE_MS without use or ABSOLUTE_MS after login, whichever is first.
 */
import type { Sql } from "../../db/client.ts";
import {
  findActiveApiKey,
  findActiveSession,
  findUserForLogin,
  insertSession,
  type PrincipalRow,
  recordLogin,
  revokeSession,
  touchApiKey,
  touchSession,
} from "../../db/queries/auth.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { RateLimitedError, UnauthorizedError, ValidationError } from "../platform/errors.ts";
import { dummyPasswordHash, PASSWORD_INPUT_MAX, verifyPassword } from "./passwords.ts";
import { narrowToScopes, type Principal } from "./permissions.ts";
import { randomToken, sha256 } from "./tokens.ts";
import type { ApiKeyCache } from "./api_key_cache.ts";
import type { LoginThrottles } from "./throttle.ts";

export const SESSION_IDLE_MS = 12 * 60 * 60_000;
export const SESSION_ABSOLUTE_MS = 14 * 24 * 60 * 60_000;
/** last_seen_at is written at most this often, so reads do not all become writes. */
const TOUCH_EVERY_MS = 60_000;
export const API_KEY_PREFIX = "odk_";

export interface NewSession {
  token: string;
  sessionId: string;
  expiresAt: Date;
  userId: string;
  tenantId: string;
}

const INVALID = "Email or password is incorrect";

/**
 * Checks a password and opens a session. Unknown users, wrong passwords and
 * inactive accounts get the same message after the same amount of hashing.
 */
export async function login(
  sql: Sql,
  throttles: LoginThrottles,
  input: { email: string; password: string },
  ctx: AuditContext,
): Promise<NewSession> {
  const email = input.email.trim().toLowerCase();
  if (input.password.length > PASSWORD_INPUT_MAX) {
    throw new ValidationError([{ path: "password", message: `must be at most ${PASSWORD_INPUT_MAX} characters` }]);
  }
  const attempt = { email, ip: ctx.ip };
  const wait = await throttles.retryAfterMs(sql, attempt, ctx.now);
  if (wait > 0) throw new RateLimitedError(wait / 1000, "Too many failed sign-ins; try again later");

  const user = await findUserForLogin(sql, email);
  const ok = await verifyPassword(input.password, user?.password_hash ?? await dummyPasswordHash());
  if (!user || !ok || !user.password_hash || user.status !== "active") {
    await throttles.fail(sql, attempt, ctx.now);
    if (user) {
      await withTenant(sql, user.tenant_id, (tx) =>
        recordAudit(tx, { ...ctx, actorLabel: user.email }, {
          tenantId: user.tenant_id,
          action: "session.login_failed",
          resourceType: "user",
          resourceId: user.id,
          details: { reason: !ok ? "wrong_password" : `status_${user.status}` },
        }));
    }
    throw new UnauthorizedError(INVALID);
  }
  await throttles.succeed(sql, attempt);
  return await openSession(sql, user.tenant_id, user.id, { ...ctx, actorLabel: user.email }, "session.login");
}

/** A fresh session (a new token every time: session rotation on login). */
export async function openSession(
  sql: Sql,
  tenantId: string,
  userId: string,
  ctx: AuditContext,
  action: string,
  /** Extra audit details, e.g. `{ via: "oidc" }` for single sign-on. */
  details?: Record<string, unknown>,
): Promise<NewSession> {
  const token = randomToken();
  const expiresAt = new Date(ctx.now.getTime() + SESSION_ABSOLUTE_MS);
  const session = await withTenant(sql, tenantId, async (tx) => {
    const row = await insertSession(tx, {
      tenantId,
      userId,
      tokenHash: await sha256(token),
      ip: ctx.ip ?? undefined,
      userAgent: ctx.userAgent ?? undefined,
      expiresAt,
      now: ctx.now,
    });
    await recordLogin(tx, userId, ctx.now);
    // The one signing in is the actor, whichever face (page, API, single sign-on) they came through.
    const signedIn = { ...ctx, actorUserId: ctx.actor?.userId ?? userId };
    await recordAudit(tx, signedIn, { tenantId, action, resourceType: "session", resourceId: row.id, details });
    return row;
  });
  return { token, sessionId: session.id, expiresAt, userId, tenantId };
}

export async function logout(sql: Sql, principal: Principal, ctx: AuditContext): Promise<void> {
  if (!principal.sessionId) return;
  await withTenant(sql, principal.tenantId, async (tx) => {
    await revokeSession(tx, principal.sessionId!, ctx.now);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "session.logout",
      resourceType: "session",
      resourceId: principal.sessionId,
    });
  });
}

/** A session token (cookie or bearer) → Principal, or undefined when unknown, expired, idle or suspended. */
export async function principalFromSession(sql: Sql, token: string, now: Date): Promise<Principal | undefined> {
  const row = await findActiveSession(sql, await sha256(token), now);
  if (!row || row.status !== "active") return undefined;
  const idle = now.getTime() - row.last_seen_at.getTime();
  if (idle > SESSION_IDLE_MS) return undefined;
  if (idle > TOUCH_EVERY_MS) await touchSession(sql, row.session_id, now);
  return { ...toPrincipal(row, "user"), sessionId: row.session_id };
}

/** An API key → Principal, or undefined when unknown, expired, revoked or its user suspended; `cache` spares the lookup. */
export async function principalFromApiKey(
  sql: Sql,
  cache: ApiKeyCache,
  key: string,
  now: Date,
): Promise<Principal | undefined> {
  let row = cache.get(key, now);
  if (!row) {
    row = await findActiveApiKey(sql, await sha256(key), now);
    if (!row || row.status !== "active") return undefined;
    cache.set(key, row, now);
  }
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > TOUCH_EVERY_MS) {
    row.last_used_at = now;
    await touchApiKey(sql, row.api_key_id, now);
  }
  const principal = toPrincipal(row, "api_key");
  return { ...principal, apiKeyId: row.api_key_id, permissions: narrowToScopes(principal.permissions, row.scopes) };
}

/** A signed-in user (or API key) as the authorization layer sees it, from its principal row. */
export function toPrincipal(row: PrincipalRow, kind: Principal["kind"]): Principal {
  return {
    kind,
    userId: row.user_id,
    tenantId: row.tenant_id,
    email: row.email,
    name: row.name,
    roleId: row.role_id,
    roleName: row.role_name,
    clientId: row.client_id,
    superAdmin: row.super_admin,
    permissions: new Set(row.permissions),
    timeZone: row.time_zone,
  };
}
