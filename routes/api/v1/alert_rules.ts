/** Alert rules over the API: list, read, create, edit, delete. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import {
  createAlertRule,
  deleteAlertRule,
  getAlertRule,
  listAlertRules,
  updateAlertRule,
} from "../../../services/alerts/rules.ts";
import {
  alertRuleJson,
  AlertRuleSchema,
  CreateAlertRuleSchema,
  ListAlertRulesQuerySchema,
  UpdateAlertRuleSchema,
} from "../../../services/alerts/schemas.ts";
import { pageSchema } from "../../../services/platform/pagination.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const forbidden = { 403: problem("Your role may read alert rules but not change them") };
const TAGS = ["Alert rules"];

const ruleResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: AlertRuleSchema } },
});

const KINDS_DOC = "Kinds: `check_down` and `check_degraded` (after the check's confirmations), `heartbeat_missed`, " +
  "`certificate_expiring` (`days_before`, default 14), `deployment_failed` (`environment` optional), " +
  "`metric_threshold` (`metric_type`, `operator` above|below|change_percent, `threshold`, `window_seconds` " +
  "default 300; evaluated every minute), `query_threshold` (`query_id` of a saved query, `query_measure` value|row_count, " +
  "`operator`, `threshold`, `query_parameters`, `interval_seconds` ≥ 60, default 300; a failing query opens nothing " +
  "and sets `last_error`). No `project_id`: every project of the organization.";

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/alert-rules",
  operationId: "listAlertRules",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "List alert rules, newest first",
  description: "Needs `alert_rules:read`. Filters: `project_id`, `kind`, `enabled`.",
  request: { query: ListAlertRulesQuerySchema },
  responses: {
    200: {
      description: "A page of alert rules",
      content: { "application/json": { schema: pageSchema(AlertRuleSchema, "AlertRulePage") } },
    },
    ...notFoundResponse,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/alert-rules/{id}",
  operationId: "getAlertRule",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "One alert rule",
  request: { params: IdParam },
  responses: { 200: ruleResponse("The rule"), ...notFoundResponse },
});

const createRuleRoute = createRoute({
  method: "post",
  path: "/api/v1/alert-rules",
  operationId: "createAlertRule",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Create an alert rule",
  description: `Needs \`alert_rules:write\`. ${KINDS_DOC}`,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: CreateAlertRuleSchema,
          example: {
            name: "Storefront p95 latency",
            kind: "metric_threshold",
            project_id: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19",
            metric_type: "http.p95_ms",
            operator: "above",
            threshold: 800,
            window_seconds: 300,
            severity: "critical",
            repeat_interval_minutes: 60,
            escalate_after_minutes: 15,
          },
        },
      },
    },
  },
  responses: { 201: ruleResponse("Created"), ...forbidden },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/alert-rules/{id}",
  operationId: "updateAlertRule",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Edit an alert rule",
  description: "Needs `alert_rules:write`. The kind cannot change; `null` clears an optional field.",
  request: {
    params: IdParam,
    body: {
      required: true,
      content: { "application/json": { schema: UpdateAlertRuleSchema, example: { enabled: false } } },
    },
  },
  responses: {
    200: ruleResponse("The rule as edited"),
    ...forbidden,
    ...notFoundResponse,
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/api/v1/alert-rules/{id}",
  operationId: "deleteAlertRule",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Delete an alert rule and its alerts",
  description: "Needs `alert_rules:delete`. The rule's alerts and their history go with it; the deletion is audited.",
  request: { params: IdParam },
  responses: {
    204: { description: "Deleted" },
    403: problem("Your role may not delete alert rules"),
    ...notFoundResponse,
  },
});

export function alertRulesApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/alert-rules", signedIn);
  app.use("/api/v1/alert-rules/*", signedIn);
  app.openapi(listRoute, async (c) => {
    const page = await listAlertRules(c.get("deps").sql, requirePrincipal(c), c.req.valid("query"));
    return c.json({ data: page.data.map(alertRuleJson), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const rule = await getAlertRule(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(alertRuleJson(rule), 200);
  });
  app.openapi(createRuleRoute, async (c) => {
    const rule = await createAlertRule(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    return c.json(alertRuleJson(rule), 201, locationOf(c, rule.id));
  });
  app.openapi(updateRoute, async (c) => {
    const { sql } = c.get("deps");
    const id = c.req.valid("param").id;
    const rule = await updateAlertRule(sql, requirePrincipal(c), id, c.req.valid("json"), auditContext(c));
    return c.json(alertRuleJson(rule), 200);
  });
  app.openapi(deleteRoute, async (c) => {
    await deleteAlertRule(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  return app;
}
