/** One place that turns a Preact view into a response, full page or htmx fragment. */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { h, type VNode } from "preact";
import { PageContext, type PageContextValue, type Theme } from "../views/page_context.ts";
import { renderPage } from "../views/render.tsx";
import type { Principal } from "../services/auth/permissions.ts";
import { storedTheme } from "../services/profile/profile.ts";
import type { AppEnv } from "./deps.ts";
import { csrfTokenFor } from "./middleware/csrf.ts";
import { RedirectError } from "./problem.ts";

export const THEME_COOKIE = "opsdeck_theme";
const THEMES: Theme[] = ["light", "dark", "auto"];

/** A signed-in user's stored theme, else the cookie (set before signing in), else the system's. */
export async function themeOf(c: Context<AppEnv>): Promise<Theme> {
  const principal = c.get("principal");
  const stored = principal?.kind === "user" ? await storedTheme(c.get("deps").sql, principal) : undefined;
  if (stored) return stored;
  const value = getCookie(c, THEME_COOKIE) as Theme | undefined;
  return value && THEMES.includes(value) ? value : "auto";
}

/** htmx asked for a piece of a page rather than a whole one. */
export function isPartial(c: Context): boolean {
  return c.req.header("HX-Request") === "true" && c.req.header("HX-History-Restore-Request") !== "true";
}

export async function pageContext(c: Context<AppEnv>): Promise<PageContextValue> {
  const principal = c.get("principal");
  return {
    theme: await themeOf(c),
    path: c.req.path,
    requestId: c.get("requestId"),
    principal,
    csrfToken: principal?.sessionId ? await csrfTokenFor(c.get("deps").secret, principal.sessionId) : undefined,
    liveStream: Boolean(principal?.sessionId && c.get("deps").live),
  };
}

export async function html(
  c: Context<AppEnv>,
  node: VNode,
  status = 200,
  options: { fragment?: boolean } = {},
): Promise<Response> {
  const tree = h(PageContext.Provider, { value: await pageContext(c) }, node);
  c.header("Vary", "HX-Request");
  return c.html(renderPage(tree, options), status as 200);
}

/** Pages need a signed-in user: others go to the login page and come back after. */
export function requireUserPage(c: Context<AppEnv>): Principal {
  const principal = c.get("principal");
  if (principal) return principal;
  const next = c.req.path + (new URL(c.req.url).search || "");
  throw new RedirectError(`/login?next=${encodeURIComponent(next)}`);
}
