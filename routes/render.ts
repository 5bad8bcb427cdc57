/** One place that turns a Preact view into a response, full page or htmx fragment. */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { h, type VNode } from "preact";
import { PageContext, type Theme } from "../views/page_context.ts";
import { renderPage } from "../views/render.tsx";

export const THEME_COOKIE = "opsdeck_theme";
const THEMES: Theme[] = ["light", "dark", "auto"];

export function themeOf(c: Context): Theme {
  const value = getCookie(c, THEME_COOKIE) as Theme | undefined;
  return value && THEMES.includes(value) ? value : "auto";
}

/** htmx asked for a piece of a page rather than a whole one. */
export function isPartial(c: Context): boolean {
  return c.req.header("HX-Request") === "true" && c.req.header("HX-History-Restore-Request") !== "true";
}

export function html(c: Context, node: VNode, status = 200, options: { fragment?: boolean } = {}): Response {
  const tree = h(PageContext.Provider, {
    value: { theme: themeOf(c), path: c.req.path, requestId: c.get("requestId") },
  }, node);
  c.header("Vary", "HX-Request");
  return c.html(renderPage(tree, options), status as 200);
}
