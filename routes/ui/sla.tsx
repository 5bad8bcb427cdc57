/** The SLA reports page (documents download through the API routes, which take the session cookie too). */
import { Hono } from "hono";
import { listReports } from "../../services/sla/reports.ts";
import { SlaReportsPage } from "../../views/sla/reports_page.tsx";
import type { AppEnv } from "../deps.ts";
import { html, requireUserPage } from "../render.ts";

export function slaPages() {
  const app = new Hono<AppEnv>();
  app.get("/sla-reports", async (c) => {
    const rows = await listReports(c.get("deps").sql, requireUserPage(c));
    return html(c, <SlaReportsPage rows={rows} />);
  });
  return app;
}
