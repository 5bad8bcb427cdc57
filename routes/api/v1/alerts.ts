/** Alerts over the API: list, read with history, acknowledge, snooze, resolve. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { getAlertWithHistory, listAlerts } from "../../../services/alerts/alerts.ts";
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
import { errorResponses, notFoundResponse, ProblemSchema } from "../schemas.ts";

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});
const unauthorized = { 401: problem("Not signed in, or the key or session is invalid, expired or revoked") };
const TAGS = ["Alerts"];

const IdParam = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" }, example: "8c1e4b2a-6d3f-4e9a-b7c5-1f0e2d3c4b5a" }),
});

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/alerts",
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
    ...unauthorized,
    ...notFoundResponse,
    ...errorResponses,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/alerts/{id}",
  tags: TAGS,
  summary: "One alert with its history",
  description: "`history` lists every transition, oldest first, with its actor (`null`: the system) and comment.",
  request: { params: IdParam },
  responses: {
    200: { description: "The alert", content: { "application/json": { schema: AlertWithHistorySchema } } },
    ...unauthorized,
    ...notFoundResponse,
    ...errorResponses,
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
    tags: TAGS,
    summary: `${verb[0].toUpperCase()}${verb.slice(1)} an alert`,
    description: `Needs \`alerts:write\`. ${description} Writes a history row and an audit row.`,
    request: {
      params: IdParam,
      body: { required: verb === "snooze", content: { "application/json": { schema, example } } },
    },
    responses: {
      200: { description: "The alert after the transition", content: { "application/json": { schema: AlertSchema } } },
      ...unauthorized,
      403: problem("Your role may read alerts but not act on them"),
      ...notFoundResponse,
      409: problem("The alert's status does not allow this; the message names it"),
      ...errorResponses,
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

export function alertsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/alerts", signedIn);
  app.use("/api/v1/alerts/*", signedIn);
  app.openapi(listRoute, async (c) => {
    const page = await listAlerts(c.get("deps").sql, requirePrincipal(c), c.req.valid("query"));
    return c.json({ data: page.data.map(alertJson), next_cursor: page.next_cursor }, 200);
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
