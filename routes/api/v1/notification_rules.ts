/** Notification rules over the API: which events go to which channel, immediately or as a digest. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { pageSchema } from "../../../services/platform/pagination.ts";
import {
  CreateRuleSchema,
  ListRulesQuerySchema,
  ruleJson,
  RuleSchema,
  UpdateRuleSchema,
} from "../../../services/notifications/rule_schemas.ts";
import { createRule, deleteRule, getRule, listRules, updateRule } from "../../../services/notifications/rules.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, jsonBody, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const forbidden = { 403: problem("Your role may read notification rules but not change them") };

const TAG = ["Notification rules"];
const PATH = "/api/v1/notification-rules";

const listRoute = createRoute({
  method: "get",
  path: PATH,
  operationId: "listNotificationRules",
  security: SIGNED_IN,
  tags: TAG,
  summary: "List notification rules, oldest first",
  description: "Needs `notification_rules:read`. Filters: `channel_id`, `project_id`.",
  request: { query: ListRulesQuerySchema },
  responses: {
    200: {
      description: "A page of rules",
      content: { "application/json": { schema: pageSchema(RuleSchema, "NotificationRulePage") } },
    },
    ...notFoundResponse,
  },
});

const getRoute = createRoute({
  method: "get",
  path: `${PATH}/{id}`,
  operationId: "getNotificationRule",
  security: SIGNED_IN,
  tags: TAG,
  summary: "One notification rule",
  request: { params: IdParam },
  responses: {
    200: { description: "The rule", content: { "application/json": { schema: RuleSchema } } },
    ...notFoundResponse,
  },
});

const createRuleRoute = createRoute({
  method: "post",
  path: PATH,
  operationId: "createNotificationRule",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Create a notification rule",
  description: "Needs `notification_rules:write`. Events of the listed types (of `project_id`, or of the whole " +
    "organisation when it is absent) are delivered to `channel_id`: each at once (`immediate`), or gathered into " +
    "one message per `digest_minutes` window (`digest`). When several rules send one event to one channel, it " +
    "is delivered once. A channel or project of another organisation is a 422 naming the field.",
  request: {
    body: jsonBody(CreateRuleSchema, {
      event_types: ["health_check.down", "health_check.up"],
      channel_id: "3f0c6a52-8a57-4f7e-a2b4-7d7f2d0c9e11",
      mode: "immediate",
    }),
  },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: RuleSchema } } },
    ...forbidden,
    ...notFoundResponse,
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: `${PATH}/{id}`,
  operationId: "updateNotificationRule",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Change a notification rule (or enable/disable it)",
  description: "Needs `notification_rules:write`. Fields left out keep their value.",
  request: { params: IdParam, body: jsonBody(UpdateRuleSchema, { enabled: false }) },
  responses: {
    200: { description: "The rule as changed", content: { "application/json": { schema: RuleSchema } } },
    ...forbidden,
    ...notFoundResponse,
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: `${PATH}/{id}`,
  operationId: "deleteNotificationRule",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Delete a notification rule",
  description: "Needs `notification_rules:delete`. Deliveries it already made stay in the delivery log.",
  request: { params: IdParam },
  responses: {
    204: { description: "Deleted" },
    403: problem("Your role may not delete notification rules"),
    ...notFoundResponse,
  },
});

export function notificationRulesApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use(PATH, signedIn);
  app.use(`${PATH}/*`, signedIn);
  app.openapi(listRoute, async (c) => {
    const page = await listRules(c.get("deps").sql, requirePrincipal(c), c.req.valid("query"));
    return c.json({ data: page.data.map(ruleJson), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const rule = await getRule(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(ruleJson(rule), 200);
  });
  app.openapi(createRuleRoute, async (c) => {
    const rule = await createRule(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    return c.json(ruleJson(rule), 201, locationOf(c, rule.id));
  });
  app.openapi(updateRoute, async (c) => {
    const { sql } = c.get("deps");
    const rule = await updateRule(
      sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(ruleJson(rule), 200);
  });
  app.openapi(deleteRoute, async (c) => {
    await deleteRule(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  return app;
}
