/** Preferences a visitor can set before signing in (the theme), kept in a cookie. */
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { z } from "zod";
import type { AppEnv } from "../deps.ts";
import { THEME_COOKIE } from "../render.ts";

const ThemeForm = z.object({ theme: z.enum(["light", "dark", "auto"]) });

export function preferenceRoutes() {
  const app = new Hono<AppEnv>();
  app.post("/preferences/theme", async (c) => {
    const parsed = ThemeForm.safeParse(await c.req.parseBody());
    const theme = parsed.success ? parsed.data.theme : "auto";
    setCookie(c, THEME_COOKIE, theme, { path: "/", sameSite: "Lax", httpOnly: true, maxAge: 60 * 60 * 24 * 365 });
    return c.redirect(backTo(c.req.header("Referer"), c.req.url), 303);
  });
  return app;
}

/** Only ever redirect to a path on this site. */
function backTo(referer: string | undefined, self: string): string {
  if (!referer) return "/";
  try {
    const ref = new URL(referer);
    return ref.origin === new URL(self).origin ? ref.pathname + ref.search : "/";
  } catch {
    return "/";
  }
}
