/** Headers that make the browser refuse whole classes of attack. */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../deps.ts";
import { isSecure } from "./auth.ts";

const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  // Swagger UI and htmx's swap transitions set inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
];
const CSP = DIRECTIVES.join("; ");

/**
 * The policy with more form targets: a page whose form is answered by a
 * redirect to another origin (Integrations' Connect → the provider's
 * authorize page) must name it, as Chromium checks form-action on redirects.
 * The route sets it on its response; the middleware leaves a route's own policy.
 */
export function cspWithFormTargets(origins: string[]): string {
  return DIRECTIVES.map((d) => d === "form-action 'self'" ? [d, ...origins].join(" ") : d).join("; ");
}

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (!c.res.headers.has("Content-Security-Policy")) c.res.headers.set("Content-Security-Policy", CSP);
    c.res.headers.set("X-Content-Type-Options", "nosniff");
    c.res.headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
    c.res.headers.set("X-Frame-Options", "DENY");
    c.res.headers.set("Cross-Origin-Opener-Policy", "same-origin");
    if (isSecure(c)) c.res.headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  };
}
