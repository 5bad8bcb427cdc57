/** The audit log, read-only: list with filters and cursor paging, CSV export, one row. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { exportAuditsCsv } from "../../../services/audits/export.ts";
import { getAudit, listAudits } from "../../../services/audits/list.ts";
import { AuditExportQuerySchema, AuditQuerySchema, AuditSchema } from "../../../services/audits/schemas.ts";
import { pageSchema } from "../../../services/platform/pagination.ts";
import type { AppEnv } from "../../deps.ts";
import { requirePrincipal } from "../../middleware/auth.ts";
import { IdParam, notFoundResponse, SIGNED_IN } from "../openapi_shared.ts";

const CSV_EXAMPLE = "id,seq,created_at,actor_type,actor_id,actor_label,action,resource_type,resource_id,ip," +
  "user_agent,details\r\n" +
  '5d0c…,42,2025-05-03T14:22:05.120Z,user,0f8f…,ada@example.com,user.update,user,7c9e…,203.0.113.7,Mozilla/5.0,"{""after"":{""role"":""admin""}}"\r\n';

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/audits",
  operationId: "listAudits",
  security: SIGNED_IN,
  tags: ["Audit"],
  summary: "List the tenant's audit log, newest first",
  description: "Needs `audits:read` (admins and employees; client users get 404). Filters combine with AND. " +
    "`GET /api/v1/audits/export` gives every matching row as CSV.",
  request: { query: AuditQuerySchema },
  responses: {
    200: {
      description: "A page of audit rows",
      content: { "application/json": { schema: pageSchema(AuditSchema, "AuditPage") } },
    },
    ...notFoundResponse,
  },
});

const exportRoute = createRoute({
  method: "get",
  path: "/api/v1/audits/export",
  operationId: "exportAudits",
  security: SIGNED_IN,
  tags: ["Audit"],
  summary: "Export the audit log as CSV",
  description: "Needs `audits:read`. Every row matching the filters (no paging), newest first, streamed; cells " +
    "that a spreadsheet would run as a formula are prefixed with `'`.",
  request: { query: AuditExportQuerySchema },
  responses: {
    200: {
      description: "All matching rows as CSV, with a header row",
      content: { "text/csv": { schema: z.string().openapi({ example: CSV_EXAMPLE }) } },
    },
    ...notFoundResponse,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/audits/{id}",
  operationId: "getAudit",
  security: SIGNED_IN,
  tags: ["Audit"],
  summary: "One audit row",
  request: {
    params: IdParam,
  },
  responses: {
    200: { description: "The audit row", content: { "application/json": { schema: AuditSchema } } },
    ...notFoundResponse,
  },
});

export function auditsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(listRoute, async (c) => {
    const principal = requirePrincipal(c);
    const { sql } = c.get("deps");
    return c.json(await listAudits(sql, principal, c.req.valid("query")), 200);
  });
  // Before `/audits/{id}`, which would otherwise take "export" for an id.
  app.openapi(exportRoute, (c) => {
    const { sql, now } = c.get("deps");
    const stream = exportAuditsCsv(sql, requirePrincipal(c), c.req.valid("query"));
    const day = now().toISOString().slice(0, 10);
    return c.body(stream, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="opsdeck-audits-${day}.csv"`,
      "Cache-Control": "no-store",
    });
  });
  app.openapi(getRoute, async (c) => {
    const { audit } = await getAudit(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(audit, 200);
  });
  return app;
}
