/**
 * CSRF defence for cookie-authenticated requests: every unsafe request must
 * come from our own origin (Origin, or Sec-Fetch-Site when Origin is absent),
 * and a cookie-authenticated one must also carry the session's CSRF token in
 * `X-CSRF-Token` (htmx sends it on every request) or a `_csrf` form field.
 * SameSite=Lax alone is not enough: same-site is not same-origin.
 * Bearer-authenticated requests carry no ambient credential and are exempt.
 */
import type { Context, MiddlewareHandler } from "hono";
import { hmacSha256, timingSafeEqual, toBase64Url } from "../../services/auth/tokens.ts";
import { ForbiddenError } from "../../services/platform/errors.ts";
import type { AppEnv } from "../deps.ts";
import { publicOrigin } from "../client.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export async function csrfTokenFor(secret: string, sessionId: string): Promise<string> {
  return toBase64Url(await hmacSha256(secret, `csrf:${sessionId}`));
}

export function selfOrigin(c: Context<AppEnv>): string {
  return publicOrigin(c);
}

export function csrfProtection(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE.has(c.req.method) || c.get("authVia") === "bearer") return next();
    // Heartbeat pings carry their secret in the URL and act on no ambient credential.
    if (c.req.path.startsWith("/api/v1/heartbeats/")) return next();
    const origin = c.req.header("Origin");
    if (origin !== undefined ? origin !== selfOrigin(c) : c.req.header("Sec-Fetch-Site") === "cross-site") {
      throw new ForbiddenError("Cross-origin request refused");
    }
    const principal = c.get("principal");
    if (principal?.sessionId && c.get("authVia") === "cookie") {
      const expected = new TextEncoder().encode(await csrfTokenFor(c.get("deps").secret, principal.sessionId));
      const sent = c.req.header("X-CSRF-Token") ?? await formToken(c);
      if (!sent || !timingSafeEqual(new TextEncoder().encode(sent), expected)) {
        throw new ForbiddenError("Missing or wrong CSRF token; reload the page and try again");
      }
    }
    await next();
  };
}

async function formToken(c: Context<AppEnv>): Promise<string | undefined> {
  const type = c.req.header("Content-Type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) {
    return undefined;
  }
  const value = (await c.req.parseBody())["_csrf"];
  return typeof value === "string" ? value : undefined;
}
