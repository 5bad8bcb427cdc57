/**
 * The middleware every request passes through, in order, named so that
 * bench/layers_bench.ts can price each one on /healthz against bare Hono
 * (docs/performance.md keeps the table). A layer stays only if it pays.
 */
import type { Hono, MiddlewareHandler } from "hono";
import { OpenAPIHono } from "@hono/zod-openapi";
import { getPath } from "hono/utils/url";
import { bodyLimit } from "hono/body-limit";
import { PayloadTooLargeError } from "../services/platform/errors.ts";
import { METRICS_PATH } from "./api/v1/metrics.ts";
import { isCsvUpload } from "./api/v1/data_source_files.ts";
import { PING_PATH } from "./api/v1/heartbeats.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { recordActivity } from "./middleware/activity.ts";
import { admission } from "./middleware/admission.ts";
import { authenticate } from "./middleware/auth.ts";
import { gzipWhenAccepted } from "./middleware/compress.ts";
import { csrfProtection } from "./middleware/csrf.ts";
import { observe } from "./middleware/observe.ts";
import { apiRateLimit } from "./middleware/rate_limit.ts";
import { requestDeadline } from "./middleware/request_deadline.ts";
import { HEADER as REQUEST_ID, requestId, requestIdFrom } from "./middleware/request_id.ts";
import { securityHeaders } from "./middleware/security_headers.ts";
import { textRule } from "./middleware/text_rule.ts";
import { BODY_LIMIT_BYTES, onError, problemResponse, validationHook } from "./problem.ts";
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

/**
 * A lane takes some requests past the layers that do nothing for them: only
 * the layers it names run, and its own routes answer. Everything else, and
 * any request a lane does not take, goes through the whole request path.
 */
export interface Lane {
  takes(method: string, path: string): boolean;
  layers: Set<string>;
  routes: () => Hono<AppEnv>;
}

/**
 * Probes arrive every few seconds from every load balancer and orchestrator:
 * GET or HEAD /healthz and /readyz need a request id, the access log and
 * metrics, and of the security headers only `nosniff` (the others govern
 * documents: scripts, frames, forms, referrers). No body, no session, no
 * database queue, answers too small to compress.
 */
export const probeLane = (routes: () => Hono<AppEnv>): Lane => ({
  takes: (method, path) => (method === "GET" || method === "HEAD") && (path === "/healthz" || path === "/readyz"),
  layers: new Set(["request id", "access log + metrics", "deps"]),
  routes,
});

/**
 * Heartbeat pings come from cron jobs, thousands a second on a busy site
 * (bench/heartbeats_bench.ts). The token in the URL is the only credential,
 * so no session, CSRF or activity layer applies; the answer is "OK", too small
 * to compress. They keep the request deadline, the body limit, the API rate
 * limit and the text rule. They skip the admission queue: a ping holds no pool
 * connection of its own (the batch it joins does, services/checks/heartbeat_batcher.ts),
 * and the batcher bounds its own queue.
 */
export const pingLane = (routes: () => Hono<AppEnv>): Lane => ({
  takes: (method, path) => (method === "GET" || method === "HEAD" || method === "POST") && PING_PATH.test(path),
  layers: new Set([
    "request id",
    "access log + metrics",
    "deps",
    "request deadline",
    "body limit",
    "API rate limit",
    "text rule",
  ]),
  routes,
});

/**
 * `app.fetch` with the lanes in front. Liveness goes one step further while
 * probes are not logged (the access log writes them at debug): its answer is
 * a constant, so it is built here with the same request id, headers and
 * metrics, without a Hono context or the chain of middleware promises
 * (bench/http_bench.ts: 0.45× bare Hono through a lane's Hono app,
 * docs/performance.md). With debug on, the probe lane answers it, so the log
 * line is the access log's own.
 */
export function withLanes(deps: AppDeps, app: Hono<AppEnv>, lanes: Lane[]): Hono<AppEnv>["fetch"] {
  const layers = requestPath(deps);
  const built = lanes.map((lane) => {
    // OpenAPIHono with the app's hook, so a route's failed parse is the same 422 problem as on the full path
    const hono = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
    for (const [name, layer] of layers) if (lane.layers.has(name)) hono.use("*", layer);
    hono.use("*", async (c, next) => {
      await next();
      c.res.headers.set("X-Content-Type-Options", "nosniff");
    });
    hono.route("/", lane.routes());
    hono.onError(onError(deps.logger));
    return { takes: lane.takes, fetch: hono.fetch };
  });
  const full = app.fetch;
  const liveness = answerLiveness(deps);
  return (request, env, ctx) => {
    const method = request.method;
    const path = getPath(request);
    if (path === "/healthz" && method === "GET" && !deps.logger.enabled("debug")) return liveness(request);
    for (const lane of built) if (lane.takes(method, path)) return lane.fetch(request, env, ctx);
    return full(request, env, ctx);
  };
}

/** GET /healthz as the probe lane answers it (routes/health.ts declares it), counted in the same metrics. */
function answerLiveness({ metrics }: AppDeps): (request: Request) => Response {
  const body = JSON.stringify({ status: "ok" });
  const counted = { method: "GET", route: "/healthz", status: "200" };
  const timed = { route: "/healthz" };
  return (request) => {
    const started = performance.now();
    const response = new Response(body, {
      headers: {
        "Content-Type": "application/json",
        [REQUEST_ID]: requestIdFrom(request.headers.get(REQUEST_ID)),
        "X-Content-Type-Options": "nosniff",
      },
    });
    metrics.requests.inc(counted);
    metrics.duration.observe(timed, (performance.now() - started) / 1000);
    return response;
  };
}
