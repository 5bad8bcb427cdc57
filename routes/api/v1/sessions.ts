/** Sign in and out over the API, and who am I. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { login, logout } from "../../../services/auth/sessions.ts";
import { PASSWORD_INPUT_MAX } from "../../../services/auth/passwords.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, clearSessionCookie, requirePrincipal, setSessionCookie } from "../../middleware/auth.ts";
import { errorResponses, ProblemSchema } from "../schemas.ts";

export const LoginSchema = z.object({
  email: z.string().trim().min(1).max(320).openapi({ example: "ada@example.com" }),
  password: z.string().min(1).max(PASSWORD_INPUT_MAX).openapi({ example: "correct horse battery staple" }),
}).openapi("Login");

const SessionSchema = z.object({
  token: z.string().openapi({ description: "Usable as `Authorization: Bearer <token>` until it expires" }),
  expires_at: z.string().openapi({ format: "date-time" }),
}).openapi("Session");

export const MeSchema = z.object({
  id: z.uuid(),
  tenant_id: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.string().openapi({ example: "admin" }),
  client_id: z.uuid().nullable(),
  super_admin: z.boolean(),
  permissions: z.array(z.string()).openapi({ example: ["projects:read", "projects:write"] }),
  authenticated_with: z.enum(["session", "api_key"]),
}).openapi("Me");

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

const createSession = createRoute({
  method: "post",
  path: "/api/v1/sessions",
  tags: ["Auth"],
  summary: "Sign in with e-mail and password",
  description: "Sets the session cookie and returns the token, so a script can bootstrap its first API key.",
  request: { body: { required: true, content: { "application/json": { schema: LoginSchema } } } },
  responses: {
    201: { description: "Signed in", content: { "application/json": { schema: SessionSchema } } },
    401: problem("Wrong e-mail or password (the same answer for unknown users)"),
    429: problem("Too many failed attempts; see Retry-After"),
    ...errorResponses,
  },
});

const deleteSession = createRoute({
  method: "delete",
  path: "/api/v1/sessions/current",
  tags: ["Auth"],
  summary: "Sign out: revoke the session that made this request",
  responses: { 204: { description: "Signed out" }, 401: problem("Not signed in"), ...errorResponses },
});

const me = createRoute({
  method: "get",
  path: "/api/v1/me",
  tags: ["Auth"],
  summary: "The signed-in user and their effective permissions",
  responses: {
    200: { description: "Me", content: { "application/json": { schema: MeSchema } } },
    401: problem("Not signed in"),
    ...errorResponses,
  },
});

export function sessionsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(createSession, async (c) => {
    const { sql, throttles } = c.get("deps");
    const session = await login(sql, throttles, c.req.valid("json"), auditContext(c));
    setSessionCookie(c, session.token, session.expiresAt);
    return c.json({ token: session.token, expires_at: session.expiresAt.toISOString() }, 201);
  });
  app.openapi(deleteSession, async (c) => {
    const principal = requirePrincipal(c);
    await logout(c.get("deps").sql, principal, auditContext(c));
    clearSessionCookie(c);
    return c.body(null, 204);
  });
  app.openapi(me, (c) => {
    const p = requirePrincipal(c);
    return c.json({
      id: p.userId,
      tenant_id: p.tenantId,
      email: p.email,
      name: p.name,
      role: p.roleName,
      client_id: p.clientId,
      super_admin: p.superAdmin,
      permissions: [...p.permissions].sort(),
      authenticated_with: p.kind === "api_key" ? "api_key" as const : "session" as const,
    }, 200);
  });
  return app;
}
