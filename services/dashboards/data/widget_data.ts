/**
 * A widget's rows under the dashboard's filters. Built-in shapes run in the
 * tenant's transaction, narrowed to the viewer's client; a saved query runs
 * through the data-sources service as the viewer, so its visibility and the
 * role's rights apply (a client user has none: the widget says so).
 */
import type { Sql } from "../../../db/client.ts";
import { withTenant } from "../../../db/tenant.ts";
import { can, type Principal } from "../../auth/permissions.ts";
import type { SourceDeps } from "../../data_sources/data_sources.ts";
import type { ParameterValues } from "../../data_sources/parameters.ts";
import { getSavedQuery, runSavedQuery } from "../../data_sources/saved_queries.ts";
import { NotFoundError } from "../../platform/errors.ts";
import * as q from "../../../db/queries/dashboards.ts";
import type { WidgetRow } from "../../../db/queries/dashboards.ts";
import { loadDashboard } from "../access.ts";
import { effectiveFilters, rangeOf } from "../filters.ts";
import type { BuiltinQuery, Dataset, Filters } from "../schemas.ts";
import { BUILTIN } from "./builtin.ts";

export type DataDeps = SourceDeps & { now: () => Date };

/** Who is looking: a signed-in principal, or a public link (the tenant's data, no client, no saved queries). */
export type Audience = { principal: Principal } | { publicTenantId: string };

const tenantOf = (a: Audience) => "principal" in a ? a.principal.tenantId : a.publicTenantId;

export async function widgetData(
  sql: Sql,
  audience: Audience,
  widget: WidgetRow,
  filters: Filters,
  deps: DataDeps,
): Promise<Dataset> {
  const range = rangeOf(filters, deps.now());
  if (widget.query === "saved_query") return await savedQueryData(sql, audience, widget, filters, range, deps);
  const limit = Number(widget.config.limit ?? 50);
  const scope = {
    tenantId: tenantOf(audience),
    clientId: "principal" in audience ? audience.principal.clientId : null,
    projectId: filters.project_id,
    environment: filters.environment,
    ...range,
    metric: typeof widget.config.metric === "string" ? widget.config.metric : null,
    limit: Number.isInteger(limit) && limit > 0 && limit <= 500 ? limit : 50,
  };
  return await withTenant(sql, scope.tenantId, (tx) => BUILTIN[widget.query as BuiltinQuery](tx, scope));
}

async function savedQueryData(
  sql: Sql,
  audience: Audience,
  widget: WidgetRow,
  filters: Filters,
  range: { from: Date; to: Date },
  deps: DataDeps,
): Promise<Dataset> {
  if (!("principal" in audience) || !can(audience.principal, "saved_queries", "read")) {
    throw new NotFoundError("This widget's data source is not available to you");
  }
  const query = await getSavedQuery(sql, audience.principal, widget.saved_query_id!);
  const declared = new Set((query.parameters as { name: string }[]).map((p) => p.name));
  const offered: ParameterValues = {
    ...filters.params,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
  };
  const values = Object.fromEntries(Object.entries(offered).filter(([name]) => declared.has(name)));
  const limit = Number(widget.config.limit ?? 500);
  const result = await runSavedQuery(sql, audience.principal, query.id, {
    parameters: values,
    limit: Number.isInteger(limit) && limit > 0 && limit <= 5000 ? limit : 500,
  }, deps);
  return {
    columns: result.columns.map((c) => c.name),
    rows: result.rows.map((row) => row.map(cell)),
  };
}

function cell(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return String(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v);
  const text = String(v);
  // numeric columns arrive as text from some drivers
  return /^-?\d+(\.\d+)?$/.test(text) && text.length < 16 ? Number(text) : text;
}

/** One widget of a dashboard the principal can see, under the URL's filters. */
export async function dashboardWidgetData(
  sql: Sql,
  p: Principal,
  dashboardId: string,
  widgetId: string,
  url: URLSearchParams,
  deps: DataDeps,
): Promise<{ widget: WidgetRow; data: Dataset }> {
  const { dashboard, widget } = await withTenant(sql, p.tenantId, async (tx) => {
    const dashboard = await loadDashboard(tx, p, dashboardId, "view");
    const widget = (await q.listWidgets(tx, p.tenantId, dashboardId)).find((w) => w.id === widgetId);
    if (!widget) throw new NotFoundError("No such widget");
    return { dashboard, widget };
  });
  const filters = effectiveFilters(dashboard.filters, url);
  return { widget, data: await widgetData(sql, { principal: p }, widget, filters, deps) };
}
