/** Notification rules over the API: which events go to which channel, immediately or as a digest. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
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
import { errorResponses, notFoundResponse, ProblemSchema } from "../schemas.ts";

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});
const common = {
  401: problem("Not signed in, or the key or session is invalid, expired or revoked"),
  ...notFoundResponse,
  ...errorResponses,
};
const forbidden = { 403: problem("Your role may read notification rules but not change them") };

const IdParam = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" }, example: "5c0d3b7e-2a41-4e7b-9c55-1f2d3e4a5b6c" }),
});
const json = <T extends z.ZodType>(schema: T, example: unknown) => ({
  required: true,
  content: { "application/json": { schema, example } },
});
const TAG = ["Notification rules"];
const PATH = "/api/v1/notification-rules";

const listRoute = createRoute({
  method: "get",
  path: PATH,
  tags: TAG,
  summary: "List notification rules, oldest first",
  description: "Needs `notification_rules:read`. Filters: `channel_id`, `project_id`.",
  request: { query: ListRulesQuerySchema },
  responses: {
    200: {
      description: "A page of rules",
      content: { "application/json": { schema: pageSchema(RuleSchema, "NotificationRulePage") } },
    },
    ...common,
  },
});

const getRoute = createRoute({
  method: "get",
  path: `${PATH}/{id}`,
  tags: TAG,
  summary: "One notification rule",
  request: { params: IdParam },
  responses: {
    200: { description: "The rule", content: { "application/json": { schema: RuleSchema } } },
    ...common,
  },
});

const createRuleRoute = createRoute({
  method: "post",
  path: PATH,
  tags: TAG,
  summary: "Create a notification rule",
  description: "Needs `notification_rules:write`. Events of the listed types (of `project_id`, or of the whole " +
    "organisation when it is absent) are delivered to `channel_id`: each at once (`immediate`), or gathered into " +
    "one message per `digest_minutes` window (`digest`). When several rules send one event to one channel, it " +
    "is delivered once. A channel or project of another organisation is a 422 naming the field.",
  request: {
    body: json(CreateRuleSchema, {
      event_types: ["health_check.down", "health_check.up"],
      channel_id: "3f0c6a52-8a57-4f7e-a2b4-7d7f2d0c9e11",
      mode: "immediate",
    }),
  },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: RuleSchema } } },
    ...forbidden,
    ...common,
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: `${PATH}/{id}`,
  tags: TAG,
  summary: "Change a notification rule (or enable/disable it)",
  description: "Needs `notification_rules:write`. Fields left out keep their value.",
  request: { params: IdParam, body: json(UpdateRuleSchema, { enabled: false }) },
  responses: {
    200: { description: "The rule as changed", content: { "application/json": { schema: RuleSchema } } },
    ...forbidden,
    ...common,
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: `${PATH}/{id}`,
  tags: TAG,
  summary: "Delete a notification rule",
  description: "Needs `notification_rules:delete`. Deliveries it already made stay in the delivery log.",
  request: { params: IdParam },
  responses: {
    204: { description: "Deleted" },
    403: problem("Your role may not delete notification rules"),
    ...common,
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
    return c.json(ruleJson(rule), 201);
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
