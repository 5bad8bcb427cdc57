/**
 * /api/v1/integrations: connections to Linear (and the providers the
 * registry adds) by OAuth 2 with PKCE; an alert's issues under
 * /api/v1/alerts/{id}/issues. The connect call answers the provider's
 * authorize URL; the provider sends the admin's browser back to the page
 * route /integrations/{platform}/callback, which finishes the flow.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { listAlertRuleFiling, setAlertRuleAuto } from "../../../services/integrations/alert_rules.ts";
import { disconnect, startConnect } from "../../../services/integrations/connect.ts";
import { getIntegration, listIntegrations, updateIntegration } from "../../../services/integrations/integrations.ts";
import { alertLinks, createAlertIssue } from "../../../services/integrations/linear/issues.ts";
import {
  AlertIssueCreateSchema,
  AlertIssueSchema,
  AlertRuleFilingSchema,
  AutoRuleSchema,
  ConnectAnswerSchema,
  integrationJson,
  IntegrationListSchema,
  IntegrationPatchSchema,
  IntegrationSchema,
  issueJson,
  PlatformParam,
} from "../../../services/integrations/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { selfOrigin } from "../../middleware/csrf.ts";
import { integrationRequestDeps } from "../../ui/integrations_deps.ts";
import { IdParam, jsonAnswer, jsonBody, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAGS = ["Integrations"];
const MANAGE = "Needs `settings:manage`.";

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/integrations",
  operationId: "listIntegrations",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "The tenant's integrations, and the providers this deployment offers",
  description: "Needs `settings:read`. Tokens are never shown.",
  responses: { 200: jsonAnswer("Integrations and providers", IntegrationListSchema), ...notFoundResponse },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/integrations/{id}",
  operationId: "getIntegration",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "One integration: status, last sync, last error",
  request: { params: IdParam },
  responses: { 200: jsonAnswer("The integration", IntegrationSchema), ...notFoundResponse },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/api/v1/integrations/{id}",
  operationId: "updateIntegration",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Choose the provider settings (Linear: team, close the issue when the alert resolves)",
  description: MANAGE,
  request: { params: IdParam, body: jsonBody(IntegrationPatchSchema, { close_on_resolve: true }) },
  responses: {
    200: jsonAnswer("The integration", IntegrationSchema),
    403: problem("Needs settings:manage"),
    422: problem("A field is wrong (team_id not one of the account's teams)"),
    ...notFoundResponse,
  },
});

const disconnectRoute = createRoute({
  method: "delete",
  path: "/api/v1/integrations/{id}",
  operationId: "disconnectIntegration",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Disconnect: revoke the tokens at the provider and forget them",
  description: `${MANAGE} The row stays (status \`disconnected\`) with the links it made.`,
  request: { params: IdParam },
  responses: {
    200: jsonAnswer("Whether the provider confirmed the revocation", z.object({ revoked: z.boolean() })),
    403: problem("Needs settings:manage"),
    ...notFoundResponse,
  },
});

const connectRoute = createRoute({
  method: "post",
  path: "/api/v1/integration-providers/{platform}/connect",
  operationId: "startIntegrationConnect",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Start connecting: the provider's authorize URL (state + PKCE S256, ten minutes, this session only)",
  description: `${MANAGE} Needs a session (cookie or session token): the callback must come back to the same one.`,
  request: { params: PlatformParam },
  responses: {
    200: jsonAnswer("Where to send the browser", ConnectAnswerSchema),
    400: problem("The provider is not configured, or the caller has no session"),
    403: problem("Needs settings:manage"),
    ...notFoundResponse,
  },
});

const autoRulesRoute = createRoute({
  method: "get",
  path: "/api/v1/integrations/{id}/alert-rules",
  operationId: "listIntegrationAlertRules",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Every alert rule, and whether its alerts file a Linear issue by themselves",
  description: "Needs `settings:read`. Only Linear integrations file issues; another integration's id is a 404.",
  request: { params: IdParam },
  responses: {
    200: jsonAnswer("The tenant's alert rules, by name", AlertRuleFilingSchema),
    403: problem("Needs settings:read"),
    ...notFoundResponse,
  },
});

const autoRuleRoute = createRoute({
  method: "put",
  path: "/api/v1/integrations/{id}/alert-rules/{rule_id}",
  operationId: "setIntegrationAlertRule",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Let an alert rule's alerts file a Linear issue by themselves",
  description: `${MANAGE} The sync worker files them within a minute of the alert opening.`,
  request: {
    params: IdParam.extend({ rule_id: z.uuid().openapi({ param: { name: "rule_id", in: "path" } }) }),
    body: jsonBody(AutoRuleSchema, { enabled: true }),
  },
  responses: {
    200: jsonAnswer("The rules that file issues", z.object({ rule_ids: z.array(z.uuid()) })),
    403: problem("Needs settings:manage"),
    ...notFoundResponse,
  },
});

const alertIssuesRoute = createRoute({
  method: "get",
  path: "/api/v1/alerts/{id}/issues",
  operationId: "listAlertIssues",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "The issues filed for an alert",
  request: { params: IdParam },
  responses: { 200: jsonAnswer("Issues, oldest first", z.array(AlertIssueSchema)), ...notFoundResponse },
});

const createIssueRoute = createRoute({
  method: "post",
  path: "/api/v1/alerts/{id}/issues",
  operationId: "createAlertIssue",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "File a Linear issue for the alert (once per integration; again answers the same issue)",
  description: "Needs `alerts:write`.",
  request: { params: IdParam, body: jsonBody(AlertIssueCreateSchema) },
  responses: {
    201: jsonAnswer("The issue", AlertIssueSchema),
    403: problem("Needs alerts:write"),
    409: problem("The integration is broken or disconnected, or Linear refused the token"),
    ...notFoundResponse,
  },
});

export function integrationsApi() {
  const app = new OpenAPIHono<AppEnv>();
  for (const path of ["/api/v1/integrations", "/api/v1/integrations/*", "/api/v1/integration-providers/*"]) {
    app.use(path, signedIn);
  }
  app.use("/api/v1/alerts/:id/issues", signedIn);
  app.openapi(listRoute, async (c) => {
    const { sql, config } = c.get("deps");
    const out = await listIntegrations(sql, requirePrincipal(c), config.integrations);
    return c.json({ ...out, integrations: out.integrations.map(integrationJson) }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const row = await getIntegration(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(integrationJson(row), 200);
  });
  app.openapi(patchRoute, async (c) => {
    const row = await updateIntegration(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(integrationJson(row), 200);
  });
  app.openapi(disconnectRoute, async (c) => {
    const out = await disconnect(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      integrationRequestDeps(c),
      auditContext(c),
    );
    return c.json(out, 200);
  });
  app.openapi(connectRoute, async (c) => {
    const { sql, now } = c.get("deps");
    const out = await startConnect(sql, requirePrincipal(c), c.req.valid("param").platform, {
      ...integrationRequestDeps(c),
      origin: selfOrigin(c),
      now: now(),
    });
    return c.json(out, 200);
  });
  app.openapi(autoRulesRoute, async (c) => {
    const out = await listAlertRuleFiling(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json({ rules: out.rules, more: out.more }, 200);
  });
  app.openapi(autoRuleRoute, async (c) => {
    const { id, rule_id } = c.req.valid("param");
    const ruleIds = await setAlertRuleAuto(
      c.get("deps").sql,
      requirePrincipal(c),
      id,
      rule_id,
      c.req.valid("json").enabled,
      auditContext(c),
    );
    return c.json({ rule_ids: ruleIds }, 200);
  });
  app.openapi(alertIssuesRoute, async (c) => {
    const rows = await alertLinks(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(rows.map(issueJson), 200);
  });
  app.openapi(createIssueRoute, async (c) => {
    const link = await createAlertIssue(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json").integration_id,
      integrationRequestDeps(c),
      auditContext(c),
    );
    return c.json(issueJson(link), 201);
  });
  return app;
}
