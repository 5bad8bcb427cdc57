/** Sign in and out over the API, and list or end your own sessions. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { login, logout } from "../../../services/auth/sessions.ts";
import { PASSWORD_INPUT_MAX } from "../../../services/auth/passwords.ts";
import { listMySessions, revokeMySession } from "../../../services/profile/sessions.ts";
import { PageQuerySchema, pageSchema } from "../../../services/platform/pagination.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, clearSessionCookie, requirePrincipal, setSessionCookie } from "../../middleware/auth.ts";
import { locationOf, notFoundResponse, problem, PUBLIC, SIGNED_IN } from "../openapi_shared.ts";

export const LoginSchema = z.object({
  email: z.string().trim().min(1).max(320).openapi({ example: "ada@example.com" }),
  password: z.string().min(1).max(PASSWORD_INPUT_MAX).openapi({ example: "correct horse battery staple" }),
}).openapi("Login");

export const SessionSchema = z.object({
  token: z.string().openapi({ description: "Usable as `Authorization: Bearer <token>` until it expires" }),
  expires_at: z.string().openapi({ format: "date-time" }),
}).openapi("Session");

const ActiveSessionSchema = z.object({
  id: z.uuid(),
  ip: z.string().nullable().openapi({ example: "203.0.113.7" }),
  user_agent: z.string().nullable().openapi({ example: "Mozilla/5.0 (X11; Linux x86_64) …" }),
  created_at: z.string().openapi({ format: "date-time" }),
  last_seen_at: z.string().openapi({ format: "date-time", description: "Updated at most once a minute" }),
  expires_at: z.string().openapi({
    format: "date-time",
    description: "Absolute expiry; the session also ends after 12 hours without use",
  }),
  current: z.boolean().openapi({ description: "The session making this request" }),
}).openapi("ActiveSession");

const createSession = createRoute({
  method: "post",
  path: "/api/v1/sessions",
  operationId: "createSession",
  security: PUBLIC,
  tags: ["Auth"],
  summary: "Sign in with e-mail and password",
  description: "Sets the session cookie and returns the token, so a script can bootstrap its first API key.",
  request: { body: { required: true, content: { "application/json": { schema: LoginSchema } } } },
  responses: {
    201: { description: "Signed in", content: { "application/json": { schema: SessionSchema } } },
    401: problem("Wrong e-mail or password (the same answer for unknown users)"),
    429: problem("Too many failed attempts; see Retry-After"),
  },
});

const deleteSession = createRoute({
  method: "delete",
  path: "/api/v1/sessions/current",
  operationId: "deleteCurrentSession",
  security: SIGNED_IN,
  tags: ["Auth"],
  summary: "Sign out: revoke the session that made this request",
  responses: { 204: { description: "Signed out" } },
});

const listSessions = createRoute({
  method: "get",
  path: "/api/v1/sessions",
  operationId: "listSessions",
  security: SIGNED_IN,
  tags: ["Auth"],
  summary: "Your active sessions, newest first",
  request: { query: PageQuerySchema },
  responses: {
    200: {
      description: "A page of sessions",
      content: { "application/json": { schema: pageSchema(ActiveSessionSchema, "ActiveSessionPage") } },
    },
    403: problem("Called with an API key: sessions are managed with a user session"),
  },
});

const revokeSessionRoute = createRoute({
  method: "delete",
  path: "/api/v1/sessions/{id}",
  operationId: "deleteSession",
  security: SIGNED_IN,
  tags: ["Auth"],
  summary: "End one of your sessions",
  description: "Effective on that session's very next request. Another user's session is a 404.",
  request: {
    params: z.object({
      id: z.uuid().openapi({ param: { name: "id", in: "path" }, example: "5a3c1f0e-2b7d-4e8a-9c61-0d4f7b2e9a13" }),
    }),
  },
  responses: {
    204: { description: "Ended" },
    403: problem("Called with an API key: sessions are managed with a user session"),
    ...notFoundResponse,
  },
});

export function sessionsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(createSession, async (c) => {
    const { sql, throttles } = c.get("deps");
    const session = await login(sql, throttles, c.req.valid("json"), auditContext(c));
    setSessionCookie(c, session.token, session.expiresAt);
    const body = { token: session.token, expires_at: session.expiresAt.toISOString() };
    return c.json(body, 201, locationOf(c, session.sessionId));
  });
  app.openapi(deleteSession, async (c) => {
    const principal = requirePrincipal(c);
    await logout(c.get("deps").sql, principal, auditContext(c));
    clearSessionCookie(c);
    return c.body(null, 204);
  });
  app.openapi(listSessions, async (c) => {
    const { sql, now } = c.get("deps");
    const page = await listMySessions(sql, requirePrincipal(c), { ...c.req.valid("query"), now: now() });
    return c.json({
      data: page.data.map((s) => ({
        id: s.id,
        ip: s.ip,
        user_agent: s.user_agent,
        created_at: s.created_at.toISOString(),
        last_seen_at: s.last_seen_at.toISOString(),
        expires_at: s.expires_at.toISOString(),
        current: s.current,
      })),
      next_cursor: page.next_cursor,
    }, 200);
  });
  app.openapi(revokeSessionRoute, async (c) => {
    const principal = requirePrincipal(c);
    const { current } = await revokeMySession(c.get("deps").sql, principal, c.req.valid("param").id, auditContext(c));
    if (current && c.get("authVia") === "cookie") clearSessionCookie(c);
    return c.body(null, 204);
  });
  return app;
}
