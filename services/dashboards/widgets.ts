/**
 * Widgets and the layout. A widget reads a built-in shape or a saved query the
 * editor can see (another tenant's, or a private one of someone else: 404). At
 * most 100 per dashboard; positions are normalised (layout.ts).
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/dashboards.ts";
import * as saved from "../../db/queries/saved_queries.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import type { Principal } from "../auth/permissions.ts";
import { NotFoundError, ValidationError } from "../platform/errors.ts";
import { loadDashboard } from "./access.ts";
import { saveVersion } from "./dashboards.ts";
import { nextFree, normalise, type Placed } from "./layout.ts";
import { type LayoutInput, MAX_WIDGETS, type WidgetInput, type WidgetUpdate } from "./schemas.ts";

const DEFAULT_SIZE = { w: 6, h: 4 };

const placedOf = (w: q.WidgetRow): Placed => ({ id: w.id, x: w.pos_x, y: w.pos_y, w: w.pos_w, h: w.pos_h });

/** Writes whatever normalising moved. */
async function applyLayout(tx: Sql, p: Principal, dashboardId: string, widgets: q.WidgetRow[], wanted: Placed[]) {
  const current = new Map(widgets.map((w) => [w.id, placedOf(w)]));
  const moved = normalise(wanted).filter((t) => JSON.stringify(current.get(t.id)) !== JSON.stringify(t));
  await q.setPositions(
    tx,
    p.tenantId,
    dashboardId,
    moved.map((t) => ({ id: t.id, pos_x: t.x, pos_y: t.y, pos_w: t.w, pos_h: t.h })),
  );
}

async function sourceOf(tx: Sql, p: Principal, input: Pick<WidgetInput, "query" | "saved_query_id">) {
  if (input.query !== "saved_query") return { saved_query_id: null, data_source_id: null };
  if (!input.saved_query_id) {
    throw new ValidationError([{ path: "saved_query_id", message: "Choose the saved query to show" }]);
  }
  const row = await saved.getSavedQuery(tx, p.tenantId, p.userId, input.saved_query_id);
  if (!row) throw new NotFoundError("No such saved query");
  return { saved_query_id: row.id, data_source_id: row.data_source_id };
}

export async function addWidget(
  sql: Sql,
  p: Principal,
  dashboardId: string,
  input: WidgetInput,
  ctx: AuditContext,
): Promise<q.WidgetRow> {
  return await withTenant(sql, p.tenantId, async (tx) => {
    await loadDashboard(tx, p, dashboardId, "edit", { forUpdate: true });
    const widgets = await q.listWidgets(tx, p.tenantId, dashboardId);
    if (widgets.length >= MAX_WIDGETS) {
      throw new ValidationError([{ path: "widgets", message: `A dashboard holds at most ${MAX_WIDGETS} widgets` }]);
    }
    const source = await sourceOf(tx, p, input);
    const pos = input.position ?? nextFree(widgets.map(placedOf), DEFAULT_SIZE);
    const row = await q.insertWidget(tx, {
      tenantId: p.tenantId,
      dashboardId,
      now: ctx.now,
      type: input.type,
      title: input.title,
      query: input.query,
      ...source,
      config: input.config,
      pos_x: pos.x,
      pos_y: pos.y,
      pos_w: pos.w,
      pos_h: pos.h,
    });
    await applyLayout(tx, p, dashboardId, [row, ...widgets], [placedOf(row), ...widgets.map(placedOf)]);
    await saveVersion(tx, p, dashboardId, ctx.now);
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "dashboard.widget_add",
      resourceType: "dashboard",
      resourceId: dashboardId,
      after: { widget: row.id, type: row.type, title: row.title, query: row.query },
    });
    return row;
  });
}

export async function updateWidget(
  sql: Sql,
  p: Principal,
  dashboardId: string,
  widgetId: string,
  input: WidgetUpdate,
  ctx: AuditContext,
): Promise<q.WidgetRow> {
  return await withTenant(sql, p.tenantId, async (tx) => {
    await loadDashboard(tx, p, dashboardId, "edit", { forUpdate: true });
    const widgets = await q.listWidgets(tx, p.tenantId, dashboardId);
    const before = widgets.find((w) => w.id === widgetId);
    if (!before) throw new NotFoundError("No such widget");
    const query = input.query ?? before.query as WidgetInput["query"];
    const source = input.query || input.saved_query_id
      ? await sourceOf(tx, p, { query, saved_query_id: input.saved_query_id ?? before.saved_query_id })
      : { saved_query_id: before.saved_query_id, data_source_id: before.data_source_id };
    const pos = input.position ?? { x: before.pos_x, y: before.pos_y, w: before.pos_w, h: before.pos_h };
    const row = await q.updateWidget(tx, p.tenantId, widgetId, {
      type: input.type ?? before.type,
      title: input.title ?? before.title,
      query,
      ...source,
      config: input.config ?? before.config,
      pos_x: pos.x,
      pos_y: pos.y,
      pos_w: pos.w,
      pos_h: pos.h,
    });
    const others = widgets.filter((w) => w.id !== widgetId);
    await applyLayout(tx, p, dashboardId, [row, ...others], [placedOf(row), ...others.map(placedOf)]);
    await saveVersion(tx, p, dashboardId, ctx.now);
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "dashboard.widget_update",
      resourceType: "dashboard",
      resourceId: dashboardId,
      before: { widget: widgetId, title: before.title, type: before.type },
      after: { widget: widgetId, title: row.title, type: row.type },
    });
    return row;
  });
}

export async function deleteWidget(sql: Sql, p: Principal, dashboardId: string, widgetId: string, ctx: AuditContext) {
  await withTenant(sql, p.tenantId, async (tx) => {
    await loadDashboard(tx, p, dashboardId, "edit", { forUpdate: true });
    const widgets = await q.listWidgets(tx, p.tenantId, dashboardId);
    const before = widgets.find((w) => w.id === widgetId);
    if (!before) throw new NotFoundError("No such widget");
    await q.deleteWidgets(tx, p.tenantId, dashboardId, [widgetId]);
    await saveVersion(tx, p, dashboardId, ctx.now);
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "dashboard.widget_delete",
      resourceType: "dashboard",
      resourceId: dashboardId,
      before: { widget: widgetId, title: before.title },
    });
  });
}

/** Moves and resizes in one go (gridstack's save, or the no-JS form); ids not on the dashboard are a 422. */
export async function setLayout(
  sql: Sql,
  p: Principal,
  dashboardId: string,
  input: LayoutInput,
  ctx: AuditContext,
): Promise<q.WidgetRow[]> {
  return await withTenant(sql, p.tenantId, async (tx) => {
    await loadDashboard(tx, p, dashboardId, "edit", { forUpdate: true });
    const widgets = await q.listWidgets(tx, p.tenantId, dashboardId);
    const given = new Map(input.positions.map((e) => [e.id, e.position]));
    const unknown = input.positions.findIndex((e) => !widgets.some((w) => w.id === e.id));
    if (unknown >= 0) {
      throw new ValidationError([{ path: `positions.${unknown}.id`, message: "is not a widget of this dashboard" }]);
    }
    const wanted = widgets.map((w) => ({ ...placedOf(w), ...given.get(w.id), id: w.id }));
    await applyLayout(tx, p, dashboardId, widgets, wanted);
    await saveVersion(tx, p, dashboardId, ctx.now);
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "dashboard.layout",
      resourceType: "dashboard",
      resourceId: dashboardId,
      after: { moved: input.positions.length },
    });
    return await q.listWidgets(tx, p.tenantId, dashboardId);
  });
}
