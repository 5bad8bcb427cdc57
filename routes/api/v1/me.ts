/** Who am I, and what I may change about myself: profile, preferences, password. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { changePassword } from "../../../services/profile/password.ts";
import { loadPreferences, updatePreferences, updateProfile } from "../../../services/profile/profile.ts";
import {
  PasswordChangeSchema,
  PreferencesSchema,
  PreferencesUpdateSchema,
  ProfileSchema,
  ProfileUpdateSchema,
} from "../../../services/profile/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, setSessionCookie } from "../../middleware/auth.ts";
import { SessionSchema } from "./sessions.ts";
import { problem, SIGNED_IN } from "../openapi_shared.ts";

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

const sessionOnly = { 403: problem("Called with an API key: changing the account needs a user session") };
const json = <T>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });

const meRoute = createRoute({
  method: "get",
  path: "/api/v1/me",
  operationId: "getMe",
  security: SIGNED_IN,
  tags: ["Auth"],
  summary: "The signed-in user and their effective permissions",
  description: "For an API key, the permissions are the key's scopes within its owner's.",
  responses: { 200: json(MeSchema, "Me") },
});

const updateMeRoute = createRoute({
  method: "patch",
  path: "/api/v1/me",
  operationId: "updateMe",
  security: SIGNED_IN,
  tags: ["Profile"],
  summary: "Change your name or time zone",
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: ProfileUpdateSchema, example: { timezone: "Europe/Paris" } } },
    },
  },
  responses: { 200: json(ProfileSchema, "The profile as saved"), ...sessionOnly },
});

const preferencesRoute = createRoute({
  method: "get",
  path: "/api/v1/me/preferences",
  operationId: "getPreferences",
  security: SIGNED_IN,
  tags: ["Profile"],
  summary: "Your preferences",
  responses: { 200: json(PreferencesSchema, "Preferences") },
});

const putPreferencesRoute = createRoute({
  method: "put",
  path: "/api/v1/me/preferences",
  operationId: "setPreferences",
  security: SIGNED_IN,
  tags: ["Profile"],
  summary: "Set preferences",
  description: "Sets the preferences given; those left out keep their values. `timezone` is the profile's.",
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: PreferencesUpdateSchema, example: { theme: "dark" } } },
    },
  },
  responses: {
    200: json(PreferencesSchema, "The preferences as saved"),
    ...sessionOnly,
  },
});

const passwordRoute = createRoute({
  method: "post",
  path: "/api/v1/me/password",
  operationId: "changePassword",
  security: SIGNED_IN,
  tags: ["Profile"],
  summary: "Change your password",
  description: "Checks the current password, then ends every session of yours, the calling one included, and " +
    "returns a new session (which also replaces the cookie of a browser caller). API keys stay valid.",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: PasswordChangeSchema,
          example: { current_password: "violet-anchor-drifts-42", new_password: "copper-lantern-hums-at-dawn" },
        },
      },
    },
  },
  responses: {
    200: json(SessionSchema, "Changed; use the new session from now on"),
    ...sessionOnly,
    429: problem("Too many wrong passwords; see Retry-After"),
  },
});

export function meApi() {
  const app = new OpenAPIHono<AppEnv>();
  // Unauthenticated callers get 401 before their body is judged.
  app.use("/api/v1/me", async (c, next) => (requirePrincipal(c), await next()));
  app.use("/api/v1/me/*", async (c, next) => (requirePrincipal(c), await next()));

  app.openapi(meRoute, (c) => {
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
  app.openapi(updateMeRoute, async (c) => {
    const profile = await updateProfile(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    return c.json({ id: profile.id, email: profile.email, name: profile.name, timezone: profile.timezone }, 200);
  });
  app.openapi(preferencesRoute, async (c) => {
    return c.json(await loadPreferences(c.get("deps").sql, requirePrincipal(c)), 200);
  });
  app.openapi(putPreferencesRoute, async (c) => {
    const { sql } = c.get("deps");
    return c.json(await updatePreferences(sql, requirePrincipal(c), c.req.valid("json"), auditContext(c)), 200);
  });
  app.openapi(passwordRoute, async (c) => {
    const { sql, throttles } = c.get("deps");
    const session = await changePassword(sql, throttles, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    if (c.get("authVia") === "cookie") setSessionCookie(c, session.token, session.expiresAt);
    c.header("Cache-Control", "no-store");
    return c.json({ token: session.token, expires_at: session.expiresAt.toISOString() }, 200);
  });
  return app;
}
