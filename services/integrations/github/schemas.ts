/** The GitHub integration's API shapes (zod, with their OpenAPI names). */
import { z } from "@hono/zod-openapi";

export const FULL_NAME = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;

export const RepositorySchema = z.object({
  id: z.number().int().openapi({ example: 1296269 }),
  full_name: z.string().openapi({ example: "acme/storefront" }),
  html_url: z.string().openapi({ example: "https://github.com/acme/storefront" }),
  default_branch: z.string().openapi({ example: "main" }),
  private: z.boolean(),
  description: z.string().nullable(),
  project: z.object({
    id: z.uuid(),
    name: z.string(),
    webhook: z.boolean().openapi({ description: "Whether Opsdeck set the deployment webhook up on it" }),
  }).nullable().openapi({ description: "The project it was imported as, if it was" }),
}).openapi("GithubRepository");

export const RepositoryListSchema = z.object({
  repositories: z.array(RepositorySchema),
  truncated: z.boolean().openapi({ description: "More than 1,000 repositories: only the 1,000 pushed to last" }),
}).openapi("GithubRepositoryList");

export const ImportSchema = z.strictObject({
  client_id: z.uuid("must be a client id").openapi({ example: "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b" }),
  repositories: z.array(z.strictObject({
    full_name: z.string().regex(FULL_NAME, "must be owner/name as GitHub spells it").openapi({
      example: "acme/storefront",
    }),
    name: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters").optional().openapi({
      description: "The project's name; the repository's name when omitted",
    }),
  })).min(1, "choose at least one repository").max(50, "at most 50 at once"),
}).openapi("GithubImport");
export type ImportInput = z.infer<typeof ImportSchema>;

export const ImportedSchema = z.object({
  projects: z.array(z.object({
    full_name: z.string().openapi({ example: "acme/storefront" }),
    project_id: z.uuid(),
    project_name: z.string(),
    repository_url: z.string().openapi({ example: "https://github.com/acme/storefront" }),
    default_branch: z.string().openapi({ example: "main" }),
    created: z.boolean().openapi({ description: "false: a project on this repository existed already (re-import)" }),
  })),
}).openapi("GithubImported");

export const WebhookSchema = z.object({
  project_id: z.uuid(),
  full_name: z.string().openapi({ example: "acme/storefront" }),
  hook_id: z.string().openapi({ example: "12345678" }),
  payload_url: z.string().openapi({ example: "https://opsdeck.example.com/hooks/github?tenant=agency" }),
  events: z.array(z.string()).openapi({ example: ["deployment", "deployment_status"] }),
  created_at: z.string().openapi({ format: "date-time" }),
}).openapi("GithubRepositoryWebhook");

export const WebhookParams = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
  project_id: z.uuid().openapi({ param: { name: "project_id", in: "path" } }),
});
