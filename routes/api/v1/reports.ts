/** Reports over the API: a dashboard on a schedule as PDF, Excel or CSV by e-mail or channel; send now; history and files. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  createReport,
  deleteReport,
  getReport,
  listReports,
  reportHistory,
  reportJson,
  runFile,
  runJson,
  sendNow,
  updateReport,
} from "../../../services/dashboards/reports/reports.ts";
import {
  CreateReportSchema,
  ReportSchema,
  RunSchema,
  UpdateReportSchema,
} from "../../../services/dashboards/reports/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, jsonAnswer, jsonBody, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAG = ["Reports"];
const PATH = "/api/v1/reports";
const forbidden = { 403: problem("Needs edit access to the dashboard") };
const ListQuery = z.object({
  dashboard_id: z.uuid().openapi({ param: { name: "dashboard_id", in: "query" } }),
});

function route<R extends Parameters<typeof createRoute>[0]>(r: R) {
  return createRoute({ ...r, security: SIGNED_IN, tags: TAG });
}

const routes = {
  list: route({
    method: "get",
    path: PATH,
    operationId: "listReports",
    summary: "A dashboard's reports",
    request: { query: ListQuery },
    responses: { 200: jsonAnswer("Reports", z.object({ data: z.array(ReportSchema) })), ...notFoundResponse },
  }),
  create: route({
    method: "post",
    path: PATH,
    operationId: "createReport",
    summary: "Schedule a dashboard as a report",
    description: "5-field cron (or @daily …) in an IANA zone, at most hourly (one minute value; 422 naming `cron`); " +
      "up to 500 e-mail recipients and/or 20 notification channels (`channel_ids`, each one of the tenant's, else 422 " +
      "naming `channel_ids`; at least one recipient, else 422 naming `recipients`). Channels get a `report.ready` " +
      "message linking the file. Rendered as the caller: their client limits apply.",
    request: { body: jsonBody(CreateReportSchema) },
    responses: { 201: jsonAnswer("Created", ReportSchema), ...forbidden, ...notFoundResponse },
  }),
  get: route({
    method: "get",
    path: `${PATH}/{id}`,
    operationId: "getReport",
    summary: "One report",
    request: { params: IdParam },
    responses: { 200: jsonAnswer("The report", ReportSchema), ...notFoundResponse },
  }),
  update: route({
    method: "patch",
    path: `${PATH}/{id}`,
    operationId: "updateReport",
    summary: "Change a report (pause with is_active: false)",
    request: { params: IdParam, body: jsonBody(UpdateReportSchema) },
    responses: { 200: jsonAnswer("Saved", ReportSchema), ...forbidden, ...notFoundResponse },
  }),
  delete: route({
    method: "delete",
    path: `${PATH}/{id}`,
    operationId: "deleteReport",
    summary: "Delete a report and its history",
    request: { params: IdParam },
    responses: { 204: { description: "Deleted" }, ...forbidden, ...notFoundResponse },
  }),
  send: route({
    method: "post",
    path: `${PATH}/{id}/send`,
    operationId: "sendReportNow",
    summary: "Render and send now (queued for the report worker)",
    request: { params: IdParam },
    responses: { 202: jsonAnswer("Queued", RunSchema), ...forbidden, ...notFoundResponse },
  }),
  runs: route({
    method: "get",
    path: `${PATH}/{id}/runs`,
    operationId: "listReportRuns",
    summary: "The report's history, newest first, with each message's delivery state",
    request: { params: IdParam },
    responses: { 200: jsonAnswer("Runs", z.object({ data: z.array(RunSchema) })), ...notFoundResponse },
  }),
  file: route({
    method: "get",
    path: "/api/v1/report-runs/{id}/file",
    operationId: "downloadReportFile",
    summary: "A past run's file, while it is kept (keep_days)",
    request: { params: IdParam },
    responses: {
      200: { description: "The file", content: { "application/octet-stream": { schema: z.string() } } },
      ...notFoundResponse,
    },
  }),
};

export function reportsApi() {
  const app = new OpenAPIHono<AppEnv>();
  for (const path of [PATH, `${PATH}/*`, "/api/v1/report-runs/*"]) app.use(path, signedIn);
  app.openapi(routes.list, async (c) => {
    const rows = await listReports(c.get("deps").sql, requirePrincipal(c), c.req.valid("query").dashboard_id);
    return c.json({ data: rows.map(reportJson) }, 200);
  });
  app.openapi(routes.create, async (c) => {
    const row = await createReport(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    return c.json(reportJson(row), 201, locationOf(c, row.id));
  });
  app.openapi(routes.get, async (c) => {
    const row = await getReport(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(reportJson(row), 200);
  });
  app.openapi(routes.update, async (c) => {
    const { id } = c.req.valid("param");
    const row = await updateReport(c.get("deps").sql, requirePrincipal(c), id, c.req.valid("json"), auditContext(c));
    return c.json(reportJson(row), 200);
  });
  app.openapi(routes.delete, async (c) => {
    await deleteReport(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  app.openapi(routes.send, async (c) => {
    const run = await sendNow(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.json(runJson(run), 202);
  });
  app.openapi(routes.runs, async (c) => {
    const { runs } = await reportHistory(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json({
      data: runs.map((r) => ({
        ...runJson(r),
        mail: r.mail.map((m) => ({ to: m.to, status: m.status, attempts: m.attempts })),
      })),
    }, 200);
  });
  app.openapi(routes.file, async (c) => {
    const f = await runFile(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.body(f.file as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": f.contentType,
      "Content-Disposition": `attachment; filename="${f.filename.replace(/[^\w.-]/g, "_")}"`,
    });
  });
  return app;
}
