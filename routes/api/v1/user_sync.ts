/** User sync over the API: the Clerk webhook set-up (admins) and a user's key/value data (seed 002 user_data). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { rotateScimToken, setClerkSecret, userSyncStatus } from "../../../services/user_sync/settings.ts";
import { readUserData, writeUserData } from "../../../services/user_sync/user_data.ts";
import { ClerkSecretSchema, UserDataKey, UserDataValue } from "../../../services/user_sync/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { selfOrigin } from "../../middleware/csrf.ts";
import { IdParam, jsonAnswer, jsonBody, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAGS = ["User sync"];

const StatusSchema = z.object({
  clerk_configured: z.boolean(),
  clerk_webhook_url: z.string().openapi({ example: "https://ops.example.com/hooks/clerk/acme" }),
  updated_at: z.string().nullable().openapi({ format: "date-time" }),
}).openapi("UserSyncStatus");
const UserDataSchema = z.array(z.object({
  key: z.string(),
  value: z.string(),
  updated_at: z.string().openapi({ format: "date-time" }),
})).openapi("UserData");
const KeyParams = IdParam.extend({
  key: UserDataKey.openapi({ param: { name: "key", in: "path" }, example: "onboarding_step" }),
});
const ValueSchema = z.strictObject({ value: UserDataValue })
  .openapi("UserDataValue");

const statusRoute = createRoute({
  method: "get",
  path: "/api/v1/user-sync",
  operationId: "getUserSync",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Whether Clerk sync is set up, and the webhook URL to give Clerk",
  description: "Needs `settings:manage`.",
  responses: { 200: jsonAnswer("The set-up", StatusSchema), ...notFoundResponse },
});

const clerkRoute = createRoute({
  method: "put",
  path: "/api/v1/user-sync/clerk",
  operationId: "setClerkSigningSecret",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Store Clerk's webhook signing secret",
  description: "Needs `settings:manage`. Stored sealed; never shown again. Clerk then creates, updates and " +
    "suspends users through `POST /hooks/clerk/{tenant slug}` (docs/integrations.md).",
  request: { body: jsonBody(ClerkSecretSchema) },
  responses: {
    200: jsonAnswer("The set-up", StatusSchema),
    403: problem("Needs settings:manage"),
    ...notFoundResponse,
  },
});

const scimTokenRoute = createRoute({
  method: "post",
  path: "/api/v1/user-sync/scim-token",
  operationId: "rotateScimToken",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Issue a new SCIM bearer token (shown once; the old one stops working)",
  description: "Needs `settings:manage`. Give it to Okta or Entra with the base URL `/scim/v2`; only its SHA-256 " +
    "is stored.",
  responses: {
    201: jsonAnswer(
      "The token, once",
      z.object({ token: z.string().openapi({ example: "osc_3q2…" }), scim_base_url: z.string() }).openapi("ScimToken"),
    ),
    403: problem("Needs settings:manage"),
    ...notFoundResponse,
  },
});

const dataRoute = createRoute({
  method: "get",
  path: "/api/v1/users/{id}/data",
  operationId: "getUserData",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "A user's key/value data",
  description: "Your own, or anyone's with `users:read`.",
  request: { params: IdParam },
  responses: { 200: jsonAnswer("The pairs, by key", UserDataSchema), ...notFoundResponse },
});

const putDataRoute = createRoute({
  method: "put",
  path: "/api/v1/users/{id}/data/{key}",
  operationId: "putUserData",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Set one value",
  description: "Your own, or anyone's with `users:manage`.",
  request: { params: KeyParams, body: jsonBody(ValueSchema, { value: "done" }) },
  responses: {
    200: jsonAnswer("The pairs, by key", UserDataSchema),
    403: problem("Needs users:manage for another user"),
    ...notFoundResponse,
  },
});

const deleteDataRoute = createRoute({
  method: "delete",
  path: "/api/v1/users/{id}/data/{key}",
  operationId: "deleteUserData",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Remove one value",
  request: { params: KeyParams },
  responses: {
    200: jsonAnswer("The pairs left", UserDataSchema),
    403: problem("Needs users:manage for another user"),
    ...notFoundResponse,
  },
});

const dataJson = (rows: { key: string; value: string; updated_at: Date }[]) =>
  rows.map((r) => ({ ...r, updated_at: r.updated_at.toISOString() }));

export function userSyncApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/user-sync", signedIn);
  app.use("/api/v1/user-sync/*", signedIn);
  app.use("/api/v1/users/*", signedIn);
  app.openapi(statusRoute, async (c) => {
    return c.json(await userSyncStatus(c.get("deps").sql, requirePrincipal(c), selfOrigin(c)), 200);
  });
  app.openapi(clerkRoute, async (c) => {
    const { sql, secret, config } = c.get("deps");
    const principal = requirePrincipal(c);
    const keys = { secret, previousSecrets: config.previousSecrets };
    await setClerkSecret(sql, principal, c.req.valid("json").signing_secret, keys, auditContext(c));
    return c.json(await userSyncStatus(sql, principal, selfOrigin(c)), 200);
  });
  app.openapi(scimTokenRoute, async (c) => {
    const token = await rotateScimToken(c.get("deps").sql, requirePrincipal(c), auditContext(c));
    return c.json({ token, scim_base_url: `${selfOrigin(c)}/scim/v2` }, 201, { Location: "/api/v1/user-sync" });
  });
  app.openapi(dataRoute, async (c) => {
    return c.json(dataJson(await readUserData(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id)), 200);
  });
  app.openapi(putDataRoute, async (c) => {
    const { id, key } = c.req.valid("param");
    const rows = await writeUserData(
      c.get("deps").sql,
      requirePrincipal(c),
      id,
      key,
      c.req.valid("json").value,
      auditContext(c),
    );
    return c.json(dataJson(rows), 200);
  });
  app.openapi(deleteDataRoute, async (c) => {
    const { id, key } = c.req.valid("param");
    const rows = await writeUserData(c.get("deps").sql, requirePrincipal(c), id, key, null, auditContext(c));
    return c.json(dataJson(rows), 200);
  });
  return app;
}
