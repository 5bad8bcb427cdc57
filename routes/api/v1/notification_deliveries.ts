/** The delivery log over the API: every delivery with its attempts, and re-sending one. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { pageSchema } from "../../../services/platform/pagination.ts";
import {
  deliveryJson,
  DeliverySchema,
  ListDeliveriesQuerySchema,
} from "../../../services/notifications/delivery_schemas.ts";
import { getDelivery, listDeliveries, resendDelivery } from "../../../services/notifications/deliveries.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAG = ["Notification deliveries"];
const PATH = "/api/v1/notification-deliveries";

const listRoute = createRoute({
  method: "get",
  path: PATH,
  operationId: "listNotificationDeliveries",
  security: SIGNED_IN,
  tags: TAG,
  summary: "The delivery log, newest first, each delivery with its attempts",
  description: "Needs `notification_channels:read`. Filters: `channel_id`, `alert_id`, `status` (`dead` lists the " +
    "dead letters), `event_type`.",
  request: { query: ListDeliveriesQuerySchema },
  responses: {
    200: {
      description: "A page of deliveries",
      content: { "application/json": { schema: pageSchema(DeliverySchema, "NotificationDeliveryPage") } },
    },
    ...notFoundResponse,
  },
});

const getRoute = createRoute({
  method: "get",
  path: `${PATH}/{id}`,
  operationId: "getNotificationDelivery",
  security: SIGNED_IN,
  tags: TAG,
  summary: "One delivery with its attempts",
  request: { params: IdParam },
  responses: {
    200: { description: "The delivery", content: { "application/json": { schema: DeliverySchema } } },
    ...notFoundResponse,
  },
});

const resendRoute = createRoute({
  method: "post",
  path: `${PATH}/{id}/resend`,
  operationId: "resendNotificationDelivery",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Send a delivery again",
  description: "Needs `notification_channels:write`. A sent, failed or dead delivery goes back to `pending`, due " +
    "now; it keeps its id (receivers see the same message id) and its attempts stay in the log.",
  request: { params: IdParam },
  responses: {
    200: { description: "The delivery, queued again", content: { "application/json": { schema: DeliverySchema } } },
    403: problem("Your role may read the delivery log but not re-send"),
    409: problem("The delivery is already queued or being sent"),
    ...notFoundResponse,
  },
});

export function notificationDeliveriesApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use(PATH, signedIn);
  app.use(`${PATH}/*`, signedIn);
  app.openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const page = await listDeliveries(c.get("deps").sql, requirePrincipal(c), {
      channelId: q.channel_id,
      alertId: q.alert_id,
      status: q.status,
      eventType: q.event_type,
      limit: q.limit,
      cursor: q.cursor,
    });
    return c.json({ data: page.data.map(deliveryJson), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const delivery = await getDelivery(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(deliveryJson(delivery), 200);
  });
  app.openapi(resendRoute, async (c) => {
    const { sql } = c.get("deps");
    const delivery = await resendDelivery(sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.json(deliveryJson(delivery), 200);
  });
  return app;
}
