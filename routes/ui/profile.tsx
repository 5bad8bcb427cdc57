/** Profile, theme and password forms, and the sessions list with in-place revoke. */
import { type Context, Hono } from "hono";
import { setCookie } from "hono/cookie";
import type { Principal } from "../../services/auth/permissions.ts";
import { AppError, ValidationError } from "../../services/platform/errors.ts";
import { changePassword } from "../../services/profile/password.ts";
import { loadPreferences, loadProfile, updatePreferences, updateProfile } from "../../services/profile/profile.ts";
import {
  PasswordChangeSchema,
  PreferencesUpdateSchema,
  ProfileUpdateSchema,
  timeZones,
} from "../../services/profile/schemas.ts";
import { listMySessions, revokeMySession } from "../../services/profile/sessions.ts";
import { toFieldErrors } from "../../views/components/form_field.tsx";
import { ProfilePage, type ProfilePageProps, type Saved, SAVED_MESSAGES } from "../../views/profile/profile_page.tsx";
import { SessionsPage } from "../../views/profile/sessions_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formFields, idParam, parseForm } from "../forms.ts";
import { auditContext, clearSessionCookie, setSessionCookie } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage, THEME_COOKIE } from "../render.ts";
import { themeCookieOptions } from "./preferences.ts";

const SESSIONS_PAGE_SIZE = 50;

type Extra = Partial<Pick<ProfilePageProps, "saved" | "values" | "profileErrors" | "passwordErrors" | "passwordError">>;

async function renderProfile(c: Context<AppEnv>, principal: Principal, extra: Extra = {}, status = 200) {
  const { sql } = c.get("deps");
  const [profile, preferences] = await Promise.all([loadProfile(sql, principal), loadPreferences(sql, principal)]);
  return html(
    c,
    <ProfilePage
      email={profile.email}
      roleName={principal.roleName}
      name={profile.name}
      timezone={profile.timezone}
      theme={preferences.theme}
      zones={timeZones()}
      {...extra}
    />,
    status,
  );
}

/** 422s re-render the form with inline errors; anything else goes to the error page. */
function formError(error: unknown): AppError {
  if (error instanceof AppError && (error.status === 422 || error.status === 429)) return error;
  throw error;
}

export function profilePages() {
  const app = new Hono<AppEnv>();

  app.get("/profile", (c) => {
    const principal = requireUserPage(c);
    const saved = c.req.query("saved");
    return renderProfile(c, principal, { saved: saved && saved in SAVED_MESSAGES ? saved as Saved : undefined });
  });

  app.post("/profile", async (c) => {
    const principal = requireUserPage(c);
    const fields = await formFields(c);
    try {
      // The picker's first choice, "Browser time", is the empty value.
      const input = parseForm(ProfileUpdateSchema, { name: fields.name, timezone: fields.timezone || null });
      await updateProfile(c.get("deps").sql, principal, input, auditContext(c));
      return c.redirect("/profile?saved=profile", 303);
    } catch (error) {
      const e = formError(error);
      const values = { name: fields.name, timezone: fields.timezone };
      return renderProfile(c, principal, { values, profileErrors: toFieldErrors(e.errors) }, e.status);
    }
  });

  app.post("/profile/preferences", async (c) => {
    const principal = requireUserPage(c);
    const input = parseForm(PreferencesUpdateSchema, { theme: (await formFields(c)).theme });
    await updatePreferences(c.get("deps").sql, principal, input, auditContext(c));
    if (input.theme) setCookie(c, THEME_COOKIE, input.theme, themeCookieOptions);
    return c.redirect("/profile?saved=theme", 303);
  });

  app.post("/profile/password", async (c) => {
    const principal = requireUserPage(c);
    const fields = await formFields(c);
    try {
      if (fields.new_password && fields.confirm_password !== fields.new_password) {
        throw new ValidationError([{ path: "confirm_password", message: "does not match the new password" }]);
      }
      const input = parseForm(PasswordChangeSchema, {
        current_password: fields.current_password,
        new_password: fields.new_password,
      });
      const { sql, throttles } = c.get("deps");
      const session = await changePassword(sql, throttles, principal, input, auditContext(c));
      setSessionCookie(c, session.token, session.expiresAt);
      return c.redirect("/profile?saved=password", 303);
    } catch (error) {
      const e = formError(error);
      for (const [k, v] of Object.entries(e.headers)) c.header(k, v);
      const extra = e.errors ? { passwordErrors: toFieldErrors(e.errors) } : { passwordError: e.message };
      return renderProfile(c, principal, extra, e.status);
    }
  });

  app.get("/profile/sessions", async (c) => {
    const principal = requireUserPage(c);
    const { sql, now } = c.get("deps");
    const [page, profile] = await Promise.all([
      listMySessions(sql, principal, { limit: SESSIONS_PAGE_SIZE, cursor: c.req.query("cursor"), now: now() }),
      loadProfile(sql, principal),
    ]);
    return html(c, <SessionsPage sessions={page.data} nextCursor={page.next_cursor} timeZone={profile.timezone} />);
  });

  app.post("/profile/sessions/:id/revoke", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "No such session");
    const { current } = await revokeMySession(c.get("deps").sql, principal, id, auditContext(c));
    if (current) {
      clearSessionCookie(c);
      return isPartial(c) ? c.body(null, 200, { "HX-Redirect": "/login" }) : c.redirect("/login", 303);
    }
    // An empty 200 makes htmx swap the row out; without JavaScript the page reloads.
    return isPartial(c) ? c.body("", 200) : c.redirect("/profile/sessions", 303);
  });
  return app;
}
