/** Dashboards over the API: CRUD, widgets, layout, widget data, sharing, public link, versions, export/import. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  createDashboard,
  dashboardJson,
  deleteDashboard,
  getDashboard,
  listDashboards,
  updateDashboard,
  widgetJson,
} from "../../../services/dashboards/dashboards.ts";
import { levelOf } from "../../../services/dashboards/access.ts";
import { dashboardWidgetData } from "../../../services/dashboards/data/widget_data.ts";
import {
  CreateDashboardSchema,
  DashboardSchema,
  DatasetSchema,
  GrantSchema,
  GrantsSchema,
  LayoutSchema,
  PublicLinkInputSchema,
  RANGES,
  UpdateDashboardSchema,
  WidgetInputSchema,
  WidgetSchema,
  WidgetUpdateSchema,
} from "../../../services/dashboards/schemas.ts";
import {
  createPublicLink,
  grantJson,
  listGrants,
  revokePublicLink,
  setGrants,
} from "../../../services/dashboards/sharing.ts";
import { SnapshotSchema } from "../../../services/dashboards/snapshot.ts";
import {
  exportDashboard,
  importDashboard,
  publishVersion,
  restoreVersion,
  versionHistory,
} from "../../../services/dashboards/versions.ts";
import { addWidget, deleteWidget, setLayout, updateWidget } from "../../../services/dashboards/widgets.ts";
import { NotFoundError } from "../../../services/platform/errors.ts";
import { sourceDeps } from "../../data_sources_deps.ts";
import { publicViewsOf } from "../../dashboards_public.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, jsonAnswer, jsonBody, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAG = ["Dashboards"];
const PATH = "/api/v1/dashboards";
const forbidden = { 403: problem("Your access to this dashboard (or your role) does not allow it") };
const WidgetParams = IdParam.extend({
  widget_id: z.uuid().openapi({ param: { name: "widget_id", in: "path" } }),
});
const VersionParams = IdParam.extend({
  version: z.string().max(40).openapi({ param: { name: "version", in: "path" }, example: "3" }),
});
const ListQuery = z.object({
  q: z.string().trim().max(200).optional().openapi({ param: { name: "q", in: "query" } }),
  shared: z.enum(["true", "false"]).optional().openapi({
    param: { name: "shared", in: "query" },
    description: "true: only dashboards shared with me (not those I own)",
  }),
});
const FilterQuery = z.object({
  range: z.enum(RANGES).optional().openapi({ param: { name: "range", in: "query" } }),
  project: z.string().max(36).optional().openapi({ param: { name: "project", in: "query" } }),
  env: z.string().max(100).optional().openapi({ param: { name: "env", in: "query" } }),
}).openapi({ description: "Also p.<name>=value for a saved query's parameter" });

function route<R extends Parameters<typeof createRoute>[0]>(r: R) {
  return createRoute({ ...r, security: SIGNED_IN, tags: TAG });
}

const routes = {
  list: route({
    method: "get",
    path: PATH,
    operationId: "listDashboards",
    summary: "Dashboards the caller may see (clients: those shared with them), by name",
    request: { query: ListQuery },
    responses: { 200: jsonAnswer("The dashboards", z.object({ data: z.array(DashboardSchema) })) },
  }),
  create: route({
    method: "post",
    path: PATH,
    operationId: "createDashboard",
    summary: "Start a dashboard (needs dashboards:write)",
    request: { body: jsonBody(CreateDashboardSchema) },
    responses: { 201: jsonAnswer("Created", DashboardSchema), ...forbidden, ...notFoundResponse },
  }),
  import: route({
    method: "post",
    path: `${PATH}/import`,
    operationId: "importDashboard",
    summary: "Create a dashboard from an export; saved queries are found by source and query name (422 if missing)",
    request: { body: jsonBody(SnapshotSchema) },
    responses: { 201: jsonAnswer("Imported", DashboardSchema), ...forbidden, ...notFoundResponse },
  }),
  get: route({
    method: "get",
    path: `${PATH}/{id}`,
    operationId: "getDashboard",
    summary: "One dashboard with its widgets",
    request: { params: IdParam },
    responses: { 200: jsonAnswer("The dashboard", DashboardSchema), ...notFoundResponse },
  }),
  update: route({
    method: "patch",
    path: `${PATH}/{id}`,
    operationId: "updateDashboard",
    summary: "Rename, describe, tag, set filters or the refresh interval (edit access); a new version",
    request: { params: IdParam, body: jsonBody(UpdateDashboardSchema) },
    responses: { 200: jsonAnswer("Saved", DashboardSchema), ...forbidden, ...notFoundResponse },
  }),
  delete: route({
    method: "delete",
    path: `${PATH}/{id}`,
    operationId: "deleteDashboard",
    summary: "Delete a dashboard (admin access: the owner, an admin grant or the admin role)",
    request: { params: IdParam },
    responses: { 204: { description: "Deleted" }, ...forbidden, ...notFoundResponse },
  }),
  export: route({
    method: "get",
    path: `${PATH}/{id}/export`,
    operationId: "exportDashboard",
    summary: "The dashboard as JSON for import elsewhere (saved queries by name)",
    request: { params: IdParam },
    responses: { 200: jsonAnswer("The export", SnapshotSchema), ...notFoundResponse },
  }),
  addWidget: route({
    method: "post",
    path: `${PATH}/{id}/widgets`,
    operationId: "addDashboardWidget",
    summary: "Add a widget (at most 100; a saved query must be one the caller can see, else 404)",
    request: { params: IdParam, body: jsonBody(WidgetInputSchema) },
    responses: { 201: jsonAnswer("Added", WidgetSchema), ...forbidden, ...notFoundResponse },
  }),
  updateWidget: route({
    method: "patch",
    path: `${PATH}/{id}/widgets/{widget_id}`,
    operationId: "updateDashboardWidget",
    summary: "Change a widget; tiles it would overlap move down",
    request: { params: WidgetParams, body: jsonBody(WidgetUpdateSchema) },
    responses: { 200: jsonAnswer("Saved", WidgetSchema), ...forbidden, ...notFoundResponse },
  }),
  deleteWidget: route({
    method: "delete",
    path: `${PATH}/{id}/widgets/{widget_id}`,
    operationId: "deleteDashboardWidget",
    summary: "Remove a widget",
    request: { params: WidgetParams },
    responses: { 204: { description: "Removed" }, ...forbidden, ...notFoundResponse },
  }),
  widgetData: route({
    method: "get",
    path: `${PATH}/{id}/widgets/{widget_id}/data`,
    operationId: "getDashboardWidgetData",
    summary: "A widget's rows under the dashboard's filters (overridden by the query), limited to the caller's data",
    request: { params: WidgetParams, query: FilterQuery },
    responses: {
      200: jsonAnswer("Columns and rows", DatasetSchema),
      502: problem("The widget's data source cannot be reached"),
      ...notFoundResponse,
    },
  }),
  layout: route({
    method: "put",
    path: `${PATH}/{id}/layout`,
    operationId: "setDashboardLayout",
    summary: "Move and resize widgets; negative or out-of-grid positions are a 422, overlaps are normalised",
    request: { params: IdParam, body: jsonBody(LayoutSchema) },
    responses: {
      200: jsonAnswer("The widgets as placed", z.object({ data: z.array(WidgetSchema) })),
      ...forbidden,
      ...notFoundResponse,
    },
  }),
  grants: route({
    method: "get",
    path: `${PATH}/{id}/permissions`,
    operationId: "listDashboardPermissions",
    summary: "Who the dashboard is shared with (share access)",
    request: { params: IdParam },
    responses: {
      200: jsonAnswer("Grants", z.object({ data: z.array(GrantSchema) })),
      ...forbidden,
      ...notFoundResponse,
    },
  }),
  setGrants: route({
    method: "put",
    path: `${PATH}/{id}/permissions`,
    operationId: "setDashboardPermissions",
    summary: "Replace the grants: users by e-mail or roles by name, at view | edit | share | admin",
    request: { params: IdParam, body: jsonBody(GrantsSchema) },
    responses: {
      200: jsonAnswer("Grants", z.object({ data: z.array(GrantSchema) })),
      ...forbidden,
      ...notFoundResponse,
    },
  }),
  publicLink: route({
    method: "post",
    path: `${PATH}/{id}/public-link`,
    operationId: "createDashboardPublicLink",
    summary: "Make (or replace) the public link; the token is returned once and stored hashed",
    request: { params: IdParam, body: jsonBody(PublicLinkInputSchema) },
    responses: {
      201: jsonAnswer("The link", z.object({ url: z.string(), token: z.string() })),
      ...forbidden,
      ...notFoundResponse,
    },
  }),
  revokeLink: route({
    method: "delete",
    path: `${PATH}/{id}/public-link`,
    operationId: "revokeDashboardPublicLink",
    summary: "Revoke the public link: its URL answers 404 from now on",
    request: { params: IdParam },
    responses: { 204: { description: "Revoked" }, ...forbidden, ...notFoundResponse },
  }),
  versions: route({
    method: "get",
    path: `${PATH}/{id}/versions`,
    operationId: "listDashboardVersions",
    summary: "Every saved version, newest first, with the widgets each changed",
    request: { params: IdParam },
    responses: {
      200: jsonAnswer(
        "Versions",
        z.object({
          data: z.array(z.object({
            version: z.int(),
            created_at: z.string(),
            author: z.string().nullable(),
            changes: z.array(z.object({ id: z.string(), title: z.string(), change: z.string() })),
          })),
        }),
      ),
      ...notFoundResponse,
    },
  }),
  restore: route({
    method: "post",
    path: `${PATH}/{id}/versions/{version}/restore`,
    operationId: "restoreDashboardVersion",
    summary: "Make an earlier version the current one (as a new version)",
    request: { params: VersionParams },
    responses: { 200: jsonAnswer("Restored", DashboardSchema), ...forbidden, ...notFoundResponse },
  }),
  publish: route({
    method: "post",
    path: `${PATH}/{id}/versions/{version}/publish`,
    operationId: "publishDashboardVersion",
    summary: "Mark a version as the published one",
    request: { params: VersionParams },
    responses: { 204: { description: "Published" }, ...forbidden, ...notFoundResponse },
  }),
};

function versionOf(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new NotFoundError("No such version");
  return n;
}

async function full(c: Context<AppEnv>, id: string) {
  const { dashboard, widgets } = await getDashboard(c.get("deps").sql, requirePrincipal(c), id);
  return dashboardJson(dashboard, dashboard.level, widgets);
}

export function dashboardsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use(PATH, signedIn);
  app.use(`${PATH}/*`, signedIn);
  app.openapi(routes.list, async (c) => {
    const p = requirePrincipal(c);
    const { q, shared } = c.req.valid("query");
    const rows = await listDashboards(c.get("deps").sql, p, { search: q, sharedWithMe: shared === "true" });
    return c.json({ data: rows.map((r) => dashboardJson(r, levelOf(p, r.grant_rank) ?? "view")) }, 200);
  });
  app.openapi(routes.create, async (c) => {
    const row = await createDashboard(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    c.header("Location", locationOf(c, row.id).Location);
    return c.json(await full(c, row.id), 201);
  });
  app.openapi(routes.import, async (c) => {
    const row = await importDashboard(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    c.header("Location", `${PATH}/${row.id}`);
    return c.json(await full(c, row.id), 201);
  });
  app.openapi(routes.get, async (c) => c.json(await full(c, c.req.valid("param").id), 200));
  app.openapi(routes.update, async (c) => {
    const { id } = c.req.valid("param");
    await updateDashboard(c.get("deps").sql, requirePrincipal(c), id, c.req.valid("json"), auditContext(c));
    return c.json(await full(c, id), 200);
  });
  app.openapi(routes.delete, async (c) => {
    await deleteDashboard(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  app.openapi(routes.export, async (c) => {
    const { sql, now } = c.get("deps");
    const snapshot = await exportDashboard(sql, requirePrincipal(c), c.req.valid("param").id, now());
    c.header("Content-Disposition", `attachment; filename="dashboard-${c.req.valid("param").id}.json"`);
    return c.json(snapshot, 200);
  });
  app.openapi(routes.addWidget, async (c) => {
    const { id } = c.req.valid("param");
    const row = await addWidget(c.get("deps").sql, requirePrincipal(c), id, c.req.valid("json"), auditContext(c));
    return c.json(widgetJson(row), 201, locationOf(c, row.id));
  });
  app.openapi(routes.updateWidget, async (c) => {
    const { id, widget_id } = c.req.valid("param");
    const row = await updateWidget(
      c.get("deps").sql,
      requirePrincipal(c),
      id,
      widget_id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(widgetJson(row), 200);
  });
  app.openapi(routes.deleteWidget, async (c) => {
    const { id, widget_id } = c.req.valid("param");
    await deleteWidget(c.get("deps").sql, requirePrincipal(c), id, widget_id, auditContext(c));
    return c.body(null, 204);
  });
  app.openapi(routes.widgetData, async (c) => {
    const { id, widget_id } = c.req.valid("param");
    const url = new URL(c.req.url).searchParams;
    const { data } = await dashboardWidgetData(
      c.get("deps").sql,
      requirePrincipal(c),
      id,
      widget_id,
      url,
      sourceDeps(c),
    );
    return c.json(data, 200);
  });
  app.openapi(routes.layout, async (c) => {
    const { id } = c.req.valid("param");
    const rows = await setLayout(c.get("deps").sql, requirePrincipal(c), id, c.req.valid("json"), auditContext(c));
    return c.json({ data: rows.map(widgetJson) }, 200);
  });
  app.openapi(routes.grants, async (c) => {
    const rows = await listGrants(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json({ data: rows.map(grantJson) }, 200);
  });
  app.openapi(routes.setGrants, async (c) => {
    const { id } = c.req.valid("param");
    const rows = await setGrants(c.get("deps").sql, requirePrincipal(c), id, c.req.valid("json"), auditContext(c));
    return c.json({ data: rows.map(grantJson) }, 200);
  });
  app.openapi(routes.publicLink, async (c) => {
    const { id } = c.req.valid("param");
    const p = requirePrincipal(c);
    const { token } = await createPublicLink(c.get("deps").sql, p, id, c.req.valid("json").editable, auditContext(c));
    publicViewsOf(c).forget();
    return c.json({ token, url: `${new URL(c.req.url).origin}/d/${token}` }, 201);
  });
  app.openapi(routes.revokeLink, async (c) => {
    await revokePublicLink(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    publicViewsOf(c).forget();
    return c.body(null, 204);
  });
  app.openapi(routes.versions, async (c) => {
    const { versions, changes } = await versionHistory(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json({
      data: versions.map((v) => ({
        version: v.version,
        created_at: v.created_at.toISOString(),
        author: v.author,
        changes: changes.get(v.version) ?? [],
      })),
    }, 200);
  });
  app.openapi(routes.restore, async (c) => {
    const { id, version } = c.req.valid("param");
    await restoreVersion(c.get("deps").sql, requirePrincipal(c), id, versionOf(version), auditContext(c));
    return c.json(await full(c, id), 200);
  });
  app.openapi(routes.publish, async (c) => {
    const { id, version } = c.req.valid("param");
    await publishVersion(c.get("deps").sql, requirePrincipal(c), id, versionOf(version), auditContext(c));
    return c.body(null, 204);
  });
  return app;
}
