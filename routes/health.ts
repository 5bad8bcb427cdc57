/**
 * Operations endpoints: liveness, readiness, Prometheus metrics. None of them
 * authenticates a session or API key (routes/middleware/auth.ts skips them),
 * so a probe carrying a stale token gets the truth, not a 401 or a 500.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { checkReadiness, samplePoolMetrics } from "../services/system/status.ts";
import { UnauthorizedError } from "../services/platform/errors.ts";
import type { AppEnv } from "./deps.ts";
import { PUBLIC } from "./api/openapi_shared.ts";
import { problemResponse } from "./problem.ts";

const HealthSchema = z.object({ status: z.literal("ok") }).openapi("Health");
const ReadinessSchema = z.object({
  ready: z.boolean(),
  database: z.enum(["up", "down"]),
  migrations: z.string().openapi({ example: "7 migrations applied" }),
  writes: z.enum(["ok", "read_only", "disk_full"]).openapi({
    description: "Whether the database accepts changes; reads keep working (and ready stays true) when it does not",
  }),
  detail: z.string().optional().openapi({ example: "The database is out of disk space: …" }),
}).openapi("Readiness");

const healthz = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "getLiveness",
  security: PUBLIC,
  tags: ["Operations"],
  summary: "Liveness: the process is up (never touches the database)",
  responses: { 200: { description: "Up", content: { "application/json": { schema: HealthSchema } } } },
});

const readyz = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "getReadiness",
  security: PUBLIC,
  tags: ["Operations"],
  summary: "Readiness: the database answers and every migration is applied; says whether writes work",
  responses: {
    200: { description: "Ready", content: { "application/json": { schema: ReadinessSchema } } },
    503: { description: "Not ready", content: { "application/json": { schema: ReadinessSchema } } },
  },
});

const metricsRoute = createRoute({
  method: "get",
  path: "/metrics",
  operationId: "getPrometheusMetrics",
  security: PUBLIC,
  tags: ["Operations"],
  summary: "Prometheus metrics (text exposition format); `Bearer OPSDECK_METRICS_TOKEN` when that is set",
  responses: {
    200: { description: "Metrics", content: { "text/plain": { schema: z.string() } } },
    401: { description: "OPSDECK_METRICS_TOKEN is set and the request does not carry it" },
  },
});

export function healthRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(healthz, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(readyz, async (c) => {
    const { sql, migrations, troubles } = c.get("deps");
    const readiness = await checkReadiness(sql, migrations, troubles);
    return readiness.ready ? c.json(readiness, 200) : c.json(readiness, 503);
  });
  app.openapi(metricsRoute, async (c) => {
    const { sql, metrics, applicationName, poolMax, config, now } = c.get("deps");
    if (config.metricsToken && !sameToken(c.req.header("Authorization"), `Bearer ${config.metricsToken}`)) {
      return problemResponse(
        c,
        new UnauthorizedError("/metrics wants `Authorization: Bearer <OPSDECK_METRICS_TOKEN>`"),
      );
    }
    metrics.process.sample();
    // The database may be the thing that is down: its gauges keep their last values then.
    await Promise.all([
      samplePoolMetrics(sql, metrics, applicationName, poolMax).catch(() => {}),
      metrics.domain.sample(sql, now()).catch(() => {}),
    ]);
    return c.text(metrics.registry.render(), 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
  });
  return app;
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
function sameToken(given: string | undefined, expected: string): boolean {
  const a = new TextEncoder().encode(given ?? "");
  const b = new TextEncoder().encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= b[i] ^ (a[i] ?? 0);
  return diff === 0;
}
