/**
 * What a public link shows, cached so that viewers do not multiply database
 * work: the token lookup is kept for TOKEN_TTL_MS (a revoked link stops within
 * that time in other processes, at once in this one), each widget's rows for
 * the dashboard's refresh interval per filter set. Concurrent misses share one
 * load. A public viewer is no one: built-in data of the whole tenant as the
 * owner set the filters (saved queries are not shown; they run as a person).
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/dashboards.ts";
import { withTenant } from "../../db/tenant.ts";
import { sha256, toBase64Url } from "../auth/tokens.ts";
import { NotFoundError } from "../platform/errors.ts";
import { type DataDeps, widgetData } from "./data/widget_data.ts";
import { effectiveFilters, filtersQuery } from "./filters.ts";
import type { Dataset, Filters } from "./schemas.ts";

const TOKEN_TTL_MS = 10_000;
const MAX_ENTRIES = 1_000;

export interface PublicView {
  dashboard: q.DashboardRow;
  widgets: q.WidgetRow[];
  filters: Filters;
  data: Map<string, Dataset | { error: string }>;
  generatedAt: Date;
}

interface Entry<T> {
  expires: number;
  value: Promise<T>;
}

export function createPublicViews(sql: Sql, deps: DataDeps) {
  const boards = new Map<string, Entry<{ dashboard: q.DashboardRow; widgets: q.WidgetRow[] } | null>>();
  const views = new Map<string, Entry<PublicView>>();

  function cached<T>(map: Map<string, Entry<T>>, key: string, ttl: number, load: () => Promise<T>): Promise<T> {
    const now = deps.now().getTime();
    const hit = map.get(key);
    if (hit && hit.expires > now) return hit.value;
    if (map.size >= MAX_ENTRIES) map.clear();
    const value = load();
    map.set(key, { expires: now + ttl, value });
    value.catch(() => map.delete(key));
    return value;
  }

  async function board(token: string) {
    const key = toBase64Url(await sha256(token));
    return await cached(boards, key, TOKEN_TTL_MS, async () => {
      const dashboard = await q.getDashboardByTokenHash(sql, await sha256(token));
      if (!dashboard) return null;
      const widgets = await withTenant(
        sql,
        dashboard.tenant_id,
        (tx) => q.listWidgets(tx, dashboard.tenant_id, dashboard.id),
      );
      return { dashboard, widgets };
    });
  }

  return {
    async view(token: string, url: URLSearchParams): Promise<PublicView> {
      const found = await board(token);
      if (!found) throw new NotFoundError("No such dashboard");
      const { dashboard, widgets } = found;
      const filters = effectiveFilters(dashboard.filters, url, dashboard.public_editable);
      const key = `${dashboard.id}:${dashboard.version}?${filtersQuery(filters)}`;
      return await cached(views, key, dashboard.refresh_seconds * 1000, async () => {
        const data = new Map<string, Dataset | { error: string }>();
        for (const w of widgets) {
          const rows = await widgetData(sql, { publicTenantId: dashboard.tenant_id }, w, filters, deps).catch(
            (error: Error) => ({ error: error.message }),
          );
          data.set(w.id, rows);
        }
        return { dashboard, widgets, filters, data, generatedAt: deps.now() };
      });
    },
    /** A revoked or rotated link stops here at once. */
    forget() {
      boards.clear();
      views.clear();
    },
  };
}
export type PublicViews = ReturnType<typeof createPublicViews>;
