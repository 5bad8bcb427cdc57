/** Data models over the API: CRUD (admins), and the builder over a model: build the SQL, or run it. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  buildModelQuery,
  createDataModel,
  dataModelJson,
  deleteDataModel,
  getDataModelWithFields,
  listDataModels,
  runModelQuery,
  updateDataModel,
} from "../../../services/data_models/data_models.ts";
import {
  BuiltModelQuerySchema,
  CreateDataModelSchema,
  DataModelSchema,
  ModelBuildSchema,
  RunModelSchema,
  UpdateDataModelSchema,
} from "../../../services/data_models/schemas.ts";
import { resultJson } from "../../../services/data_sources/run.ts";
import { QueryResultSchema } from "../../../services/data_sources/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { sourceDeps } from "../../data_sources_deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, jsonAnswer, jsonBody, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAG = ["Data models"];
const PATH = "/api/v1/data-models";
const WRITE = "Needs `data_models:write` (admins by default: calculated fields are SQL expressions). ";
const CHECKS = "Tables and join columns must be in the source's introspected schema, join columns of one type; " +
  "calculated fields parse as one expression with whitelisted operators and functions over the model's columns " +
  "(422 naming the field: `tables.0.table`, `joins.0.on.0.right`, `calculated_fields.0.expression`, …).";
const forbidden = { 403: problem("Your role may read data models but not define them") };
const ListQuery = z.object({
  data_source_id: z.uuid().optional().openapi({ param: { name: "data_source_id", in: "query" } }),
});

const listRoute = createRoute({
  method: "get",
  path: PATH,
  operationId: "listDataModels",
  security: SIGNED_IN,
  tags: TAG,
  summary: "The tenant's data models, by name",
  description: "Needs `data_models:read` and `data_sources:read` (admins and employees; client users have none). " +
    "`fields` is empty here: get one model for the fields it offers.",
  request: { query: ListQuery },
  responses: { 200: jsonAnswer("The models", z.object({ data: z.array(DataModelSchema) })), ...notFoundResponse },
});

const getRoute = createRoute({
  method: "get",
  path: `${PATH}/{id}`,
  operationId: "getDataModel",
  security: SIGNED_IN,
  tags: TAG,
  summary: "One data model with the fields it offers the builder",
  request: { params: IdParam },
  responses: { 200: jsonAnswer("The model", DataModelSchema), ...notFoundResponse },
});

const createRouteDef = createRoute({
  method: "post",
  path: PATH,
  operationId: "createDataModel",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Define a data model: a base table, joins and calculated fields over one SQL source",
  description: WRITE + CHECKS,
  request: { body: jsonBody(CreateDataModelSchema) },
  responses: { 201: jsonAnswer("Created", DataModelSchema), ...forbidden, ...notFoundResponse },
});

const updateRoute = createRoute({
  method: "patch",
  path: `${PATH}/{id}`,
  operationId: "updateDataModel",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Change a data model",
  description: WRITE + CHECKS,
  request: { params: IdParam, body: jsonBody(UpdateDataModelSchema) },
  responses: { 200: jsonAnswer("The model as saved", DataModelSchema), ...forbidden, ...notFoundResponse },
});

const deleteRoute = createRoute({
  method: "delete",
  path: `${PATH}/{id}`,
  operationId: "deleteDataModel",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Delete a data model (saved queries built from it keep their SQL)",
  description: "Needs `data_models:delete` (admins).",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...forbidden, ...notFoundResponse },
});

const buildRoute = createRoute({
  method: "post",
  path: `${PATH}/{id}/build`,
  operationId: "buildDataModelQuery",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Generate SQL over the model (dimensions with time grain, measures, filters, sort, limit)",
  description: "Needs `data_models:read`. Fields are `alias.column` or a calculated field's name (422 naming " +
    "the field otherwise); identifiers are quoted; filter values become typed `{{filter_N}}` parameters. Nothing " +
    "runs or is stored: save the answer with POST /api/v1/saved-queries.",
  request: { params: IdParam, body: jsonBody(ModelBuildSchema) },
  responses: { 200: jsonAnswer("The query", BuiltModelQuerySchema), ...notFoundResponse },
});

const runRoute = createRoute({
  method: "post",
  path: `${PATH}/{id}/run`,
  operationId: "runDataModelQuery",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Generate SQL over the model and run it",
  description: "Needs `data_models:read` and `data_sources:read`. Runs as a saved query does: one read-only " +
    "statement in a READ ONLY transaction with the source's timeout and row cap, `values` bound by type (422 " +
    "naming `parameters.filter_N`), one query_metrics row.",
  request: { params: IdParam, body: jsonBody(RunModelSchema) },
  responses: {
    200: jsonAnswer("The SQL and its result", BuiltModelQuerySchema.extend({ result: QueryResultSchema })),
    502: problem("The data source cannot be reached or refused the connection"),
    ...notFoundResponse,
  },
});

export function dataModelsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use(PATH, signedIn);
  app.use(`${PATH}/*`, signedIn);
  app.openapi(listRoute, async (c) => {
    const rows = await listDataModels(c.get("deps").sql, requirePrincipal(c), {
      dataSourceId: c.req.valid("query").data_source_id,
    });
    return c.json({ data: rows.map((r) => dataModelJson(r)) }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const { row, model } = await getDataModelWithFields(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
    );
    return c.json(dataModelJson(row, model), 200);
  });
  app.openapi(createRouteDef, async (c) => {
    const { row, model } = await createDataModel(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(dataModelJson(row, model), 201, locationOf(c, row.id));
  });
  app.openapi(updateRoute, async (c) => {
    const { row, model } = await updateDataModel(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(dataModelJson(row, model), 200);
  });
  app.openapi(deleteRoute, async (c) => {
    await deleteDataModel(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  app.openapi(buildRoute, async (c) => {
    const built = await buildModelQuery(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(built, 200);
  });
  app.openapi(runRoute, async (c) => {
    const { built, result } = await runModelQuery(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      sourceDeps(c),
    );
    return c.json({ ...built, result: resultJson(result) }, 200);
  });
  return app;
}
