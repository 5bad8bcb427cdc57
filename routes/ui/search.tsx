/** The global search page (the nav's box, "/" to focus it). */
import { Hono } from "hono";
import { search, SearchQuerySchema } from "../../services/search/search.ts";
import { SearchPage } from "../../views/search/search_page.tsx";
import type { AppEnv } from "../deps.ts";
import { html, requireUserPage } from "../render.ts";

export function searchPages() {
  const app = new Hono<AppEnv>();
  app.get("/search", async (c) => {
    const principal = requireUserPage(c);
    const q = c.req.query("q") ?? "";
    if (!q.trim()) return html(c, <SearchPage q="" result={null} />);
    const parsed = SearchQuerySchema.safeParse({ q });
    if (!parsed.success) return html(c, <SearchPage q={q} result={null} error={parsed.error.issues[0].message} />, 422);
    return html(c, <SearchPage q={q} result={await search(c.get("deps").sql, principal, parsed.data)} />);
  });
  return app;
}
