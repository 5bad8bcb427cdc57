/**
 * A dashboard as JSON: the export format, and what each version stores.
 * Saved queries are named by their source's name and their own, so a file
 * moves between tenants and installs; ids are kept only to diff versions.
 */
import { z } from "@hono/zod-openapi";
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/dashboards.ts";
import { FiltersSchema, PositionSchema, WIDGET_QUERIES, WIDGET_TYPES } from "./schemas.ts";
import { savedFilters } from "./filters.ts";

export const SnapshotWidgetSchema = z.object({
  id: z.string().optional(),
  type: z.enum(WIDGET_TYPES),
  title: z.string().trim().min(1).max(200),
  query: z.enum(WIDGET_QUERIES),
  saved_query: z.object({ source: z.string().max(200), name: z.string().max(200) }).nullable().default(null),
  config: z.record(z.string(), z.union([z.string().max(200), z.number(), z.boolean()])).default({}),
  position: PositionSchema,
});
export const SnapshotSchema = z.object({
  opsdeck_dashboard: z.literal(1),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().default(null),
  tags: z.array(z.string().trim().toLowerCase().min(1).max(50)).max(20).default([]),
  filters: FiltersSchema.default({ range: "7d", project_id: null, environment: null, params: {} }),
  refresh_seconds: z.int().min(30).max(86_400).default(300),
  widgets: z.array(SnapshotWidgetSchema).max(100),
}).openapi("DashboardExport");
export type Snapshot = z.infer<typeof SnapshotSchema>;

export async function snapshotOf(tx: Sql, dashboard: q.DashboardRow, widgets: q.WidgetRow[]): Promise<Snapshot> {
  const names = new Map(
    (await q.savedQueryNames(tx, dashboard.tenant_id, widgets.flatMap((w) => w.saved_query_id ?? [])))
      .map((n) => [n.id, n]),
  );
  return {
    opsdeck_dashboard: 1,
    name: dashboard.name,
    description: dashboard.description,
    tags: dashboard.tags,
    filters: savedFilters(dashboard.filters),
    refresh_seconds: dashboard.refresh_seconds,
    widgets: widgets.map((w) => {
      const named = w.saved_query_id ? names.get(w.saved_query_id) : undefined;
      return {
        id: w.id,
        type: w.type as Snapshot["widgets"][number]["type"],
        title: w.title,
        query: w.query as Snapshot["widgets"][number]["query"],
        saved_query: named ? { source: named.source, name: named.name } : null,
        config: w.config as Record<string, string | number | boolean>,
        position: { x: w.pos_x, y: w.pos_y, w: w.pos_w, h: w.pos_h },
      };
    }),
  };
}

export interface WidgetChange {
  id: string;
  title: string;
  change: "added" | "removed" | "moved" | "changed";
}

/** Widget by widget: what `next` added, removed, moved or otherwise changed against `prev`. */
export function diffSnapshots(prev: Snapshot, next: Snapshot): WidgetChange[] {
  const before = new Map(prev.widgets.map((w) => [w.id ?? w.title, w]));
  const after = new Map(next.widgets.map((w) => [w.id ?? w.title, w]));
  const out: WidgetChange[] = [];
  for (const [id, w] of after) {
    const old = before.get(id);
    if (!old) out.push({ id, title: w.title, change: "added" });
    else if (JSON.stringify({ ...old, position: null }) !== JSON.stringify({ ...w, position: null })) {
      out.push({ id, title: w.title, change: "changed" });
    } else if (JSON.stringify(old.position) !== JSON.stringify(w.position)) {
      out.push({ id, title: w.title, change: "moved" });
    }
  }
  for (const [id, w] of before) if (!after.has(id)) out.push({ id, title: w.title, change: "removed" });
  return out;
}
