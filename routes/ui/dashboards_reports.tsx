/** A dashboard's reports page: schedule one, send now, history with downloads. */
import { type Context, Hono } from "hono";
import type { Principal } from "../../services/auth/permissions.ts";
import { atLeast } from "../../services/dashboards/access.ts";
import { getDashboard } from "../../services/dashboards/dashboards.ts";
import {
  channelChoices,
  createReport,
  listReports,
  reportHistory,
  sendNow,
} from "../../services/dashboards/reports/reports.ts";
import { CreateReportSchema } from "../../services/dashboards/reports/schemas.ts";
import { loadProfile } from "../../services/profile/profile.ts";
import { ReportsPage, type ReportsPageProps } from "../../views/dashboards/reports_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formBody, formErrors, idParam, isShownInPlace, parseForm, text, texts } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, requireUserPage } from "../render.ts";
import { NotFoundError } from "../../services/platform/errors.ts";
import { isUuid } from "../../services/platform/ids.ts";

async function renderReports(
  c: Context<AppEnv>,
  p: Principal,
  id: string,
  extra: Partial<ReportsPageProps> = {},
  status = 200,
) {
  const { sql } = c.get("deps");
  const [{ dashboard }, rows, profile, channels] = await Promise.all([
    getDashboard(sql, p, id),
    listReports(sql, p, id),
    loadProfile(sql, p),
    channelChoices(sql, p),
  ]);
  const reports = await Promise.all(rows.map((r) => reportHistory(sql, p, r.id)));
  return html(
    c,
    <ReportsPage
      dashboardId={id}
      name={dashboard.name}
      reports={reports}
      canEdit={atLeast(dashboard.level, "edit")}
      timeZone={profile.timezone}
      channels={channels}
      {...extra}
    />,
    status,
  );
}

export function dashboardReportPages() {
  const app = new Hono<AppEnv>();
  app.get("/dashboards/:id/reports", (c) => renderReports(c, requireUserPage(c), idParam(c, "No such dashboard")));
  app.post("/dashboards/:id/reports", async (c) => {
    const p = requireUserPage(c);
    const id = idParam(c, "No such dashboard");
    const body = await formBody(c);
    const f = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, text(v) ?? ""]));
    const chosen = texts(body.channel_ids);
    try {
      const input = parseForm(CreateReportSchema, {
        dashboard_id: id,
        name: f.name ?? "",
        cron: f.cron ?? "",
        timezone: f.timezone?.trim() || "UTC",
        format: f.format,
        recipients: (f.recipients ?? "").split(/[\s,;]+/).filter(Boolean),
        channel_ids: chosen,
      });
      await createReport(c.get("deps").sql, p, input, auditContext(c));
      return c.redirect(`/dashboards/${id}/reports`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return await renderReports(c, p, id, { values: f, chosen, ...formErrors(error) }, 422);
    }
  });
  app.post("/dashboards/:id/reports/:report/send", async (c) => {
    const p = requireUserPage(c);
    const id = idParam(c, "No such dashboard");
    const reportId = c.req.param("report");
    if (!isUuid(reportId)) throw new NotFoundError("No such report");
    await sendNow(c.get("deps").sql, p, reportId, auditContext(c));
    return c.redirect(`/dashboards/${id}/reports`, 303);
  });
  return app;
}
