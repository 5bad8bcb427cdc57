/**
 * History (every save a version), publish, restore, and JSON export/import.
 * Restore and import write a snapshot back: saved queries are found by their
 * source's name and their own among those the caller can see; one that is not
 * there is a 422 naming the widget, and nothing is written.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/dashboards.ts";
import { insertDashboardEvent } from "../../db/queries/reports.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { NotFoundError, ValidationError } from "../platform/errors.ts";
import { loadDashboard } from "./access.ts";
import { saveVersion } from "./dashboards.ts";
import { normalise } from "./layout.ts";
import { diffSnapshots, type Snapshot, snapshotOf, SnapshotSchema, type WidgetChange } from "./snapshot.ts";

export async function versionHistory(sql: Sql, p: Principal, id: string) {
  return await withTenant(sql, p.tenantId, async (tx) => {
    const dashboard = await loadDashboard(tx, p, id, "view");
    const versions = await q.listVersions(tx, p.tenantId, id);
    const changes = new Map<number, WidgetChange[]>();
    versions.forEach((v, i) => {
      const prev = versions[i + 1];
      const parse = (s: unknown) => SnapshotSchema.safeParse(s);
      const now = parse(v.snapshot);
      const before = prev ? parse(prev.snapshot) : null;
      if (!now.success) return;
      changes.set(
        v.version,
        diffSnapshots(before?.success ? before.data : { ...now.data, widgets: [] }, now.data),
      );
    });
    return { dashboard, versions, changes };
  });
}

async function writeSnapshot(tx: Sql, p: Principal, id: string, s: Snapshot, now: Date) {
  const errors: { path: string; message: string }[] = [];
  const resolved = await Promise.all(s.widgets.map(async (w, i) => {
    if (w.query !== "saved_query") return { saved_query_id: null, data_source_id: null };
    const found = w.saved_query
      ? await q.findSavedQueryByNames(tx, p.tenantId, p.userId, w.saved_query.source, w.saved_query.name)
      : undefined;
    if (!found) errors.push({ path: `widgets.${i}.saved_query`, message: "names no saved query you can see here" });
    return { saved_query_id: found?.id ?? null, data_source_id: found?.data_source_id ?? null };
  }));
  if (errors.length > 0) throw new ValidationError(errors);
  await q.updateDashboard(tx, p.tenantId, id, {
    name: s.name,
    description: s.description,
    tags: s.tags,
    filters: s.filters,
    refresh_seconds: s.refresh_seconds,
  });
  await q.deleteWidgets(tx, p.tenantId, id);
  const placed = normalise(s.widgets.map((w, i) => ({ ...w.position, id: String(i).padStart(4, "0") })));
  for (const [i, w] of s.widgets.entries()) {
    const pos = placed.find((t) => t.id === String(i).padStart(4, "0"))!;
    await q.insertWidget(tx, {
      tenantId: p.tenantId,
      dashboardId: id,
      now,
      type: w.type,
      title: w.title,
      query: w.query,
      ...resolved[i],
      config: w.config,
      pos_x: pos.x,
      pos_y: pos.y,
      pos_w: pos.w,
      pos_h: pos.h,
    });
  }
}

export async function restoreVersion(sql: Sql, p: Principal, id: string, version: number, ctx: AuditContext) {
  return await withTenant(sql, p.tenantId, async (tx) => {
    await loadDashboard(tx, p, id, "edit", { forUpdate: true });
    const row = await q.getVersion(tx, p.tenantId, id, version);
    if (!row) throw new NotFoundError("No such version");
    await writeSnapshot(tx, p, id, SnapshotSchema.parse(row.snapshot), ctx.now);
    const saved = await saveVersion(tx, p, id, ctx.now);
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "dashboard.restore",
      resourceType: "dashboard",
      resourceId: id,
      details: { restored: version, version: saved },
    });
    return saved;
  });
}

export async function publishVersion(sql: Sql, p: Principal, id: string, version: number, ctx: AuditContext) {
  await withTenant(sql, p.tenantId, async (tx) => {
    await loadDashboard(tx, p, id, "edit", { forUpdate: true });
    if (!await q.getVersion(tx, p.tenantId, id, version)) throw new NotFoundError("No such version");
    await q.setPublished(tx, p.tenantId, id, version, ctx.now);
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "dashboard.publish",
      resourceType: "dashboard",
      resourceId: id,
      details: { version },
    });
  });
}

export async function exportDashboard(sql: Sql, p: Principal, id: string, now: Date): Promise<Snapshot> {
  return await withTenant(sql, p.tenantId, async (tx) => {
    const dashboard = await loadDashboard(tx, p, id, "view");
    await insertDashboardEvent(tx, {
      tenantId: p.tenantId,
      dashboardId: id,
      userId: p.userId,
      type: "export",
      at: now,
    });
    const snapshot = await snapshotOf(tx, dashboard, await q.listWidgets(tx, p.tenantId, id));
    return { ...snapshot, widgets: snapshot.widgets.map(({ id: _, ...w }) => w) };
  });
}

export async function importDashboard(sql: Sql, p: Principal, input: Snapshot, ctx: AuditContext) {
  authorize(p, "dashboards", "write");
  return await withTenant(sql, p.tenantId, async (tx) => {
    const row = await q.insertDashboard(tx, {
      tenantId: p.tenantId,
      ownerId: p.userId,
      now: ctx.now,
      name: input.name,
      description: input.description,
      tags: input.tags,
      filters: input.filters,
      refresh_seconds: input.refresh_seconds,
    });
    await writeSnapshot(tx, p, row.id, input, ctx.now);
    await saveVersion(tx, p, row.id, ctx.now, true);
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "dashboard.import",
      resourceType: "dashboard",
      resourceId: row.id,
      after: { name: row.name, widgets: input.widgets.length },
    });
    return row;
  });
}
