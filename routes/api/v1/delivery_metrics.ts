/** GET /api/v1/delivery-metrics: DORA figures for a project or the whole organisation. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { deliveryMetrics } from "../../../services/delivery_metrics/metrics.ts";
import { DeliveryMetricsQuerySchema, DeliveryMetricsSchema } from "../../../services/delivery_metrics/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { notFoundResponse, SIGNED_IN } from "../openapi_shared.ts";

const route = createRoute({
  method: "get",
  path: "/api/v1/delivery-metrics",
  operationId: "getDeliveryMetrics",
  security: SIGNED_IN,
  tags: ["Deployments"],
  summary: "Delivery metrics (DORA) over the last 7, 30 or 90 days",
  description: "Needs `deployments:read`. Deployment frequency, lead time for changes (from `committed_at` to " +
    "finish, where CI reported it), change failure rate (failed or rolled back) and time to restore (from a " +
    "failure to the next success in the same project and environment). Client users get their own client's " +
    "projects only.",
  request: { query: DeliveryMetricsQuerySchema },
  responses: {
    200: { description: "The figures", content: { "application/json": { schema: DeliveryMetricsSchema } } },
    ...notFoundResponse,
  },
});

export function deliveryMetricsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/delivery-metrics", signedIn);
  app.openapi(route, async (c) => {
    const { sql, now } = c.get("deps");
    return c.json(await deliveryMetrics(sql, requirePrincipal(c), c.req.valid("query"), now()), 200);
  });
  return app;
}
