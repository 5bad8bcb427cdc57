/** Data sources over the API: CRUD (secrets write-only), test connection, introspection and ad-hoc queries. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  createDataSource,
  dataSourceJson,
  deleteDataSource,
  getDataSource,
  introspectDataSource,
  listDataSources,
  sourceSchema,
  testDataSource,
  updateDataSource,
} from "../../../services/data_sources/data_sources.ts";
import { resultCsv, runAdHoc } from "../../../services/data_sources/saved_queries.ts";
import { resultJson } from "../../../services/data_sources/run.ts";
import { testSettings } from "../../../services/data_sources/test_settings.ts";
import {
  AdHocQuerySchema,
  CreateDataSourceSchema,
  DataSourceSchema,
  QueryResultSchema,
  RunFormatSchema,
  SchemaColumnSchema,
  TestResultSchema,
  TestSettingsSchema,
  UpdateDataSourceSchema,
} from "../../../services/data_sources/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { sourceDeps } from "../../data_sources_deps.ts";
import { auditContext, requirePrincipal } from "../../middleware/auth.ts";
import { IdParam, jsonAnswer, jsonBody, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";
import { signedIn } from "../../middleware/auth.ts";
import { dataSourceFilesApi } from "./data_source_files.ts";
import { queryBuilderApi } from "./query_builder.ts";

const forbidden = { 403: problem("Your role may read data sources but not change them") };
const unavailable = { 502: problem("The data source cannot be reached or refused the connection") };
const TAG = ["Data sources"];
const PATH = "/api/v1/data-sources";

const listRoute = createRoute({
  method: "get",
  path: PATH,
  operationId: "listDataSources",
  security: SIGNED_IN,
  tags: TAG,
  summary: "The organisation's data sources, by name",
  description: "Needs `data_sources:read` (admins and employees; client users have no access). Secrets are never " +
    "returned: `has_secret` says one is set. Every organisation has one source of kind `opsdeck` (built in): its " +
    "own checks, uptime, deployments, alerts and metrics through fixed query shapes (a query's text is a shape's " +
    "name, e.g. `deployments`; docs/data-sources.md).",
  responses: { 200: jsonAnswer("The sources", z.object({ data: z.array(DataSourceSchema) })), ...notFoundResponse },
});

const getRoute = createRoute({
  method: "get",
  path: `${PATH}/{id}`,
  operationId: "getDataSource",
  security: SIGNED_IN,
  tags: TAG,
  summary: "One data source, with its status and last error",
  request: { params: IdParam },
  responses: { 200: jsonAnswer("The source", DataSourceSchema), ...notFoundResponse },
});

const createRouteDef = createRoute({
  method: "post",
  path: PATH,
  operationId: "createDataSource",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Add a data source",
  description: "Needs `data_sources:write`. postgresql: `{ host, port, database, user, password, ssl, " +
    "timeout_seconds (≤ 60), row_limit }` or `{ url }`. The host must pass the outbound address policy: private " +
    "ranges are allowed, loopback only when OPSDECK_PROBE_ALLOW lists it, cloud metadata and Opsdeck's own " +
    "database never (422 naming `config.host`).",
  request: { body: jsonBody(CreateDataSourceSchema) },
  responses: { 201: jsonAnswer("Created", DataSourceSchema), ...forbidden, ...notFoundResponse },
});

const updateRoute = createRoute({
  method: "patch",
  path: `${PATH}/{id}`,
  operationId: "updateDataSource",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Rename or reconfigure a source (its status goes back to pending)",
  description: "Needs `data_sources:write`. `config` replaces the settings; leaving out the password keeps it.",
  request: { params: IdParam, body: jsonBody(UpdateDataSourceSchema) },
  responses: { 200: jsonAnswer("The source as saved", DataSourceSchema), ...forbidden, ...notFoundResponse },
});

const deleteRoute = createRoute({
  method: "delete",
  path: `${PATH}/{id}`,
  operationId: "deleteDataSource",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Delete a source with its schema, saved queries, models and query alerts",
  description: "Needs `data_sources:delete` (admins). The built-in `opsdeck` source cannot be deleted (409).",
  request: { params: IdParam },
  responses: {
    204: { description: "Deleted" },
    403: problem("Your role cannot delete data sources"),
    409: problem("The built-in opsdeck source cannot be deleted"),
    ...notFoundResponse,
  },
});

const testRoute = createRoute({
  method: "post",
  path: `${PATH}/{id}/test`,
  operationId: "testDataSource",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Connect now; the outcome becomes the source's status",
  description: "Needs `data_sources:write`. A failed connection is still a 200 with `ok: false` and a message a " +
    "person can act on (wrong password, refused address, timeout).",
  request: { params: IdParam },
  responses: { 200: jsonAnswer("The outcome", TestResultSchema), ...forbidden, ...notFoundResponse },
});

const testSettingsRoute = createRoute({
  method: "post",
  path: `${PATH}/test-settings`,
  operationId: "testDataSourceSettings",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Try settings before saving them; nothing is stored",
  description: "Needs `data_sources:write`. The settings are validated as for creating (422 naming `config.<field>`) " +
    "and pass the outbound policy; a failed connection is a 200 with `ok: false` and the reason.",
  request: { body: jsonBody(TestSettingsSchema) },
  responses: {
    200: jsonAnswer("The outcome", TestResultSchema.pick({ ok: true, message: true })),
    ...forbidden,
    ...notFoundResponse,
  },
});

const introspectRoute = createRoute({
  method: "post",
  path: `${PATH}/{id}/introspect`,
  operationId: "introspectDataSource",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Read the source's tables and columns into its schema (sets last_sync)",
  request: { params: IdParam },
  responses: {
    200: jsonAnswer("The columns", z.object({ data: z.array(SchemaColumnSchema) })),
    ...forbidden,
    ...unavailable,
    ...notFoundResponse,
  },
});

const schemaRoute = createRoute({
  method: "get",
  path: `${PATH}/{id}/schema`,
  operationId: "getDataSourceSchema",
  security: SIGNED_IN,
  tags: TAG,
  summary: "The columns found by the last introspection",
  request: { params: IdParam },
  responses: { 200: jsonAnswer("The columns", z.object({ data: z.array(SchemaColumnSchema) })), ...notFoundResponse },
});

const queryRoute = createRoute({
  method: "post",
  path: `${PATH}/{id}/query`,
  operationId: "runDataSourceQuery",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Run SQL from the editor without saving it",
  description: "Needs `saved_queries:write`. One read-only SELECT (parsed before it runs), `{{name}}` " +
    "parameters bound as real bind parameters, in a READ ONLY transaction with the source's statement timeout " +
    "and row limit. On the built-in `opsdeck` source: a query shape's name instead of SQL. `?format=csv` returns " +
    "text/csv.",
  request: { params: IdParam, query: RunFormatSchema, body: jsonBody(AdHocQuerySchema) },
  responses: {
    200: {
      description: "The result",
      content: { "application/json": { schema: QueryResultSchema }, "text/csv": { schema: z.string() } },
    },
    ...forbidden,
    ...unavailable,
    ...notFoundResponse,
  },
});

export function dataSourcesApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use(PATH, signedIn);
  app.use(`${PATH}/*`, signedIn);
  app.openapi(listRoute, async (c) => {
    const rows = await listDataSources(c.get("deps").sql, requirePrincipal(c));
    return c.json({ data: rows.map(dataSourceJson) }, 200);
  });
  app.openapi(testSettingsRoute, async (c) => {
    const { kind, config, source_id: sourceId } = c.req.valid("json");
    const r = await testSettings(c.get("deps").sql, requirePrincipal(c), { kind, config, sourceId }, sourceDeps(c));
    return c.json(r, 200);
  });
  app.openapi(getRoute, async (c) => {
    const row = await getDataSource(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(dataSourceJson(row), 200);
  });
  app.openapi(createRouteDef, async (c) => {
    const row = await createDataSource(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("json"),
      auditContext(c),
      sourceDeps(c),
    );
    return c.json(dataSourceJson(row), 201, locationOf(c, row.id));
  });
  app.openapi(updateRoute, async (c) => {
    const { sql } = c.get("deps");
    const id = c.req.valid("param").id;
    const row = await updateDataSource(
      sql,
      requirePrincipal(c),
      id,
      c.req.valid("json"),
      auditContext(c),
      sourceDeps(c),
    );
    return c.json(dataSourceJson(row), 200);
  });
  app.openapi(deleteRoute, async (c) => {
    await deleteDataSource(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  app.openapi(testRoute, async (c) => {
    const { sql } = c.get("deps");
    const r = await testDataSource(sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c), sourceDeps(c));
    return c.json({ ok: r.ok, status: r.status, message: r.message }, 200);
  });
  app.openapi(introspectRoute, async (c) => {
    const { sql } = c.get("deps");
    const id = c.req.valid("param").id;
    const columns = await introspectDataSource(sql, requirePrincipal(c), id, auditContext(c), sourceDeps(c));
    return c.json({ data: columns }, 200);
  });
  app.openapi(schemaRoute, async (c) => {
    const columns = await sourceSchema(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json({ data: columns }, 200);
  });
  app.openapi(queryRoute, async (c) => {
    const { sql } = c.get("deps");
    const result = await runAdHoc(
      sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      sourceDeps(c),
    );
    if (c.req.valid("query").format === "csv") return c.body(resultCsv(result), 200, { "Content-Type": "text/csv" });
    return c.json(resultJson(result), 200);
  });
  app.route("/", dataSourceFilesApi());
  app.route("/", queryBuilderApi());
  return app;
}
