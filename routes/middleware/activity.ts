/**
 * Product activity (seed 003 user_activity): after the response is made, one
 * event per signed-in request handed to the in-memory recorder
 * (services/insights/activity_recorder.ts), which writes in batches off the
 * request path. Failed requests, static files and probes are not activity.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../deps.ts";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const SKIP = /^\/(static|healthz|readyz|metrics)(\/|$)/;

export function recordActivity(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const recorder = c.get("deps").activity;
    const principal = c.get("principal");
    if (!recorder || !principal || c.res.status >= 400 || SKIP.test(c.req.path)) return;
    const api = c.req.path.startsWith("/api/");
    const segments = c.req.path.replace(/^\/api\/v1/, "").split("/").filter(Boolean);
    const write = c.req.method !== "GET" && c.req.method !== "HEAD";
    recorder.record({
      tenant_id: principal.tenantId,
      user_id: principal.userId,
      session_id: principal.sessionId ?? null,
      activity_type: api ? (write ? "api_write" : "api_read") : (write ? "page_write" : "page_view"),
      resource_type: (segments[0] ?? "overview").slice(0, 100),
      resource_id: c.req.path.match(UUID)?.[0] ?? null,
      at: c.get("deps").now(),
    });
  };
}
