/**
 * Who is calling: `Authorization: Bearer <odk_ API key | session token>` for
 * scripts, the session cookie for browsers. Sets `principal` (or null) and
 * how it was proven; routes then ask `requirePrincipal(c)`.
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { API_KEY_PREFIX, principalFromApiKey, principalFromSession } from "../../services/auth/sessions.ts";
import type { Principal } from "../../services/auth/permissions.ts";
import { UnauthorizedError } from "../../services/platform/errors.ts";
import type { AuditContext } from "../../services/audits/record.ts";
import type { AppEnv } from "../deps.ts";
import { isOperationsPath } from "./admission.ts";
import { clientIp, publicOrigin } from "../client.ts";

export function sessionCookieName(c: Context<AppEnv>): string {
  return isSecure(c) ? "__Host-opsdeck_session" : "opsdeck_session";
}

/** Cookies are Secure (and `__Host-` prefixed) when Opsdeck is served over https. */
export function isSecure(c: Context<AppEnv>): boolean {
  return publicOrigin(c).startsWith("https:");
}

/**
 * Write routes that cannot change what a principal is made of; every other
 * successful write clears this process's API-key cache when it answers, so a
 * change made here holds for the very next request, before the database's
 * notification (which reaches the other replicas) has arrived.
 */
const AUTH_NEUTRAL_WRITES = ["/api/v1/metrics", "/api/v1/deployments", "/api/v1/heartbeats/"];
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return await identify(c, next);
    await identify(c, next);
    if (c.res.status < 400 && !AUTH_NEUTRAL_WRITES.some((p) => c.req.path.startsWith(p))) {
      c.get("deps").apiKeys.clear();
    }
  };
}

async function identify(c: Context<AppEnv>, next: () => Promise<void>): Promise<void> {
  {
    const { sql, now, apiKeys } = c.get("deps");
    c.set("principal", null);
    c.set("authVia", null);
    // A liveness probe that happens to carry a token must get its 200/503, also while the database is down.
    if (isOperationsPath(c.req.path)) return next();
    // SCIM clients send the tenant's SCIM token, not an Opsdeck key (routes/scim.ts checks it).
    if (c.req.path.startsWith("/scim/")) return next();
    const header = c.req.header("Authorization");
    if (header !== undefined) {
      const match = header.match(/^Bearer ([A-Za-z0-9_\-]{20,200})$/);
      if (!match) throw new UnauthorizedError("Authorization header must be `Bearer <API key or session token>`");
      const token = match[1];
      const principal = token.startsWith(API_KEY_PREFIX)
        ? await principalFromApiKey(sql, apiKeys, token, now())
        : await principalFromSession(sql, token, now());
      if (!principal) throw new UnauthorizedError("The API key or session token is invalid, expired or revoked");
      c.set("principal", principal);
      c.set("authVia", "bearer");
      return next();
    }
    const cookie = getCookie(c, sessionCookieName(c));
    if (cookie) {
      const principal = await principalFromSession(sql, cookie, now());
      if (principal) {
        c.set("principal", principal);
        c.set("authVia", "cookie");
      } else {
        deleteCookie(c, sessionCookieName(c), { path: "/", secure: isSecure(c) });
      }
    }
    await next();
  }
}

export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date) {
  setCookie(c, sessionCookieName(c), token, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: isSecure(c),
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context<AppEnv>) {
  deleteCookie(c, sessionCookieName(c), { path: "/", secure: isSecure(c) });
}

/** The signed-in principal, or a 401. */
export function requirePrincipal(c: Context<AppEnv>): Principal {
  const principal = c.get("principal");
  if (!principal) throw new UnauthorizedError();
  return principal;
}

/** 401 before validation: an anonymous caller learns nothing from these routes' 422s. */
export const signedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
  requirePrincipal(c);
  await next();
};

/** Actor, address and time for the audit row of this request's mutation. */
export function auditContext(c: Context<AppEnv>): AuditContext {
  return {
    actor: c.get("principal"),
    ip: clientIp(c) ?? null,
    userAgent: c.req.header("User-Agent") ?? null,
    now: c.get("deps").now(),
  };
}
