/**
 * The theme switch. Anyone may set it; it is kept in a cookie (so the login
 * page follows it too) and, for a signed-in user, in their preferences, which
 * win on every page once they are signed in (`themeOf` in render.ts).
 */
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { z } from "zod";
import { updatePreferences } from "../../services/profile/profile.ts";
import { THEMES } from "../../services/profile/schemas.ts";
import type { AppEnv } from "../deps.ts";
import { auditContext } from "../middleware/auth.ts";
import { THEME_COOKIE } from "../render.ts";

const ThemeForm = z.object({ theme: z.enum(THEMES) });

export const themeCookieOptions = {
  path: "/",
  sameSite: "Lax",
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
} as const;

export function preferenceRoutes() {
  const app = new Hono<AppEnv>();
  app.post("/preferences/theme", async (c) => {
    const parsed = ThemeForm.safeParse(await c.req.parseBody());
    const theme = parsed.success ? parsed.data.theme : "auto";
    const principal = c.get("principal");
    if (principal?.kind === "user") {
      await updatePreferences(c.get("deps").sql, principal, { theme }, auditContext(c));
    }
    setCookie(c, THEME_COOKIE, theme, themeCookieOptions);
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
