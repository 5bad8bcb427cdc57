/** Request and response shapes for projects: one schema for the API, the pages and the CSV import. */
import { z } from "@hono/zod-openapi";
import type { EnvironmentRow } from "../../db/queries/project_environments.ts";
import { PROJECT_SORTS, type ProjectRow } from "../../db/queries/projects.ts";
import { ArchivedFilter } from "../clients/schemas.ts";
import { PageQuerySchema } from "../platform/pagination.ts";

export const SLUG_PATTERN = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;
export const MAX_ENVIRONMENTS = 20;
export const MAX_TAGS = 50;

const max = (n: number) => `must be at most ${n} characters`;

const HttpUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).max(2048, max(2048));

const ProjectName = z.string().trim().min(1, "is required").max(200, max(200)).openapi({ example: "Storefront" });
const Slug = z.string().trim().min(1, "is required").max(64, max(64)).regex(
  SLUG_PATTERN,
  "use lower-case letters, digits and inner hyphens (like storefront-eu)",
).openapi({ example: "storefront", description: "Unique in the organisation; CI names the project by it" });
const Description = z.string().trim().max(5000, max(5000)).openapi({ example: "The public web shop" });
const Tag = z.string().trim().min(1, "cannot be empty").max(50, max(50)).regex(/^[^;,]+$/, "cannot contain ; or ,");
const Tags = z.array(Tag).max(MAX_TAGS, `at most ${MAX_TAGS} tags`)
  .transform((tags) => [...new Set(tags)])
  .openapi({ example: ["shop", "eu"] });

export const EnvironmentInputSchema = z.strictObject({
  name: z.string().trim().min(1, "is required").max(100, max(100)).openapi({ example: "production" }),
  url: HttpUrl.nullable().optional().openapi({ example: "https://shop.example.com" }),
}).openapi("EnvironmentInput");

/** Environment names are unique within a project (deployments name them); case-insensitively, to spare confusion. */
const Environments = z.array(EnvironmentInputSchema).max(MAX_ENVIRONMENTS, `at most ${MAX_ENVIRONMENTS} environments`)
  .superRefine((envs, ctx) => {
    const seen = new Set<string>();
    envs.forEach((env, i) => {
      const key = env.name.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `"${env.name}" is used twice` });
      seen.add(key);
    });
  })
  .openapi({
    example: [{ name: "production", url: "https://shop.example.com" }, {
      name: "staging",
      url: "https://staging.shop.example.com",
    }],
  });

export const CreateProjectSchema = z.strictObject({
  client_id: z.uuid("must be a client id").openapi({ example: "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b" }),
  name: ProjectName,
  slug: Slug.optional().openapi({
    description: "Unique in the organisation; CI names the project by it. Omitted: made from the name " +
      '("Storefront EU" → storefront-eu, then storefront-eu-2 if taken)',
  }),
  description: Description.nullable().optional(),
  environments: Environments.default([]),
  repository_url: HttpUrl.nullable().optional().openapi({ example: "https://github.com/acme/storefront" }),
  tags: Tags.default([]),
}).openapi("ProjectCreate");
export type CreateProjectInput = z.infer<typeof CreateProjectSchema>;

export const UpdateProjectSchema = z.strictObject({
  client_id: z.uuid("must be a client id").optional(),
  name: ProjectName.optional(),
  slug: Slug.optional(),
  description: Description.nullable().optional(),
  environments: Environments.optional().openapi({
    description: "Replaces the environments as a whole, matched by name: a kept name keeps its deployments",
  }),
  repository_url: HttpUrl.nullable().optional(),
  tags: Tags.optional(),
  archived: z.boolean().optional().openapi({ description: "`true` archives the project, `false` restores it" }),
}).openapi("ProjectUpdate", { example: { name: "Storefront EU", archived: false } });
export type UpdateProjectInput = z.infer<typeof UpdateProjectSchema>;

export const ListProjectsQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().max(200).optional().openapi({ description: "Part of the name or slug", example: "shop" }),
  client_id: z.uuid().optional(),
  tag: z.string().trim().max(50).optional().openapi({ example: "eu" }),
  archived: ArchivedFilter,
  sort: z.enum(PROJECT_SORTS).default("name").openapi({
    description: "A field, `-` first for descending; the cursor belongs to the sort it came from",
    example: "name",
  }),
});
export type ListProjectsQuery = z.infer<typeof ListProjectsQuerySchema>;

export const EnvironmentSchema = z.object({
  name: z.string().openapi({ example: "production" }),
  url: z.string().nullable().openapi({ example: "https://shop.example.com" }),
}).openapi("Environment");

export const ProjectSchema = z.object({
  id: z.uuid(),
  client_id: z.uuid(),
  client_name: z.string().openapi({ example: "Acme Corporation" }),
  name: z.string().openapi({ example: "Storefront" }),
  slug: z.string().openapi({ example: "storefront" }),
  description: z.string().nullable(),
  environments: z.array(EnvironmentSchema),
  repository_url: z.string().nullable().openapi({ example: "https://github.com/acme/storefront" }),
  tags: z.array(z.string()).openapi({ example: ["shop", "eu"] }),
  archived: z.boolean(),
  archived_at: z.string().nullable().openapi({ format: "date-time" }),
  created_at: z.string().openapi({ format: "date-time" }),
  updated_at: z.string().openapi({ format: "date-time" }),
}).openapi("Project");
export type ProjectJson = z.infer<typeof ProjectSchema>;

export interface ProjectWithEnvironments extends ProjectRow {
  environments: EnvironmentRow[];
}

export function projectJson(p: ProjectWithEnvironments): ProjectJson {
  return {
    id: p.id,
    client_id: p.client_id,
    client_name: p.client_name,
    name: p.name,
    slug: p.slug,
    description: p.description,
    environments: p.environments.map((e) => ({ name: e.name, url: e.url })),
    repository_url: p.repository_url,
    tags: p.tags,
    archived: p.archived_at !== null,
    archived_at: p.archived_at?.toISOString() ?? null,
    created_at: p.created_at.toISOString(),
    updated_at: p.updated_at.toISOString(),
  };
}
