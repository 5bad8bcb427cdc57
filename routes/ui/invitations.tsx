/** Accepting an invitation in the browser: set a password, get signed in, land on the overview. */
import { type Context, Hono } from "hono";
import { openSession } from "../../services/auth/sessions.ts";
import { AppError } from "../../services/platform/errors.ts";
import { acceptInvitation, lookupInvitation } from "../../services/users/invitations.ts";
import { AcceptInvitationSchema } from "../../services/users/schemas.ts";
import { toFieldErrors } from "../../views/components/form_field.tsx";
import { AcceptPage } from "../../views/invitations/accept_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formBody, parseForm } from "../forms.ts";
import { auditContext, setSessionCookie } from "../middleware/auth.ts";
import { html } from "../render.ts";

const TITLES: Record<number, string> = { 404: "Invitation not found", 410: "Invitation no longer valid" };

function unusable(c: Context<AppEnv>, error: AppError) {
  const title = TITLES[error.status] ?? "Invitation";
  return html(c, <AcceptPage state="unusable" title={title} message={error.message} />, error.status);
}

/** Renders the form for a live link, or why it cannot be used. */
async function formFor(c: Context<AppEnv>, token: string, extra: { name?: string; errors?: Record<string, string> }) {
  const { sql, now } = c.get("deps");
  try {
    const found = await lookupInvitation(sql, token, now());
    return html(
      c,
      <AcceptPage
        state="form"
        token={token}
        email={found.email}
        organization={found.tenant_name}
        name={extra.name ?? found.name}
        errors={extra.errors}
      />,
      extra.errors ? 422 : 200,
    );
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    return unusable(c, error);
  }
}

export function invitationPages() {
  const app = new Hono<AppEnv>();

  app.get("/invitations/accept", (c) => {
    // The token is a secret: keep the page out of caches.
    c.header("Cache-Control", "no-store");
    const token = c.req.query("token") ?? "";
    if (!token || token.length > 200) {
      return unusable(c, new AppError(404, "Not found", "This link has no invitation token: copy the whole link"));
    }
    return formFor(c, token, {});
  });

  app.post("/invitations/accept", async (c) => {
    c.header("Cache-Control", "no-store");
    const body = await formBody(c);
    const token = typeof body.token === "string" ? body.token : "";
    // An empty name keeps the one the inviter gave, as an absent one does in the API.
    const name = typeof body.name === "string" && body.name.trim() ? body.name : undefined;
    try {
      const input = parseForm(AcceptInvitationSchema, { token, name, password: body.password });
      const ctx = auditContext(c);
      const user = await acceptInvitation(c.get("deps").sql, input, ctx);
      const session = await openSession(
        c.get("deps").sql,
        user.tenant_id,
        user.id,
        { ...ctx, actor: null, actorLabel: user.email },
        "session.login",
      );
      setSessionCookie(c, session.token, session.expiresAt);
      return c.redirect("/", 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      if (error.status !== 422 || !token) return unusable(c, error);
      return formFor(c, token, { name, errors: toFieldErrors(error.errors) });
    }
  });
  return app;
}
