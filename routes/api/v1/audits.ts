/** The audit log, read-only: list with filters and cursor paging, CSV export, one row. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { exportAuditsCsv } from "../../../services/audits/export.ts";
import { getAudit, listAudits } from "../../../services/audits/list.ts";
import { AuditQuerySchema, AuditSchema } from "../../../services/audits/schemas.ts";
import { pageSchema } from "../../../services/pagination.ts";
import type { AppEnv } from "../../deps.ts";
import { requirePrincipal } from "../../middleware/auth.ts";
import { notFoundResponse, SIGNED_IN } from "../openapi_shared.ts";

const CSV_EXAMPLE = "id,seq,created_at,actor_type,actor_id,actor_label,action,resource_type,resource_id,ip," +
  "user_agent,details\r\n" +
  '5d0c…,42,2025-05-03T14:22:05.120Z,user,0f8f…,ada@example.com,user.update,user,7c9e…,203.0.113.7,Mozilla/5.0,"{""after"":{""role"":""admin""}}"\r\n';

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/audits",
  operationId: "listAudits",
  security: SIGNED_IN,
  tags: ["Audit"],
  summary: "List the tenant's audit log, newest first, or export it as CSV",
  description: "Needs `audits:read` (admins and employees; client users get 404). " +
    "Filters combine with AND. With `format=csv` every matching row is streamed as CSV; " +
    "cells that a spreadsheet would run as a formula are prefixed with `'`.",
  request: { query: AuditQuerySchema },
  responses: {
    200: {
      description: "A page of audit rows, or with `format=csv` all matching rows as CSV",
      content: {
        "application/json": { schema: pageSchema(AuditSchema, "AuditPage") },
        "text/csv": { schema: z.string().openapi({ example: CSV_EXAMPLE }) },
      },
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
    params: z.object({
      id: z.uuid().openapi({ param: { name: "id", in: "path" }, example: "5d0c7c64-95c5-4a6b-8f5e-1f6c3c2b9a10" }),
    }),
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
    const { sql, now } = c.get("deps");
    const query = c.req.valid("query");
    if (query.format === "csv") {
      const stream = exportAuditsCsv(sql, principal, query);
      const day = now().toISOString().slice(0, 10);
      return c.body(stream, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="opsdeck-audits-${day}.csv"`,
        "Cache-Control": "no-store",
      });
    }
    return c.json(await listAudits(sql, principal, query), 200);
  });
  app.openapi(getRoute, async (c) => {
    const { audit } = await getAudit(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(audit, 200);
  });
  return app;
}
