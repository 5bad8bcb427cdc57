/**
 * Post/Redirect/Get for answers that show a secret once (a heartbeat's ping
 * URL): the POST keeps the value in a short-lived HttpOnly cookie scoped to the
 * resource's page and redirects; that page's next GET shows it and clears it.
 * Reloading then shows the page without the secret and never repeats the POST.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../deps.ts";
import { isSecure } from "../middleware/auth.ts";

const COOKIE = "opsdeck_shown_once";

export function keepShownOnce(c: Context<AppEnv>, path: string, value: string): void {
  setCookie(c, COOKIE, value, { path, httpOnly: true, sameSite: "Strict", secure: isSecure(c), maxAge: 300 });
}

/** The value kept for this page, once; later loads get undefined. */
export function takeShownOnce(c: Context<AppEnv>, path: string): string | undefined {
  const value = getCookie(c, COOKIE);
  if (value === undefined) return undefined;
  deleteCookie(c, COOKIE, { path, secure: isSecure(c) });
  c.header("Cache-Control", "no-store");
  return value;
}
