/** Operations endpoints: liveness, readiness, Prometheus metrics. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { checkReadiness, samplePoolMetrics } from "../services/system/status.ts";
import type { AppEnv } from "./deps.ts";
import { PUBLIC } from "./api/openapi_shared.ts";

const HealthSchema = z.object({ status: z.literal("ok") }).openapi("Health");
const ReadinessSchema = z.object({
  ready: z.boolean(),
  database: z.enum(["up", "down"]),
  migrations: z.string().openapi({ example: "7 migrations applied" }),
}).openapi("Readiness");

const healthz = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "getLiveness",
  security: PUBLIC,
  tags: ["Operations"],
  summary: "Liveness: the process is up",
  responses: { 200: { description: "Up", content: { "application/json": { schema: HealthSchema } } } },
});

const readyz = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "getReadiness",
  security: PUBLIC,
  tags: ["Operations"],
  summary: "Readiness: the database answers and every migration is applied",
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
  summary: "Prometheus metrics (text exposition format)",
  responses: { 200: { description: "Metrics", content: { "text/plain": { schema: z.string() } } } },
});

export function healthRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(healthz, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(readyz, async (c) => {
    const { sql, migrations } = c.get("deps");
    const readiness = await checkReadiness(sql, migrations);
    return readiness.ready ? c.json(readiness, 200) : c.json(readiness, 503);
  });
  app.openapi(metricsRoute, async (c) => {
    const { sql, metrics, applicationName, poolMax } = c.get("deps");
    await samplePoolMetrics(sql, metrics, applicationName, poolMax).catch(() => {});
    return c.text(metrics.registry.render(), 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
  });
  return app;
}
