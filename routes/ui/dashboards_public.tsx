/**
 * A dashboard's public link, /d/{token}: no session, read-only, rate-limited
 * per address, never indexed, and answered from the cache (services/dashboards/public_view.ts).
 */
import { Hono } from "hono";
import { filtersQuery } from "../../services/dashboards/filters.ts";
import { AppError, NotFoundError } from "../../services/platform/errors.ts";
import { RateLimiter } from "../../services/platform/rate_limit.ts";
import { PublicDashboardPage } from "../../views/dashboards/public_page.tsx";
import { clientIp } from "../client.ts";
import { publicViewsOf } from "../dashboards_public.ts";
import type { AppEnv } from "../deps.ts";
import { html } from "../render.ts";

const PER_MINUTE = 120;

export function publicDashboardPages() {
  const app = new Hono<AppEnv>();
  const limiter = new RateLimiter({ name: "public-dashboard", limit: PER_MINUTE, windowSeconds: 60 });
  app.get("/d/:token", async (c) => {
    c.header("X-Robots-Tag", "noindex, nofollow");
    const decision = limiter.take(clientIp(c) ?? "unknown", c.get("deps").now().getTime());
    if (!decision.allowed) {
      throw new AppError(429, "Too many requests", `Try again in ${decision.resetSeconds} s`, undefined, {
        "Retry-After": String(decision.resetSeconds),
      });
    }
    const token = c.req.param("token");
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw new NotFoundError("No such dashboard");
    const view = await publicViewsOf(c).view(token, new URL(c.req.url).searchParams);
    c.header("Cache-Control", `private, max-age=${Math.min(view.dashboard.refresh_seconds, 300)}`);
    return html(c, <PublicDashboardPage view={view} action={`/d/${token}`} query={filtersQuery(view.filters)} />);
  });
  return app;
}
