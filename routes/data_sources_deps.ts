/** What data-source routes (API and pages) pass to the services, built once from the app's deps. */
import type { Context } from "hono";
import type { SourceDeps } from "../services/data_sources/data_sources.ts";
import type { AppEnv } from "./deps.ts";

export function sourceDeps(c: Context<AppEnv>): SourceDeps & { now: () => Date } {
  const deps = c.get("deps");
  return {
    secret: deps.secret,
    config: deps.config,
    now: deps.now,
  };
}
