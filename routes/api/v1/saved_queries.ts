/** Saved queries over the API: CRUD and run with typed parameters (JSON or CSV). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  createSavedQuery,
  deleteSavedQuery,
  getSavedQuery,
  listSavedQueries,
  resultCsv,
  runSavedQuery,
  savedQueryJson,
  updateSavedQuery,
} from "../../../services/data_sources/saved_queries.ts";
import { resultJson } from "../../../services/data_sources/run.ts";
import { queryStats } from "../../../services/data_sources/query_stats.ts";
import {
  CreateSavedQuerySchema,
  QueryResultSchema,
  RunFormatSchema,
  RunSavedQuerySchema,
  SavedQuerySchema,
  UpdateSavedQuerySchema,
} from "../../../services/data_sources/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { sourceDeps } from "../../data_sources_deps.ts";
import { auditContext, requirePrincipal } from "../../middleware/auth.ts";
import { IdParam, jsonAnswer, jsonBody, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";
import { signedIn } from "../../middleware/auth.ts";

const forbidden = { 403: problem("Only the author or an administrator may change this query") };
const ListQuery = z.object({
  data_source_id: z.uuid().optional().openapi({ param: { name: "data_source_id", in: "query" } }),
});
const TAG = ["Saved queries"];
const PATH = "/api/v1/saved-queries";

const listRoute = createRoute({
  method: "get",
  path: PATH,
  operationId: "listSavedQueries",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Saved queries the caller may see: shared ones and their own, by name",
  description: "Needs `saved_queries:read` (admins and employees; client users have no access).",
  request: { query: ListQuery },
  responses: { 200: jsonAnswer("The queries", z.object({ data: z.array(SavedQuerySchema) })), ...notFoundResponse },
});

const getRoute = createRoute({
  method: "get",
  path: `${PATH}/{id}`,
  operationId: "getSavedQuery",
  security: SIGNED_IN,
  tags: TAG,
  summary: "One saved query",
  request: { params: IdParam },
  responses: { 200: jsonAnswer("The query", SavedQuerySchema), ...notFoundResponse },
});

const createRouteDef = createRoute({
  method: "post",
  path: PATH,
  operationId: "createSavedQuery",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Save a query",
  description: "Needs `saved_queries:write`. The text must parse as one read-only SELECT (or WITH … SELECT) in " +
    "the source's dialect, and every `{{name}}` in it must be declared in `parameters` (422 naming `query_text`).",
  request: { body: jsonBody(CreateSavedQuerySchema) },
  responses: {
    201: jsonAnswer("Created", SavedQuerySchema),
    403: problem("Your role cannot write queries"),
    ...notFoundResponse,
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: `${PATH}/{id}`,
  operationId: "updateSavedQuery",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Change a saved query (author, or an administrator)",
  request: { params: IdParam, body: jsonBody(UpdateSavedQuerySchema) },
  responses: { 200: jsonAnswer("The query as saved", SavedQuerySchema), ...forbidden, ...notFoundResponse },
});

const deleteRoute = createRoute({
  method: "delete",
  path: `${PATH}/{id}`,
  operationId: "deleteSavedQuery",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Delete a saved query (author, or an administrator)",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...forbidden, ...notFoundResponse },
});

const runRoute = createRoute({
  method: "post",
  path: `${PATH}/{id}/run`,
  operationId: "runSavedQuery",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Run a saved query with parameter values",
  description: "Needs `saved_queries:read` and `data_sources:read`. Values are typed by the query's parameters " +
    "(422 naming `parameters.<name>`) and bound, never spliced. Each run is recorded in query_metrics. " +
    "`?format=csv` returns text/csv (cells a spreadsheet would run as formulas get a leading ').",
  request: { params: IdParam, query: RunFormatSchema, body: jsonBody(RunSavedQuerySchema) },
  responses: {
    200: {
      description: "The result",
      content: { "application/json": { schema: QueryResultSchema }, "text/csv": { schema: z.string() } },
    },
    502: problem("The data source cannot be reached or refused the connection"),
    ...notFoundResponse,
  },
});

const StatsQuery = z.object({
  order: z.enum(["slowest", "most_run"]).default("slowest").openapi({ param: { name: "order", in: "query" } }),
  days: z.coerce.number().int().min(1).max(90).default(7).openapi({ param: { name: "days", in: "query" } }),
});
const StatSchema = z.object({
  query_id: z.uuid().nullable().openapi({ description: "null: SQL run from the editor without saving" }),
  data_source_id: z.uuid(),
  runs: z.int(),
  errors: z.int(),
  p95_ms: z.int(),
  max_ms: z.int(),
  rows: z.int(),
}).openapi("QueryStat");

const statsRoute = createRoute({
  method: "get",
  path: "/api/v1/query-metrics",
  operationId: "listQueryMetrics",
  security: SIGNED_IN,
  tags: TAG,
  summary: "The slowest (by p95) or most-run queries of the last days",
  description: "Needs `saved_queries:read`. From query_metrics: one row per execution, failed ones included.",
  request: { query: StatsQuery },
  responses: { 200: jsonAnswer("Per query", z.object({ data: z.array(StatSchema) })), ...notFoundResponse },
});

export function savedQueriesApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use(PATH, signedIn);
  app.use(`${PATH}/*`, signedIn);
  app.use("/api/v1/query-metrics", signedIn);
  app.openapi(statsRoute, async (c) => {
    const { order, days } = c.req.valid("query");
    const to = c.get("deps").now();
    const from = new Date(to.getTime() - days * 86_400_000);
    const rows = await queryStats(c.get("deps").sql, requirePrincipal(c), { from, to, order, limit: 50 });
    return c.json({ data: rows }, 200);
  });
  app.openapi(listRoute, async (c) => {
    const f = { dataSourceId: c.req.valid("query").data_source_id };
    const rows = await listSavedQueries(c.get("deps").sql, requirePrincipal(c), f);
    return c.json({ data: rows.map(savedQueryJson) }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const row = await getSavedQuery(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(savedQueryJson(row), 200);
  });
  app.openapi(createRouteDef, async (c) => {
    const row = await createSavedQuery(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    return c.json(savedQueryJson(row), 201, locationOf(c, row.id));
  });
  app.openapi(updateRoute, async (c) => {
    const { sql } = c.get("deps");
    const row = await updateSavedQuery(
      sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(savedQueryJson(row), 200);
  });
  app.openapi(deleteRoute, async (c) => {
    await deleteSavedQuery(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  app.openapi(runRoute, async (c) => {
    const { sql } = c.get("deps");
    const result = await runSavedQuery(
      sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      sourceDeps(c),
    );
    if (c.req.valid("query").format === "csv") return c.body(resultCsv(result), 200, { "Content-Type": "text/csv" });
    return c.json(resultJson(result), 200);
  });
  return app;
}
