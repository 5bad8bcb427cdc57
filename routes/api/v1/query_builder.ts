/** The query builder over the API: a source's introspected schema → SQL with quoted identifiers and parameters. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { BuildSchema } from "../../../services/data_sources/builder.ts";
import { buildQuery } from "../../../services/data_sources/data_sources.ts";
import { ParameterSchema } from "../../../services/data_sources/parameters.ts";
import type { AppEnv } from "../../deps.ts";
import { requirePrincipal } from "../../middleware/auth.ts";
import { IdParam, jsonAnswer, jsonBody, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const buildRoute = createRoute({
  method: "post",
  path: "/api/v1/data-sources/{id}/build",
  operationId: "buildQuery",
  security: SIGNED_IN,
  tags: ["Data sources"],
  summary: "Generate a query from the source's schema (dimensions, measures, filters, sort, limit)",
  description: "Needs `saved_queries:write`. Tables and columns must be in the introspected schema (422 naming the " +
    "field otherwise) and are written as quoted identifiers; filter values become typed `{{filter_N}}` parameters. " +
    "Nothing runs or is stored: save the answer as a saved query (POST /api/v1/saved-queries).",
  request: { params: IdParam, body: jsonBody(BuildSchema) },
  responses: {
    200: jsonAnswer(
      "The query",
      z.object({ query_text: z.string(), parameters: z.array(ParameterSchema) }).openapi("BuiltQuery"),
    ),
    403: problem("Your role may not write queries"),
    ...notFoundResponse,
  },
});

export function queryBuilderApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(buildRoute, async (c) => {
    const built = await buildQuery(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(built, 200);
  });
  return app;
}
