/** Data-source grants over the API: who may read one data source by an approved access request, and revoking it. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { listGrants, revokeGrant } from "../../../services/data_sources/grants.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, jsonAnswer, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAGS = ["Approvals"];

const GrantSchema = z.object({
  id: z.uuid(),
  data_source_id: z.uuid(),
  data_source_name: z.string().openapi({ example: "Billing replica" }),
  user_id: z.uuid(),
  user_name: z.string(),
  approval_id: z.uuid().nullable().openapi({ description: "The approved access request" }),
  granted_by: z.uuid().nullable(),
  created_at: z.string().openapi({ format: "date-time" }),
}).openapi("DataSourceGrant");

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/data-source-grants",
  operationId: "listDataSourceGrants",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Data-source grants: everyone's with `data_sources:read`, otherwise one's own",
  responses: { 200: jsonAnswer("Newest first (at most 500)", z.array(GrantSchema)) },
});

const revokeRoute = createRoute({
  method: "delete",
  path: "/api/v1/data-source-grants/{id}",
  operationId: "revokeDataSourceGrant",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Revoke a data-source grant",
  description: "Needs `data_sources:write`; audited as `data_source_grant.revoke`.",
  request: { params: IdParam },
  responses: { 204: { description: "Revoked" }, 403: problem("Needs data_sources:write"), ...notFoundResponse },
});

export function dataSourceGrantsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/data-source-grants", signedIn);
  app.use("/api/v1/data-source-grants/*", signedIn);
  app.openapi(listRoute, async (c) => {
    const rows = await listGrants(c.get("deps").sql, requirePrincipal(c));
    return c.json(rows.map((g) => ({ ...g, created_at: g.created_at.toISOString() })), 200);
  });
  app.openapi(revokeRoute, async (c) => {
    await revokeGrant(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  return app;
}
