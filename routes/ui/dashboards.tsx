/** Dashboard pages: list + create, a dashboard (widgets by their own requests), widget form, layout form. */
import { type Context, Hono } from "hono";
import { can, type Principal } from "../../services/auth/permissions.ts";
import { atLeast } from "../../services/dashboards/access.ts";
import { createDashboard, getDashboard, listDashboards, recordView } from "../../services/dashboards/dashboards.ts";
import { dashboardWidgetData } from "../../services/dashboards/data/widget_data.ts";
import { effectiveFilters, filtersQuery } from "../../services/dashboards/filters.ts";
import { CreateDashboardSchema, LayoutSchema, WidgetInputSchema } from "../../services/dashboards/schemas.ts";
import { addWidget, deleteWidget, setLayout } from "../../services/dashboards/widgets.ts";
import { listSavedQueries } from "../../services/data_sources/saved_queries.ts";
import { AppError } from "../../services/platform/errors.ts";
import { listProjects } from "../../services/projects/projects.ts";
import { ListProjectsQuerySchema } from "../../services/projects/schemas.ts";
import { WidgetBody } from "../../views/dashboards/_widget.tsx";
import { DashboardPage, type DashboardPageProps } from "../../views/dashboards/dashboard_page.tsx";
import { DashboardsPage, type DashboardsPageProps } from "../../views/dashboards/dashboards_page.tsx";
import { LayoutPage } from "../../views/dashboards/layout_page.tsx";
import { Layout } from "../../views/layouts/layout.tsx";
import { sourceDeps } from "../data_sources_deps.ts";
import type { AppEnv } from "../deps.ts";
import { formBody, formErrors, formFields, idParam, isShownInPlace, parseForm, texts } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";
import { dashboardSubPages } from "./dashboards_sharing.tsx";
import { dashboardReportPages } from "./dashboards_reports.tsx";

async function renderList(c: Context<AppEnv>, p: Principal, extra: Partial<DashboardsPageProps> = {}, status = 200) {
  const url = new URL(c.req.url).searchParams;
  const search = url.get("q")?.trim().slice(0, 200) ?? "";
  const shared = url.get("shared") === "1";
  const rows = await listDashboards(c.get("deps").sql, p, { search: search || undefined, sharedWithMe: shared });
  return html(
    c,
    <DashboardsPage rows={rows} search={search} shared={shared} canWrite={can(p, "dashboards", "write")} {...extra} />,
    status,
  );
}

async function renderDashboard(
  c: Context<AppEnv>,
  p: Principal,
  id: string,
  extra: Partial<DashboardPageProps> = {},
  status = 200,
) {
  const { sql } = c.get("deps");
  const { dashboard, widgets } = await getDashboard(sql, p, id);
  const views30d = await recordView(sql, p, id, c.get("deps").now());
  const filters = effectiveFilters(dashboard.filters, new URL(c.req.url).searchParams);
  const canEdit = atLeast(dashboard.level, "edit") && can(p, "dashboards", "write");
  const [projects, queries] = await Promise.all([
    can(p, "projects", "read")
      ? listProjects(sql, p, ListProjectsQuerySchema.parse({ limit: 100 })).then((r) => r.data)
      : [],
    canEdit && can(p, "saved_queries", "read") ? listSavedQueries(sql, p) : [],
  ]);
  return html(
    c,
    <DashboardPage
      dashboard={dashboard}
      widgets={widgets}
      filters={filters}
      query={filtersQuery(filters)}
      projects={projects.map((pr) => ({ id: pr.id, name: pr.name }))}
      savedQueries={queries.map((q) => ({ id: q.id, name: q.name }))}
      views30d={views30d}
      canEdit={canEdit}
      canShare={atLeast(dashboard.level, "share")}
      {...extra}
    />,
    status,
  );
}

export function dashboardPages() {
  const app = new Hono<AppEnv>();
  app.get("/dashboards", (c) => renderList(c, requireUserPage(c)));
  app.post("/dashboards", async (c) => {
    const p = requireUserPage(c);
    const f = await formFields(c);
    try {
      const input = parseForm(CreateDashboardSchema, {
        name: f.name ?? "",
        description: f.description?.trim() || null,
        tags: (f.tags ?? "").split(",").map((t) => t.trim()).filter(Boolean),
      });
      const row = await createDashboard(c.get("deps").sql, p, input, auditContext(c));
      return c.redirect(`/dashboards/${row.id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return await renderList(c, p, { values: f, ...formErrors(error) }, 422);
    }
  });

  app.get("/dashboards/:id", (c) => renderDashboard(c, requireUserPage(c), idParam(c, "No such dashboard")));

  app.get("/dashboards/:id/widgets/:widget", async (c) => {
    const p = requireUserPage(c);
    const id = idParam(c, "No such dashboard");
    const widgetId = c.req.param("widget");
    const url = new URL(c.req.url).searchParams;
    let result;
    try {
      result = await dashboardWidgetData(c.get("deps").sql, p, id, widgetId, url, sourceDeps(c));
    } catch (error) {
      // a widget's failure is its own: shown in its tile, never the page's
      if (!(error instanceof AppError) || error.status === 404 && !isPartial(c)) throw error;
      c.get("deps").logger.info("widget failed", { dashboard: id, widget: widgetId, error: error.message });
      return html(c, <p class="widget-error" role="alert">{error.message}</p>, 200, { fragment: true });
    }
    const body = <WidgetBody widget={result.widget} data={result.data} />;
    if (isPartial(c)) return html(c, body, 200, { fragment: true });
    return html(
      c,
      <Layout title={result.widget.title}>
        <h1>{result.widget.title}</h1>
        {body}
        <p>
          <a href={`/dashboards/${id}?${filtersQuery(effectiveFilters({}, url))}`}>Back to the dashboard</a>
        </p>
      </Layout>,
    );
  });

  app.post("/dashboards/:id/widgets", async (c) => {
    const p = requireUserPage(c);
    const id = idParam(c, "No such dashboard");
    const f = await formFields(c);
    const source = f.source ?? "";
    try {
      const input = parseForm(WidgetInputSchema, {
        type: f.type,
        title: f.title ?? "",
        query: source.startsWith("saved:") ? "saved_query" : source,
        saved_query_id: source.startsWith("saved:") ? source.slice(6) : null,
        config: f.metric?.trim() ? { metric: f.metric.trim() } : {},
      });
      await addWidget(c.get("deps").sql, p, id, input, auditContext(c));
      return c.redirect(`/dashboards/${id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return await renderDashboard(c, p, id, { values: f, ...formErrors(error) }, 422);
    }
  });

  app.get("/dashboards/:id/layout", async (c) => {
    const p = requireUserPage(c);
    const { dashboard, widgets } = await getDashboard(c.get("deps").sql, p, idParam(c, "No such dashboard"));
    return html(c, <LayoutPage dashboardId={dashboard.id} name={dashboard.name} widgets={widgets} />);
  });
  app.post("/dashboards/:id/layout", async (c) => {
    const p = requireUserPage(c);
    const id = idParam(c, "No such dashboard");
    const form = await formBody(c);
    const { sql } = c.get("deps");
    const { widgets } = await getDashboard(sql, p, id);
    const removed = new Set(texts(form.remove).filter((r) => widgets.some((w) => w.id === r)));
    const num = (key: string) => Number(form[key] ?? NaN);
    const positions = widgets.filter((w) => !removed.has(w.id)).map((w) => ({
      id: w.id,
      position: { x: num(`x.${w.id}`), y: num(`y.${w.id}`), w: num(`w.${w.id}`), h: num(`h.${w.id}`) },
    }));
    try {
      const layout = parseForm(LayoutSchema, { positions });
      for (const widgetId of removed) await deleteWidget(sql, p, id, widgetId, auditContext(c));
      await setLayout(sql, p, id, layout, auditContext(c));
      return c.redirect(`/dashboards/${id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      const { dashboard, widgets: now } = await getDashboard(sql, p, id);
      return html(
        c,
        <LayoutPage dashboardId={id} name={dashboard.name} widgets={now} errors={formErrors(error).errors} />,
        422,
      );
    }
  });

  app.route("/", dashboardSubPages());
  app.route("/", dashboardReportPages());
  return app;
}
