/**
 * The API rate limit (services/rate_limit.ts) on /api/: per API key or
 * session, and per client IP (through trusted proxies). Every answer carries
 * `RateLimit-Policy` and `RateLimit`; past the budget, 429 problem+json with
 * `Retry-After` as well. One limiter set per app, made on the first request
 * with the app's pool: the counts are shared with the other replicas.
 */
import type { MiddlewareHandler } from "hono";
import { AppError } from "../../services/platform/errors.ts";
import {
  limitHeader,
  policyHeader,
  type RateDecision,
  type RateLimiter,
  sharedRateLimiter,
} from "../../services/platform/rate_limit.ts";
import type { Config } from "../../services/platform/config.ts";
import { clientIp } from "../client.ts";
import type { AppEnv } from "../deps.ts";

export function apiRateLimit(config: Pick<Config, "apiRateLimit" | "apiRateLimitIp">): MiddlewareHandler<AppEnv> {
  let limiters: { byKey: RateLimiter; byIp: RateLimiter } | undefined;
  return async (c, next) => {
    if (!c.req.path.startsWith("/api/")) return next();
    const sql = c.get("deps").sql;
    limiters ??= {
      byKey: sharedRateLimiter(sql, { name: "key", limit: config.apiRateLimit, windowSeconds: 60 }),
      byIp: sharedRateLimiter(sql, { name: "ip", limit: config.apiRateLimitIp, windowSeconds: 60 }),
    };
    const { byKey, byIp } = limiters;
    const now = c.get("deps").now().getTime();
    const principal = c.get("principal");
    const key = principal ? principal.apiKeyId ?? principal.sessionId ?? principal.userId : undefined;
    const ip = byIp.policy.limit > 0 ? clientIp(c) : undefined;
    const decisions: RateDecision[] = [];
    if (key && byKey.policy.limit > 0) decisions.push(byKey.take(key, now));
    if (ip) decisions.push(byIp.take(ip, now));
    if (decisions.length === 0) return next();
    const tightest = decisions.reduce((a, b) => (!b.allowed && a.allowed) || b.remaining < a.remaining ? b : a);
    const headers = {
      "RateLimit-Policy": policyHeader(decisions.map((d) => d.policy)),
      "RateLimit": limitHeader(tightest),
    };
    const refused = decisions.find((d) => !d.allowed);
    if (refused) {
      throw new AppError(
        429,
        "Too many requests",
        `Rate limit of ${refused.policy.limit} requests a minute per ${
          refused.policy.name === "key" ? "API key or session" : "client address"
        } reached; try again in ${refused.resetSeconds} s`,
        undefined,
        { ...headers, "RateLimit": limitHeader(refused), "Retry-After": String(refused.resetSeconds) },
      );
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
