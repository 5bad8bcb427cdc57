/** The public-link cache of an app: one per app's deps, so the API's revoke empties what the pages serve. */
import type { Context } from "hono";
import { createPublicViews, type PublicViews } from "../services/dashboards/public_view.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { sourceDeps } from "./data_sources_deps.ts";

const byApp = new WeakMap<AppDeps, PublicViews>();

export function publicViewsOf(c: Context<AppEnv>): PublicViews {
  const deps = c.get("deps");
  let views = byApp.get(deps);
  if (!views) byApp.set(deps, views = createPublicViews(deps.sql, sourceDeps(c)));
  return views;
}
