/** Alerts over the API: list, read with history, acknowledge, snooze, resolve, one at a time or in bulk. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { getAlertWithHistory, listAlerts } from "../../../services/alerts/alerts.ts";
import { bulkAlerts, BulkAlertsResultSchema, BulkAlertsSchema } from "../../../services/alerts/bulk.ts";
import { acknowledgeAlert, resolveAlert, snoozeAlert, snoozeUntil } from "../../../services/alerts/lifecycle.ts";
import {
  AcknowledgeSchema,
  alertJson,
  AlertSchema,
  AlertWithHistorySchema,
  historyJson,
  ListAlertsQuerySchema,
  ResolveSchema,
  SnoozeSchema,
} from "../../../services/alerts/schemas.ts";
import { pageSchema } from "../../../services/platform/pagination.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAGS = ["Alerts"];

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/alerts",
  operationId: "listAlerts",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "List alerts, most recently triggered first",
  description: "Needs `alerts:read`. Filters: `status` (or `open`), `severity`, `project_id`, `rule_id`, `since`. " +
    "Client users see the alerts of their own client's projects only.",
  request: { query: ListAlertsQuerySchema },
  responses: {
    200: {
      description: "A page of alerts",
      content: { "application/json": { schema: pageSchema(AlertSchema, "AlertPage") } },
    },
    ...notFoundResponse,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/alerts/{id}",
  operationId: "getAlert",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "One alert with its history",
  description: "`history` lists every transition, oldest first, with its actor (`null`: the system) and comment.",
  request: { params: IdParam },
  responses: {
    200: { description: "The alert", content: { "application/json": { schema: AlertWithHistorySchema } } },
    ...notFoundResponse,
  },
});

const actionRoute = (
  verb: "acknowledge" | "snooze" | "resolve",
  schema: typeof AcknowledgeSchema | typeof SnoozeSchema,
  example: Record<string, unknown>,
  description: string,
) =>
  createRoute({
    method: "post",
    path: `/api/v1/alerts/{id}/${verb}`,
    operationId: `${verb}Alert`,
    security: SIGNED_IN,
    tags: TAGS,
    summary: `${verb[0].toUpperCase()}${verb.slice(1)} an alert`,
    description: `Needs \`alerts:write\`. ${description} Writes a history row and an audit row.`,
    request: {
      params: IdParam,
      body: { required: verb === "snooze", content: { "application/json": { schema, example } } },
    },
    responses: {
      200: { description: "The alert after the transition", content: { "application/json": { schema: AlertSchema } } },
      403: problem("Your role may read alerts but not act on them"),
      ...notFoundResponse,
      409: problem("The alert's status does not allow this; the message names it"),
    },
  });

const acknowledgeRoute = actionRoute(
  "acknowledge",
  AcknowledgeSchema,
  { comment: "Looking into it." },
  "From `triggered` or `snoozed`; stops repeats and escalation. Emits `alert.acknowledged`.",
);
const snoozeRoute = actionRoute(
  "snooze",
  SnoozeSchema,
  { minutes: 60, comment: "Vendor fix expected within the hour." },
  "Give `until` (RFC 3339, within 30 days) or `minutes`. At that time the alert is triggered again and " +
    "re-notified.",
);
const resolveRoute = actionRoute(
  "resolve",
  ResolveSchema,
  { comment: "Fixed by the rollback." },
  "From any open status. Emits `alert.resolved`; the next occurrence opens a new alert.",
);

const bulkRoute = createRoute({
  method: "post",
  path: "/api/v1/alerts/bulk",
  operationId: "bulkAlerts",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Acknowledge or resolve several alerts",
  description: "Up to 100 ids. Each alert is done as its own call would do it: its own transaction, history row, " +
    "event and audit row, the same permission (`alerts:write`). The answer lists every id with what its own call " +
    "would have answered (200, 403, 404 or 409); one refusal stops nothing else. An alert the caller cannot see " +
    "(another organisation's, or for a client user another client's) is a 404 for that id. Repeated ids count once.",
  request: { body: { required: true, content: { "application/json": { schema: BulkAlertsSchema } } } },
  responses: {
    200: { description: "Per id", content: { "application/json": { schema: BulkAlertsResultSchema } } },
  },
});

export function alertsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/alerts", signedIn);
  app.use("/api/v1/alerts/*", signedIn);
  app.openapi(listRoute, async (c) => {
    const page = await listAlerts(c.get("deps").sql, requirePrincipal(c), c.req.valid("query"));
    return c.json({ data: page.data.map(alertJson), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(bulkRoute, async (c) => {
    const result = await bulkAlerts(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    return c.json(result, 200);
  });
  app.openapi(getRoute, async (c) => {
    const { alert, history } = await getAlertWithHistory(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
    );
    return c.json({ ...alertJson(alert), history: history.map(historyJson) }, 200);
  });
  app.openapi(acknowledgeRoute, async (c) => {
    const { sql } = c.get("deps");
    const input = (c.req.valid("json") ?? {}) as { comment?: string };
    const alert = await acknowledgeAlert(sql, requirePrincipal(c), c.req.valid("param").id, input, auditContext(c));
    return c.json(alertJson(alert), 200);
  });
  app.openapi(snoozeRoute, async (c) => {
    const { sql } = c.get("deps");
    const ctx = auditContext(c);
    const input = c.req.valid("json") as z.infer<typeof SnoozeSchema>;
    const until = snoozeUntil(input, ctx.now);
    const alert = await snoozeAlert(sql, requirePrincipal(c), c.req.valid("param").id, { ...input, until }, ctx);
    return c.json(alertJson(alert), 200);
  });
  app.openapi(resolveRoute, async (c) => {
    const { sql } = c.get("deps");
    const input = (c.req.valid("json") ?? {}) as { comment?: string };
    const alert = await resolveAlert(sql, requirePrincipal(c), c.req.valid("param").id, input, auditContext(c));
    return c.json(alertJson(alert), 200);
  });
  return app;
}
