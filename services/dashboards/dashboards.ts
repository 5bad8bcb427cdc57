/**
 * Dashboards: create, list (search, "shared with me"), read, change, delete.
 * Every change is a new version (snapshot.ts) written with its audit row in
 * the change's transaction.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/dashboards.ts";
import { countViews, insertDashboardEvent } from "../../db/queries/reports.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { loadDashboard, type LoadedDashboard, viewerOf } from "./access.ts";
import { savedFilters } from "./filters.ts";
import type { CreateDashboardInput, Level, UpdateDashboardInput, WidgetQuery, WidgetType } from "./schemas.ts";
import { snapshotOf } from "./snapshot.ts";

export function widgetJson(w: q.WidgetRow) {
  return {
    id: w.id,
    type: w.type as WidgetType,
    title: w.title,
    query: w.query as WidgetQuery,
    data_source_id: w.data_source_id,
    saved_query_id: w.saved_query_id,
    config: w.config,
    position: { x: w.pos_x, y: w.pos_y, w: w.pos_w, h: w.pos_h },
  };
}

export function dashboardJson(d: q.DashboardRow, level: Level, widgets?: q.WidgetRow[]) {
  return {
    id: d.id,
    owner_id: d.owner_id,
    name: d.name,
    description: d.description,
    tags: d.tags,
    filters: savedFilters(d.filters),
    refresh_seconds: d.refresh_seconds,
    is_public: d.is_public,
    version: d.version,
    published_version: d.published_version,
    published_at: d.published_at?.toISOString() ?? null,
    my_level: level,
    widgets: widgets?.map(widgetJson),
    created_at: d.created_at.toISOString(),
    updated_at: d.updated_at.toISOString(),
  };
}

/** Records the dashboard as it now is as a new version (the first on create). */
export async function saveVersion(tx: Sql, p: Principal, id: string, now: Date, first = false): Promise<number> {
  const version = first ? 1 : await q.bumpVersion(tx, p.tenantId, id);
  const dashboard = (await q.getDashboard(tx, p.tenantId, id, viewerOf(p)))!;
  const widgets = await q.listWidgets(tx, p.tenantId, id);
  await q.insertVersion(tx, {
    tenantId: p.tenantId,
    dashboardId: id,
    version,
    snapshot: await snapshotOf(tx, dashboard, widgets),
    by: p.userId,
    now,
  });
  await insertDashboardEvent(tx, {
    tenantId: p.tenantId,
    dashboardId: id,
    userId: p.userId,
    type: "edit",
    at: now,
    detail: { version },
  });
  return version;
}

export async function createDashboard(
  sql: Sql,
  p: Principal,
  input: CreateDashboardInput,
  ctx: AuditContext,
): Promise<q.DashboardRow> {
  authorize(p, "dashboards", "write");
  return await withTenant(sql, p.tenantId, async (tx) => {
    const row = await q.insertDashboard(tx, {
      tenantId: p.tenantId,
      ownerId: p.userId,
      now: ctx.now,
      name: input.name,
      description: input.description ?? null,
      tags: input.tags,
      filters: input.filters,
      refresh_seconds: input.refresh_seconds,
    });
    await saveVersion(tx, p, row.id, ctx.now, true);
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "dashboard.create",
      resourceType: "dashboard",
      resourceId: row.id,
      after: { name: row.name },
    });
    return row;
  });
}

export async function listDashboards(
  sql: Sql,
  p: Principal,
  f: { search?: string; sharedWithMe?: boolean } = {},
) {
  authorize(p, "dashboards", "read");
  return await withTenant(sql, p.tenantId, (tx) => q.listDashboards(tx, p.tenantId, viewerOf(p), { ...f, limit: 500 }));
}

export async function getDashboard(
  sql: Sql,
  p: Principal,
  id: string,
): Promise<{ dashboard: LoadedDashboard; widgets: q.WidgetRow[] }> {
  return await withTenant(sql, p.tenantId, async (tx) => {
    const dashboard = await loadDashboard(tx, p, id, "view");
    return { dashboard, widgets: await q.listWidgets(tx, p.tenantId, id) };
  });
}

export async function updateDashboard(
  sql: Sql,
  p: Principal,
  id: string,
  input: UpdateDashboardInput,
  ctx: AuditContext,
): Promise<LoadedDashboard> {
  return await withTenant(sql, p.tenantId, async (tx) => {
    const before = await loadDashboard(tx, p, id, "edit", { forUpdate: true });
    const row = await q.updateDashboard(tx, p.tenantId, id, {
      name: input.name ?? before.name,
      description: input.description === undefined ? before.description : input.description,
      tags: input.tags ?? before.tags,
      filters: input.filters ?? before.filters,
      refresh_seconds: input.refresh_seconds ?? before.refresh_seconds,
    });
    const version = await saveVersion(tx, p, id, ctx.now);
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "dashboard.update",
      resourceType: "dashboard",
      resourceId: id,
      before: { name: before.name, filters: before.filters, tags: before.tags },
      after: { name: row.name, filters: row.filters, tags: row.tags },
    });
    return { ...row, version, level: before.level };
  });
}

export async function deleteDashboard(sql: Sql, p: Principal, id: string, ctx: AuditContext): Promise<void> {
  await withTenant(sql, p.tenantId, async (tx) => {
    const before = await loadDashboard(tx, p, id, "admin", { forUpdate: true });
    await q.deleteDashboard(tx, p.tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "dashboard.delete",
      resourceType: "dashboard",
      resourceId: id,
      before: { name: before.name },
    });
  });
}

/** Records a view (the page, not each widget request) and answers the views of the last 30 days. */
export async function recordView(sql: Sql, p: Principal, id: string, now: Date): Promise<number> {
  return await withTenant(sql, p.tenantId, async (tx) => {
    await insertDashboardEvent(tx, { tenantId: p.tenantId, dashboardId: id, userId: p.userId, type: "view", at: now });
    return await countViews(tx, p.tenantId, id, new Date(now.getTime() - 30 * 86_400_000));
  });
}
