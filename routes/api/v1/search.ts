/** Global search: projects, checks, clients, deployments and alerts by name. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { search, SearchQuerySchema, SearchResultSchema } from "../../../services/search/search.ts";
import type { AppEnv } from "../../deps.ts";
import { requirePrincipal } from "../../middleware/auth.ts";
import { SIGNED_IN } from "../openapi_shared.ts";

const searchRoute = createRoute({
  method: "get",
  path: "/api/v1/search",
  operationId: "searchEverything",
  security: SIGNED_IN,
  tags: ["Search"],
  summary: "Search projects, checks, clients, deployments and alerts",
  description: "Names containing `q` (projects also by slug, deployments by commit prefix), up to 10 per kind, " +
    "only kinds the caller may read and, for client users, only their client's.",
  request: { query: SearchQuerySchema },
  responses: {
    200: { description: "Matches", content: { "application/json": { schema: SearchResultSchema } } },
  },
});

export function searchApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(
    searchRoute,
    async (c) => c.json(await search(c.get("deps").sql, requirePrincipal(c), c.req.valid("query")), 200),
  );
  return app;
}
