/** API keys over the API: list, create (the key is in the answer once), revoke. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiKeyRow } from "../../../db/queries/api_keys.ts";
import { createApiKey, listKeys, revokeKey, statusOf } from "../../../services/api_keys/api_keys.ts";
import {
  ApiKeyCreateSchema,
  ApiKeyListQuerySchema,
  ApiKeySchema,
  NewApiKeySchema,
} from "../../../services/api_keys/schemas.ts";
import { PageQuerySchema, pageSchema } from "../../../services/platform/pagination.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal } from "../../middleware/auth.ts";
import { IdParam, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/api-keys",
  operationId: "listApiKeys",
  security: SIGNED_IN,
  tags: ["API keys"],
  summary: "List API keys, newest first",
  description: "Your own keys, revoked and expired ones included. With `api_keys:manage`, `?user_id=` lists " +
    "another user's keys and `?all=true` every key in the organisation. A caller using an API key needs " +
    "`api_keys:read` in its scopes.",
  request: { query: PageQuerySchema.extend(ApiKeyListQuerySchema.shape) },
  responses: {
    200: {
      description: "A page of API keys",
      content: { "application/json": { schema: pageSchema(ApiKeySchema, "ApiKeyPage") } },
    },
    403: problem("Other users' keys need api_keys:manage"),
    ...notFoundResponse,
  },
});

const createKeyRoute = createRoute({
  method: "post",
  path: "/api/v1/api-keys",
  operationId: "createApiKey",
  security: SIGNED_IN,
  tags: ["API keys"],
  summary: "Create an API key for yourself",
  description: "The answer holds the key itself, this one time; only its SHA-256 is stored. Scopes must be a " +
    "subset of your own permissions (422 naming `scopes.N` otherwise). A caller using an API key needs " +
    "`api_keys:write` in its scopes, and the new key can never have more than the calling key.",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: ApiKeyCreateSchema,
          example: { name: "GitHub Actions deploy", scopes: ["deployments:write"], expires_at: "2027-01-31T00:00:00Z" },
        },
      },
    },
  },
  responses: {
    201: { description: "Created; store the key now", content: { "application/json": { schema: NewApiKeySchema } } },
    ...notFoundResponse,
  },
});

const revokeRoute = createRoute({
  method: "delete",
  path: "/api/v1/api-keys/{id}",
  operationId: "revokeApiKey",
  security: SIGNED_IN,
  tags: ["API keys"],
  summary: "Revoke an API key",
  description: "Your own key, or anyone's in the organisation with `api_keys:manage`. The next request made with " +
    "the key gets 401. Revoking a revoked key changes nothing.",
  request: { params: IdParam },
  responses: {
    204: { description: "Revoked" },
    ...notFoundResponse,
  },
});

export function apiKeyJson(row: ApiKeyRow, now: Date) {
  return {
    id: row.id,
    user_id: row.user_id,
    user_email: row.user_email,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    status: statusOf(row, now),
    expires_at: row.expires_at?.toISOString() ?? null,
    last_used_at: row.last_used_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}

export function apiKeysApi() {
  const app = new OpenAPIHono<AppEnv>();
  // Unauthenticated callers get 401 before their body is judged.
  app.use("/api/v1/api-keys", async (c, next) => (requirePrincipal(c), await next()));
  app.use("/api/v1/api-keys/*", async (c, next) => (requirePrincipal(c), await next()));
  app.openapi(listRoute, async (c) => {
    const { limit, cursor, user_id, all } = c.req.valid("query");
    const { sql, now } = c.get("deps");
    const page = await listKeys(sql, requirePrincipal(c), { userId: user_id, all: all === "true", limit, cursor });
    const at = now();
    return c.json({ data: page.data.map((row) => apiKeyJson(row, at)), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(createKeyRoute, async (c) => {
    const actor = requirePrincipal(c);
    const ctx = auditContext(c);
    const { key, row } = await createApiKey(c.get("deps").sql, actor, c.req.valid("json"), ctx);
    c.header("Cache-Control", "no-store");
    return c.json({ ...apiKeyJson(row, ctx.now), key }, 201, locationOf(c, row.id));
  });
  app.openapi(revokeRoute, async (c) => {
    await revokeKey(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  return app;
}
