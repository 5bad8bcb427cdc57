/** The request and response shapes of API keys, shared by the JSON API and the page's form. */
import { z } from "@hono/zod-openapi";
import { isPermission } from "../auth/permissions.ts";

export const API_KEY_SCOPES_MAX = 100;

export const ScopeSchema = z.string().max(64).refine(isPermission, {
  message: "must be a permission `resource:action`, for example deployments:write",
}).openapi({ example: "deployments:write" });

export const ApiKeyCreateSchema = z.strictObject({
  name: z.string().trim().min(1, "Give the key a name").max(200).openapi({ example: "GitHub Actions deploy" }),
  scopes: z.array(ScopeSchema).max(API_KEY_SCOPES_MAX).optional().openapi({
    description: "Permissions the key is limited to; each must be one of the creator's own. Omitted or empty: all " +
      "of the owner's permissions (for a key created by another key: that key's permissions).",
    example: ["deployments:read", "deployments:write"],
  }),
  expires_at: z.iso.datetime({ offset: true, message: "must be an RFC 3339 time, e.g. 2027-01-31T00:00:00Z" })
    .nullable().optional().openapi({ description: "Must be in the future; omitted or null: never expires" }),
}).openapi("ApiKeyCreate");
export type ApiKeyCreateInput = z.infer<typeof ApiKeyCreateSchema>;

export const ApiKeyStatusSchema = z.enum(["active", "expired", "revoked"]);

export const ApiKeySchema = z.object({
  id: z.uuid(),
  user_id: z.uuid(),
  user_email: z.string().openapi({ example: "ada@example.com" }),
  name: z.string().openapi({ example: "GitHub Actions deploy" }),
  prefix: z.string().openapi({ description: "The key's first characters, to recognise it", example: "odk_Xy3kP0aB" }),
  scopes: z.array(z.string()).openapi({ example: ["deployments:write"] }),
  status: ApiKeyStatusSchema,
  expires_at: z.string().nullable().openapi({ format: "date-time" }),
  last_used_at: z.string().nullable().openapi({
    format: "date-time",
    description: "Updated at most once a minute",
  }),
  revoked_at: z.string().nullable().openapi({ format: "date-time" }),
  created_at: z.string().openapi({ format: "date-time" }),
}).openapi("ApiKey");

export const NewApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({
    description: "The secret, shown this once: only its SHA-256 is stored",
    example: "odk_Xy3kP0aBq7RZ2m1Vd9sL0f4tG8hN6jE5cW3yU1iO0pA",
  }),
}).openapi("NewApiKey");

export const ApiKeyListQuerySchema = z.object({
  user_id: z.uuid().optional().openapi({ description: "Another user's keys (needs api_keys:manage)" }),
  all: z.enum(["true", "false"]).optional().openapi({
    description: "`true`: every key in the organisation (needs api_keys:manage)",
  }),
});
