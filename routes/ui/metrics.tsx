/** The metrics explorer: one GET page, its block swapped in place by htmx when a picker changes. */
import { Hono } from "hono";
import { exploreView } from "../../services/metrics/explore.ts";
import { ExplorePage, Explorer } from "../../views/metrics/explore_page.tsx";
import type { AppEnv } from "../deps.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

export function explorePages() {
  const app = new Hono<AppEnv>();
  app.get("/explore", async (c) => {
    const principal = requireUserPage(c);
    const { sql, now } = c.get("deps");
    const view = await exploreView(sql, principal, c.req.query(), now());
    const status = view.notFound ? 404 : 200;
    if (isPartial(c)) return html(c, <Explorer view={view} />, status, { fragment: true });
    return html(c, <ExplorePage view={view} />, status);
  });
  return app;
}
