/** SLA targets on SOWs and the monthly SLA reports (JSON, PDF, CSV) over the API. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  createTarget,
  deleteTarget,
  listTargets,
  setClientTimezone,
  targetJson,
} from "../../../services/sla/targets.ts";
import { createReportNow, getReport, listReports } from "../../../services/sla/reports.ts";
import {
  SlaReportCreateSchema,
  SlaReportSchema,
  SlaTargetInputSchema,
  SlaTargetSchema,
} from "../../../services/sla/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, jsonAnswer, jsonBody, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAG = ["SLA"];
const TARGETS = "/api/v1/sla-targets";
const REPORTS = "/api/v1/sla-reports";
const forbidden = { 403: problem("Your role may read these but not change them") };

const listTargetsRoute = createRoute({
  method: "get",
  path: TARGETS,
  operationId: "listSlaTargets",
  security: SIGNED_IN,
  tags: TAG,
  summary: "A client's SLA targets, from all its SOWs",
  request: { query: z.object({ client_id: z.uuid() }) },
  responses: { 200: jsonAnswer("The targets", z.object({ data: z.array(SlaTargetSchema) })), ...notFoundResponse },
});
const createTargetRoute = createRoute({
  method: "post",
  path: TARGETS,
  operationId: "createSlaTarget",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Add a target to a SOW: uptime (project or one check), p95, change-request hours, credit tiers",
  description: "Needs `sows:write`. Reports count only SOWs that are signed or active.",
  request: { body: jsonBody(SlaTargetInputSchema) },
  responses: { 201: jsonAnswer("Added", SlaTargetSchema), ...forbidden, ...notFoundResponse },
});
const deleteTargetRoute = createRoute({
  method: "delete",
  path: `${TARGETS}/{id}`,
  operationId: "deleteSlaTarget",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Remove a target",
  request: { params: IdParam },
  responses: { 204: { description: "Removed" }, ...forbidden, ...notFoundResponse },
});
const listReportsRoute = createRoute({
  method: "get",
  path: REPORTS,
  operationId: "listSlaReports",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Monthly SLA reports, newest first (client users: their client's)",
  responses: { 200: jsonAnswer("The reports", z.object({ data: z.array(SlaReportSchema) })), ...notFoundResponse },
});
const getReportRoute = createRoute({
  method: "get",
  path: `${REPORTS}/{id}`,
  operationId: "getSlaReport",
  security: SIGNED_IN,
  tags: TAG,
  summary: "One report's figures; `?format=pdf` or `?format=csv` for the documents as sent",
  request: { params: IdParam, query: z.object({ format: z.enum(["json", "pdf", "csv"]).default("json") }) },
  responses: {
    200: {
      description: "The report",
      content: {
        "application/json": { schema: SlaReportSchema },
        "application/pdf": { schema: z.string() },
        "text/csv": { schema: z.string() },
      },
    },
    ...notFoundResponse,
  },
});
const createReportRoute = createRoute({
  method: "post",
  path: REPORTS,
  operationId: "createSlaReport",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Make a client's report for a month now (the worker makes last month's on the 1st by itself)",
  description: "Needs `sla_reports:write`. Mailed to the client's users like the monthly run. 409 if it exists.",
  request: { body: jsonBody(SlaReportCreateSchema) },
  responses: {
    201: jsonAnswer("Made", SlaReportSchema),
    409: problem("The report for that month exists"),
    ...forbidden,
    ...notFoundResponse,
  },
});

const TimezoneSchema = z.strictObject({
  timezone: z.string().min(1).max(64).openapi({ example: "Europe/Berlin" }),
}).openapi("ClientTimezone");
const timezoneRoute = createRoute({
  method: "put",
  path: "/api/v1/clients/{id}/timezone",
  operationId: "setClientTimezone",
  security: SIGNED_IN,
  tags: TAG,
  summary: "The client's time zone: its SLA month and the day its report is made (the 1st there)",
  request: { params: IdParam, body: jsonBody(TimezoneSchema) },
  responses: { 200: jsonAnswer("Saved", TimezoneSchema), ...forbidden, ...notFoundResponse },
});

type ReportRow = Awaited<ReturnType<typeof getReport>>;
const reportJson = (r: Omit<ReportRow, "pdf" | "csv">) => ({
  id: r.id,
  client_id: r.client_id,
  month: r.month,
  timezone: r.timezone,
  generated_at: r.generated_at.toISOString(),
  summary: r.summary,
});

export function slaApi() {
  const app = new OpenAPIHono<AppEnv>();
  for (const p of [TARGETS, `${TARGETS}/*`, REPORTS, `${REPORTS}/*`, "/api/v1/clients/:id/timezone"]) {
    app.use(p, signedIn);
  }
  app.openapi(timezoneRoute, async (c) => {
    const { timezone } = c.req.valid("json");
    await setClientTimezone(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, timezone, auditContext(c));
    return c.json({ timezone }, 200);
  });
  app.openapi(listTargetsRoute, async (c) => {
    const rows = await listTargets(c.get("deps").sql, requirePrincipal(c), c.req.valid("query").client_id);
    return c.json({ data: rows.map(targetJson) }, 200);
  });
  app.openapi(createTargetRoute, async (c) => {
    const row = await createTarget(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    return c.json(targetJson(row), 201, locationOf(c, row.id));
  });
  app.openapi(deleteTargetRoute, async (c) => {
    await deleteTarget(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  app.openapi(listReportsRoute, async (c) => {
    const rows = await listReports(c.get("deps").sql, requirePrincipal(c));
    return c.json({ data: rows.map(reportJson) }, 200);
  });
  app.openapi(getReportRoute, async (c) => {
    const row = await getReport(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    const format = c.req.valid("query").format;
    const name = `sla-${row.month}`;
    if (format === "pdf") {
      return c.body(new Uint8Array(row.pdf), 200, {
        "Content-Type": "application/pdf",
        "Content-Disposition": `attachment; filename="${name}.pdf"`,
      });
    }
    if (format === "csv") {
      return c.body(row.csv, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${name}.csv"`,
      });
    }
    return c.json(reportJson(row), 200);
  });
  app.openapi(createReportRoute, async (c) => {
    const { sql } = c.get("deps");
    const principal = requirePrincipal(c);
    const { client_id, month } = c.req.valid("json");
    const id = await createReportNow(sql, principal, client_id, month, auditContext(c));
    return c.json(reportJson(await getReport(sql, principal, id)), 201, locationOf(c, id));
  });
  return app;
}
