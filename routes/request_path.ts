/**
 * The middleware every request passes through, in order, named so that
 * bench/layers_bench.ts can price each one on /healthz against bare Hono
 * (docs/performance.md keeps the table). A layer stays only if it pays.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { getPath } from "hono/utils/url";
import { bodyLimit } from "hono/body-limit";
import { PayloadTooLargeError } from "../services/platform/errors.ts";
import { METRICS_PATH } from "./api/v1/metrics.ts";
import { isCsvUpload } from "./api/v1/data_source_files.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { recordActivity } from "./middleware/activity.ts";
import { admission } from "./middleware/admission.ts";
import { authenticate } from "./middleware/auth.ts";
import { gzipWhenAccepted } from "./middleware/compress.ts";
import { csrfProtection } from "./middleware/csrf.ts";
import { observe } from "./middleware/observe.ts";
import { apiRateLimit } from "./middleware/rate_limit.ts";
import { requestDeadline } from "./middleware/request_deadline.ts";
import { requestId } from "./middleware/request_id.ts";
import { securityHeaders } from "./middleware/security_headers.ts";
import { textRule } from "./middleware/text_rule.ts";
import { BODY_LIMIT_BYTES, problemResponse } from "./problem.ts";
import { publicStatusPages } from "./status_public.tsx";

export function requestPath(deps: AppDeps): [name: string, layer: MiddlewareHandler<AppEnv>][] {
  const defaultBodyLimit = bodyLimit({
    maxSize: BODY_LIMIT_BYTES,
    onError: (c) => problemResponse(c, new PayloadTooLargeError(BODY_LIMIT_BYTES)),
  });
  const ownLimit = (path: string) => path === METRICS_PATH || isCsvUpload(path);
  return [
    // First, so it wraps the finished response.
    ["compress", gzipWhenAccepted()],
    ["request id", requestId()],
    ["access log + metrics", observe(deps.logger, deps.metrics)],
    ["deps", async (c, next) => {
      c.set("deps", deps);
      await next();
    }],
    ["security headers", securityHeaders()],
    ["request deadline", requestDeadline()],
    ["admission", admission({ running: deps.poolMax * 2, queue: deps.config.dbQueueMax })],
    // Metric batches (10,000 points) need more than 1 MiB; routes/api/v1/metrics.ts sets their own limit.
    // CSV uploads (50 MB) are counted by their importer as they stream in.
    ["body limit", (c, next) => ownLimit(c.req.path) ? next() : defaultBodyLimit(c, next)],
    // public status pages (/status/{slug}, custom domains) answer here, before authentication: no session lookup
    ["public status pages", publicStatusPages(deps)],
    ["authenticate", authenticate()],
    ["activity", recordActivity()],
    ["API rate limit", apiRateLimit(deps.config)],
    ["CSRF", csrfProtection()],
    ["text rule", textRule()],
  ];
}

/** What a liveness or readiness probe needs of the request path; the other layers do nothing for it. */
const PROBE_LAYERS = new Set(["request id", "access log + metrics", "deps"]);
const PROBE_PATHS = new Set(["/healthz", "/readyz"]);

/**
 * Probes arrive every few seconds from every load balancer and orchestrator:
 * GET or HEAD /healthz and /readyz are answered by an app of their routes
 * behind only the layers they need (a request id, the access log and metrics)
 * and `nosniff`, the one security header that concerns a JSON answer (the
 * others govern documents: scripts, frames, forms, referrers). Nothing of the
 * rest applies to them: no body, no session, no database queue, answers too
 * small to compress. `fetch` answers probes there and sends everything else,
 * any other method on these paths too, to `app`.
 */
export function withProbeLane(
  deps: AppDeps,
  routes: () => Hono<AppEnv>,
  app: Hono<AppEnv>,
): Hono<AppEnv>["fetch"] {
  const lane = new Hono<AppEnv>();
  for (const [name, layer] of requestPath(deps)) if (PROBE_LAYERS.has(name)) lane.use("*", layer);
  lane.use("*", async (c, next) => {
    await next();
    c.res.headers.set("X-Content-Type-Options", "nosniff");
  });
  lane.route("/", routes());
  const full = app.fetch;
  return (request, env, ctx) => {
    const probe = (request.method === "GET" || request.method === "HEAD") && PROBE_PATHS.has(getPath(request));
    return probe ? lane.fetch(request, env, ctx) : full(request, env, ctx);
  };
}
