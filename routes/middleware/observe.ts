/**
 * Request ids, one JSON access-log line per request, and the HTTP metrics.
 * Labels use the matched route pattern (`/api/v1/projects/:id`), never the
 * raw path, so the metric's cardinality stays bounded.
 */
import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Logger } from "../../services/platform/logger.ts";
import type { HttpMetrics } from "../../services/platform/prometheus.ts";
import { isOperationsPath } from "./admission.ts";
import { clientIp } from "../client.ts";

export function observe(logger: Logger, metrics: HttpMetrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const route = matchedRoute(c);
      const status = c.res.status;
      metrics.requests.inc({ method: c.req.method, route, status: String(status) });
      metrics.duration.observe({ route }, seconds);
      // Probes and scrapes arrive every few seconds from every replica: debug, not info.
      const level = isOperationsPath(c.req.path) ? "debug" : "info";
      if (logger.enabled(level)) {
        logger[level]("request", {
          request_id: c.get("requestId"),
          method: c.req.method,
          path: c.req.path,
          route,
          status,
          duration_ms: Math.round(seconds * 100000) / 100,
          ip: clientIp(c),
          user_agent: c.req.header("User-Agent"),
        });
      }
    }
  };
}

function matchedRoute(c: Context): string {
  const path = routePath(c);
  return !path || path === "*" || path === "/*" ? "unmatched" : path;
}
