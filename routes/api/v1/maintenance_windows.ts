/** Maintenance windows over the API: CRUD plus "end now", so a CI job can mute a rollout and unmute it. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { windowJson } from "../../../services/maintenance/build.ts";
import {
  CreateWindowSchema,
  ListWindowsQuerySchema,
  UpdateWindowSchema,
  WindowSchema,
} from "../../../services/maintenance/schemas.ts";
import {
  createWindow,
  deleteWindow,
  endWindow,
  getWindow,
  listWindows,
  updateWindow,
} from "../../../services/maintenance/windows.ts";
import { pageSchema } from "../../../services/platform/pagination.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAGS = ["Maintenance windows"];
const PATH = "/api/v1/maintenance-windows";

const windowResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: WindowSchema } },
});

const listRoute = createRoute({
  method: "get",
  path: PATH,
  operationId: "listMaintenanceWindows",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "List maintenance windows, open series and latest-ending first",
  description: "Needs `health_checks:read`. Client users see their client's projects' windows and tenant-wide " +
    "ones. Filters: `project_id`, `state` (`current` = not over yet, `past`, `all`).",
  request: { query: ListWindowsQuerySchema },
  responses: {
    200: {
      description: "A page of windows",
      content: { "application/json": { schema: pageSchema(WindowSchema, "MaintenanceWindowPage") } },
    },
    ...notFoundResponse,
  },
});

const createWindowRoute = createRoute({
  method: "post",
  path: PATH,
  operationId: "createMaintenanceWindow",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Create a maintenance window (one-off or recurring)",
  description: "Needs `health_checks:write`. One-off: `starts_at` (default now) and `ends_at` or " +
    "`duration_minutes` — a CI job muting a rollout sends just `{title, project_id, duration_minutes}` and ends " +
    "it with `POST /{id}/end`. Recurring: `rrule` + `duration_minutes` + local `dtstart` + `timezone`; " +
    "occurrences follow the local clock across DST (a time skipped by a spring-forward change starts when the " +
    "gap ends; a time that happens twice counts once). While a window covers a project, its checks keep " +
    "running and recording, but their alerts are held back and the time is left out of uptime.",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: CreateWindowSchema,
          examples: {
            rollout: {
              summary: "Mute a project for a rollout",
              value: { title: "Deploy 2.4", project_id: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19", duration_minutes: 30 },
            },
            weekly: {
              summary: "Every Sunday 02:00–04:00 Berlin time",
              value: {
                title: "Weekly database upkeep",
                rrule: "FREQ=WEEKLY;BYDAY=SU",
                dtstart: "2025-03-02T02:00",
                timezone: "Europe/Berlin",
                duration_minutes: 120,
              },
            },
          },
        },
      },
    },
  },
  responses: {
    201: windowResponse("Created"),
    403: problem("Your role or key may read maintenance windows but not create them"),
    404: problem("The caller may not see health checks at all"),
  },
});

const getRoute = createRoute({
  method: "get",
  path: `${PATH}/{id}`,
  operationId: "getMaintenanceWindow",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "One maintenance window, with its next occurrences",
  request: { params: IdParam },
  responses: { 200: windowResponse("The window"), ...notFoundResponse },
});

const updateRoute = createRoute({
  method: "patch",
  path: `${PATH}/{id}`,
  operationId: "updateMaintenanceWindow",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Change a maintenance window",
  description: "Needs `health_checks:write`. Fields as for creating; the result is validated as a whole. " +
    "`rrule: null` turns a series into a one-off window.",
  request: {
    params: IdParam,
    body: {
      required: true,
      content: { "application/json": { schema: UpdateWindowSchema, example: { duration_minutes: 90 } } },
    },
  },
  responses: {
    200: windowResponse("The window as changed"),
    403: problem("Your role or key may read maintenance windows but not change them"),
    ...notFoundResponse,
  },
});

const endRoute = createRoute({
  method: "post",
  path: `${PATH}/{id}/end`,
  operationId: "endMaintenanceWindow",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "End a window now (a series: stop it)",
  description: "Needs `health_checks:write`. Ends the running window (or occurrence) now; a series has no " +
    "further occurrences. Ending a window that is already over changes nothing (a retried CI step). A window " +
    "that has not started yet is a 409: delete it instead.",
  request: { params: IdParam },
  responses: {
    200: windowResponse("The window as ended"),
    403: problem("Your role or key may read maintenance windows but not end them"),
    ...notFoundResponse,
    409: problem("The window has not started yet"),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: `${PATH}/{id}`,
  operationId: "deleteMaintenanceWindow",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Delete a maintenance window",
  description: "Needs `health_checks:delete`. Past windows are better ended and kept: uptime figures " +
    "computed later leave out only the windows that still exist.",
  request: { params: IdParam },
  responses: {
    204: { description: "Deleted" },
    403: problem("Your role or key may not delete maintenance windows"),
    ...notFoundResponse,
  },
});

export function maintenanceWindowsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use(PATH, signedIn);
  app.use(`${PATH}/*`, signedIn);
  app.openapi(listRoute, async (c) => {
    const { sql, now } = c.get("deps");
    const at = now();
    const page = await listWindows(sql, requirePrincipal(c), c.req.valid("query"), at);
    return c.json({ data: page.data.map((w) => windowJson(w, at)), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(createWindowRoute, async (c) => {
    const ctx = auditContext(c);
    const row = await createWindow(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), ctx);
    return c.json(windowJson(row, ctx.now), 201, locationOf(c, row.id));
  });
  app.openapi(getRoute, async (c) => {
    const { sql, now } = c.get("deps");
    return c.json(windowJson(await getWindow(sql, requirePrincipal(c), c.req.valid("param").id), now()), 200);
  });
  app.openapi(updateRoute, async (c) => {
    const ctx = auditContext(c);
    const row = await updateWindow(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      ctx,
    );
    return c.json(windowJson(row, ctx.now), 200);
  });
  app.openapi(endRoute, async (c) => {
    const ctx = auditContext(c);
    const row = await endWindow(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, ctx);
    return c.json(windowJson(row, ctx.now), 200);
  });
  app.openapi(deleteRoute, async (c) => {
    await deleteWindow(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  return app;
}
