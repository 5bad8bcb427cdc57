/**
 * What a public link shows, cached so that viewers do not multiply database
 * work. Per link and process, whatever the number of viewers:
 * - the token is looked up again after TOKEN_TTL_MS (one statement), so a
 *   revoked link stops within that time in other processes (at once in this
 *   one, through forget());
 * - the widget list and each widget's rows are loaded once per refresh
 *   interval per filter set and dashboard version (1 + widgets transactions);
 * - concurrent misses share one load.
 * A public viewer is no one: built-in data of the whole tenant as the owner
 * set the filters (saved queries are not shown; they run as a person).
 * docs/dashboards.md counts the statements.
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
  const boards = new Map<string, Entry<q.DashboardRow | null>>();
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

  async function board(hash: Uint8Array) {
    return await cached(
      boards,
      toBase64Url(hash),
      TOKEN_TTL_MS,
      async () => await q.getDashboardByTokenHash(sql, hash) ?? null,
    );
  }

  return {
    async view(token: string, url: URLSearchParams): Promise<PublicView> {
      const dashboard = await board(await sha256(token));
      if (!dashboard) throw new NotFoundError("No such dashboard");
      const filters = effectiveFilters(dashboard.filters, url, dashboard.public_editable);
      // every save is a new version, so an edited dashboard is loaded afresh at the next token check
      const key = `${dashboard.id}:${dashboard.version}?${filtersQuery(filters)}`;
      return await cached(views, key, dashboard.refresh_seconds * 1000, async () => {
        const widgets = await withTenant(
          sql,
          dashboard.tenant_id,
          (tx) => q.listWidgets(tx, dashboard.tenant_id, dashboard.id),
        );
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
