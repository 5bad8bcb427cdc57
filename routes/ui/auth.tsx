/** Login, logout and first-run set-up pages. */
import { Hono } from "hono";
import { z } from "zod";
import { AppError } from "../../services/platform/errors.ts";
import { login, logout, openSession } from "../../services/auth/sessions.ts";
import { createFirstTenant, needsSetup, SetupSchema } from "../../services/auth/setup.ts";
import { LoginPage } from "../../views/auth/login_page.tsx";
import { SetupPage } from "../../views/auth/setup_page.tsx";
import { toFieldErrors } from "../../views/components/form_field.tsx";
import type { AppEnv } from "../deps.ts";
import { formErrors, formFields, parseForm } from "../forms.ts";
import { auditContext, clearSessionCookie, setSessionCookie } from "../middleware/auth.ts";
import { fieldErrorsFromZod } from "../problem.ts";
import { html } from "../render.ts";
import { safeNext } from "../safe_next.ts";

const LoginForm = z.object({
  email: z.string().trim().min(1, "Enter your e-mail").max(320),
  password: z.string().min(1, "Enter your password").max(1024),
  next: z.string().max(2000).optional(),
});

export function authRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/login", async (c) => {
    const { sql, config } = c.get("deps");
    if (await needsSetup(sql)) return c.redirect("/setup", 303);
    if (c.get("principal")) return c.redirect(safeNext(c.req.query("next")), 303);
    return html(
      c,
      <LoginPage next={safeNext(c.req.query("next"))} ssoUrl={config.oidc ? "/auth/oidc/start" : undefined} />,
    );
  });

  app.post("/login", async (c) => {
    const { sql, throttles, config } = c.get("deps");
    const body = await formFields(c);
    const next = safeNext(body.next);
    const ssoUrl = config.oidc ? "/auth/oidc/start" : undefined;
    const parsed = LoginForm.safeParse(body);
    if (!parsed.success) {
      const errors = toFieldErrors(fieldErrorsFromZod(parsed.error.issues));
      return html(c, <LoginPage next={next} email={body.email} errors={errors} ssoUrl={ssoUrl} />, 422);
    }
    try {
      const session = await login(sql, throttles, parsed.data, auditContext(c));
      setSessionCookie(c, session.token, session.expiresAt);
      return c.redirect(next, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      for (const [k, v] of Object.entries(error.headers)) c.header(k, v);
      return html(c, <LoginPage next={next} email={body.email} error={error.message} ssoUrl={ssoUrl} />, error.status);
    }
  });

  app.post("/logout", async (c) => {
    const principal = c.get("principal");
    if (principal) await logout(c.get("deps").sql, principal, auditContext(c));
    clearSessionCookie(c);
    return c.redirect("/login", 303);
  });

  app.get("/setup", async (c) => {
    if (!await needsSetup(c.get("deps").sql)) return c.redirect("/login", 303);
    return html(c, <SetupPage />);
  });

  app.post("/setup", async (c) => {
    const { sql } = c.get("deps");
    if (!await needsSetup(sql)) return c.redirect("/login", 303);
    const body = await formFields(c);
    const values = { organization: body.organization, name: body.name, email: body.email };
    try {
      const input = parseForm(SetupSchema, body);
      const ctx = auditContext(c);
      const user = await createFirstTenant(sql, input, ctx);
      const session = await openSession(
        sql,
        user.tenant_id,
        user.id,
        { ...ctx, actorLabel: user.email },
        "session.login",
      );
      setSessionCookie(c, session.token, session.expiresAt);
      return c.redirect("/", 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      return html(c, <SetupPage values={values} {...formErrors(error)} />, error.status);
    }
  });
  return app;
}
