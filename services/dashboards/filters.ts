/**
 * Dashboard filters: the saved defaults, overridden by the URL (so a link
 * carries what its sender saw). URL keys: range, project, env, and p.<name>
 * for a saved query's parameter. A public viewer may override only the names
 * the owner marked editable.
 */
import { type Filters, FiltersSchema, RANGE_MS } from "./schemas.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function savedFilters(stored: unknown): Filters {
  const parsed = FiltersSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : FiltersSchema.parse({});
}

export function effectiveFilters(
  stored: unknown,
  url: URLSearchParams,
  editable: readonly string[] | "all" = "all",
): Filters {
  const base = savedFilters(stored);
  const may = (name: string) => editable === "all" || editable.includes(name);
  const range = url.get("range");
  if (may("range") && range && range in RANGE_MS) base.range = range as Filters["range"];
  const project = url.get("project");
  if (may("project_id") && project !== null) base.project_id = UUID.test(project) ? project.toLowerCase() : null;
  const env = url.get("env");
  if (may("environment") && env !== null) base.environment = env.trim().slice(0, 100) || null;
  if (may("params")) {
    for (const [key, value] of url) {
      const name = key.startsWith("p.") ? key.slice(2) : "";
      if (/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name) && Object.keys(base.params).length < 20) {
        base.params[name] = value.slice(0, 200);
      }
    }
  }
  return base;
}

/** The filters as a query string, for links and each widget's own request. */
export function filtersQuery(f: Filters): string {
  const q = new URLSearchParams({ range: f.range });
  if (f.project_id) q.set("project", f.project_id);
  if (f.environment) q.set("env", f.environment);
  for (const [name, value] of Object.entries(f.params)) q.set(`p.${name}`, value);
  return q.toString();
}

export function rangeOf(f: Filters, now: Date): { from: Date; to: Date; hourly: boolean } {
  const ms = RANGE_MS[f.range];
  const hourly = ms <= RANGE_MS["24h"];
  // whole buckets: the range starts at the first hour (or UTC day) it touches
  const step = hourly ? 3_600_000 : 86_400_000;
  return { from: new Date(Math.floor((now.getTime() - ms) / step) * step), to: now, hourly };
}
