/** Health checks over the API: CRUD, pause/resume/run now, ping-token rotation and results. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import {
  changeSchedule,
  type CheckWithUptime,
  createHealthCheck,
  deleteHealthCheck,
  getCheck,
  listCheckResults,
  listHealthChecks,
  rotatePingToken,
  type ScheduleAction,
  updateHealthCheck,
} from "../../../services/checks/health_checks.ts";
import {
  CheckResultSchema,
  CreateHealthCheckSchema,
  healthCheckJson,
  HealthCheckSchema,
  HealthCheckWithPingUrlSchema,
  ListHealthChecksQuerySchema,
  ListResultsQuerySchema,
  UpdateHealthCheckSchema,
} from "../../../services/checks/schemas.ts";
import { bulkChecks, BulkChecksSchema, BulkResultSchema } from "../../../services/checks/bulk.ts";
import { pageSchema } from "../../../services/platform/pagination.ts";
import { gapsOf } from "../../../services/notifications/coverage.ts";
import type { Sql } from "../../../db/client.ts";
import type { Principal } from "../../../services/auth/permissions.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { selfOrigin } from "../../middleware/csrf.ts";
import { IdParam, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const forbidden = { 403: problem("Your role or key may read health checks but not change them") };
const TAGS = ["Health checks"];
const BASE = "/api/v1/health-checks";

const checkResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: HealthCheckSchema } },
});
const withPingUrl = (description: string) => ({
  description,
  content: { "application/json": { schema: HealthCheckWithPingUrlSchema } },
});

const listRoute = createRoute({
  method: "get",
  path: BASE,
  operationId: "listHealthChecks",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "List health checks, newest first",
  description: "Needs `health_checks:read`. Filters: `project_id`, `status`, `type`. Client users see their own " +
    "client's projects' checks only. Each check carries its current status, last result and uptime.",
  request: { query: ListHealthChecksQuerySchema },
  responses: {
    200: {
      description: "A page of health checks",
      content: { "application/json": { schema: pageSchema(HealthCheckSchema, "HealthCheckPage") } },
    },
    ...notFoundResponse,
  },
});

const createCheckRoute = createRoute({
  method: "post",
  path: BASE,
  operationId: "createHealthCheck",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Create a health check",
  description: "Needs `health_checks:write`. `http` needs `url`, `tcp` needs `host` and `port`, `heartbeat` needs " +
    "neither: its answer carries `ping_url`, shown this once (only a hash of the token is kept; rotate it with " +
    "`POST /{id}/rotate-token`). Fields that do not apply to the type are refused with a 422 naming them. The " +
    "target is checked against the probe policy as written (and again, after DNS resolution, at every run); " +
    "a target set by a client user may only be a public address. A new probe runs at once.",
  request: {
    body: { required: true, content: { "application/json": { schema: CreateHealthCheckSchema } } },
  },
  responses: {
    201: withPingUrl("Created"),
    ...forbidden,
    ...notFoundResponse,
    409: problem("The project is archived"),
  },
});

const getRoute = createRoute({
  method: "get",
  path: `${BASE}/{id}`,
  operationId: "getHealthCheck",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "One health check, with its state, last result and uptime over 24 h / 7 d / 30 d / 90 d",
  request: { params: IdParam },
  responses: { 200: checkResponse("The check"), ...notFoundResponse },
});

const updateRoute = createRoute({
  method: "patch",
  path: `${BASE}/{id}`,
  operationId: "updateHealthCheck",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Change a health check",
  description: "Any definition field but `type`; `null` clears an optional one. The whole check is validated as " +
    "it will be stored. A probe whose target or interval changed runs at once; a heartbeat whose schedule " +
    "changed gets its deadline again from its last ping.",
  request: {
    params: IdParam,
    body: { required: true, content: { "application/json": { schema: UpdateHealthCheckSchema } } },
  },
  responses: {
    200: checkResponse("The check as changed"),
    ...forbidden,
    ...notFoundResponse,
    409: problem("The project is archived"),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: `${BASE}/{id}`,
  operationId: "deleteHealthCheck",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Delete a health check and its results",
  description: "Needs `health_checks:delete`. Checks that depended on it no longer depend on anything.",
  request: { params: IdParam },
  responses: {
    204: { description: "Deleted" },
    403: problem("Your role or key may not delete health checks"),
    ...notFoundResponse,
  },
});

const SCHEDULE_TEXT: Record<ScheduleAction, { summary: string; description: string }> = {
  pause: {
    summary: "Pause a check",
    description: "No probes run and a heartbeat is not missed while paused; the definition and history stay.",
  },
  resume: {
    summary: "Resume a check",
    description: "Starts afresh (status `unknown`): a probe runs at once, a heartbeat gets a whole period plus " +
      "grace before it is missed.",
  },
  run: {
    summary: "Run a probe now",
    description: "Makes the check due now; the scheduler runs it within a second or two. 409 for heartbeats " +
      "(only the job pings) and paused checks.",
  },
};

const scheduleRoute = (action: ScheduleAction) =>
  createRoute({
    method: "post",
    path: `${BASE}/{id}/${action}`,
    operationId: `${action}HealthCheck`,
    security: SIGNED_IN,
    tags: TAGS,
    ...SCHEDULE_TEXT[action],
    request: { params: IdParam },
    responses: {
      200: checkResponse("The check"),
      ...forbidden,
      ...notFoundResponse,
      ...(action === "run" ? { 409: problem("A heartbeat or paused check cannot be run") } : {}),
    },
  });

const bulkRoute = createRoute({
  method: "post",
  path: `${BASE}/bulk`,
  operationId: "bulkHealthChecks",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Pause, resume or delete several checks",
  description: "Up to 100 ids. Each check is done as its own call would do it: its own transaction and audit row, " +
    "the same permission (`health_checks:write` to pause or resume, `health_checks:delete` to delete). The answer " +
    "lists every id with what its own call would have answered (200/204, 403, 404 or 409); one refusal stops " +
    "nothing else. Repeated ids count once.",
  request: { body: { required: true, content: { "application/json": { schema: BulkChecksSchema } } } },
  responses: {
    200: { description: "Per id", content: { "application/json": { schema: BulkResultSchema } } },
  },
});

const rotateRoute = createRoute({
  method: "post",
  path: `${BASE}/{id}/rotate-token`,
  operationId: "rotateHeartbeatToken",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Give a heartbeat check a new ping URL",
  description: "The old URL stops working at once. The new one is in this answer only.",
  request: { params: IdParam },
  responses: {
    200: withPingUrl("The check with its new ping_url"),
    ...forbidden,
    ...notFoundResponse,
    409: problem("Not a heartbeat check"),
  },
});

const resultsRoute = createRoute({
  method: "get",
  path: `${BASE}/{id}/results`,
  operationId: "listCheckResults",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "A check's results, newest first",
  description: "Filters: `since`, `until` (on checked_at), `status`.",
  request: { params: IdParam, query: ListResultsQuerySchema },
  responses: {
    200: {
      description: "A page of results",
      content: { "application/json": { schema: pageSchema(CheckResultSchema, "CheckResultPage") } },
    },
    ...notFoundResponse,
  },
});

/** The checks' JSON with their notify_gap: one coverage query for the whole page, not one per check. */
async function checksJson<T extends CheckWithUptime>(sql: Sql, principal: Principal, items: T[]) {
  const gaps = await gapsOf(sql, principal, items.map((i) => i.check.id));
  return items.map((i) => healthCheckJson({ ...i, gap: gaps.get(i.check.id) ?? null }));
}

const checkJson = async <T extends CheckWithUptime>(sql: Sql, principal: Principal, item: T) =>
  (await checksJson(sql, principal, [item]))[0];

export function healthChecksApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use(BASE, signedIn);
  app.use(`${BASE}/*`, signedIn);
  app.openapi(listRoute, async (c) => {
    const { sql, now } = c.get("deps");
    const principal = requirePrincipal(c);
    const page = await listHealthChecks(sql, principal, c.req.valid("query"), now());
    return c.json({ data: await checksJson(sql, principal, page.data), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(createCheckRoute, async (c) => {
    const { sql, config } = c.get("deps");
    const principal = requirePrincipal(c);
    const created = await createHealthCheck(sql, principal, config, c.req.valid("json"), auditContext(c), {
      origin: selfOrigin(c),
    });
    if (created.pingUrl) c.header("Cache-Control", "no-store");
    const json = await checkJson(sql, principal, created);
    return c.json({ ...json, ping_url: created.pingUrl }, 201, locationOf(c, created.check.id));
  });
  app.openapi(getRoute, async (c) => {
    const { sql, now } = c.get("deps");
    const principal = requirePrincipal(c);
    return c.json(await checkJson(sql, principal, await getCheck(sql, principal, c.req.valid("param").id, now())), 200);
  });
  app.openapi(updateRoute, async (c) => {
    const { sql, config } = c.get("deps");
    const { id } = c.req.valid("param");
    const principal = requirePrincipal(c);
    const updated = await updateHealthCheck(sql, principal, config, id, c.req.valid("json"), auditContext(c));
    return c.json(await checkJson(sql, principal, updated), 200);
  });
  app.openapi(deleteRoute, async (c) => {
    await deleteHealthCheck(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  for (const action of ["pause", "resume", "run"] as const) {
    app.openapi(scheduleRoute(action), async (c) => {
      const { id } = c.req.valid("param");
      const { sql } = c.get("deps");
      const principal = requirePrincipal(c);
      const check = await changeSchedule(sql, principal, id, action, auditContext(c));
      return c.json(await checkJson(sql, principal, check), 200);
    });
  }
  app.openapi(bulkRoute, async (c) => {
    const result = await bulkChecks(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    return c.json(result, 200);
  });
  app.openapi(rotateRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { sql } = c.get("deps");
    const principal = requirePrincipal(c);
    const rotated = await rotatePingToken(sql, principal, id, auditContext(c), { origin: selfOrigin(c) });
    c.header("Cache-Control", "no-store");
    return c.json({ ...(await checkJson(sql, principal, rotated)), ping_url: rotated.pingUrl }, 200);
  });
  app.openapi(resultsRoute, async (c) => {
    const { id } = c.req.valid("param");
    const page = await listCheckResults(c.get("deps").sql, requirePrincipal(c), id, c.req.valid("query"));
    const data = page.data.map((r) => ({
      checked_at: r.checked_at.toISOString(),
      status: r.status,
      latency_ms: r.latency_ms,
      status_code: r.status_code,
      detail: r.detail,
    }));
    return c.json({ data, next_cursor: page.next_cursor }, 200);
  });
  return app;
}
