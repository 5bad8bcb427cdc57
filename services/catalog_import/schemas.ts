/** The import's answer over the API: the plan (dry run) or what was created. */
import { z } from "@hono/zod-openapi";
import type { ImportResult } from "./import.ts";

export const ImportQuerySchema = z.object({
  dry_run: z.enum(["true", "false"]).default("true").transform((v) => v === "true").openapi({
    description: "`true` (the default) only checks the file and says what would happen; `false` imports it",
    example: "false",
  }),
});

export const CATALOG_CSV_EXAMPLE = [
  "client,project,slug,description,environments,repository_url,tags",
  "Acme Corporation,Storefront,storefront,The web shop,production=https://shop.example.com;staging=https://staging.shop.example.com,https://github.com/acme/storefront,shop;eu",
  "Globex,,,,,,",
].join("\n");

const ImportErrorSchema = z.object({
  line: z.number().int().openapi({ example: 3, description: "The file's line; the header is line 1" }),
  field: z.string().openapi({
    example: "environments.1.url",
    description: "Column (or a path inside it); empty for the whole line",
  }),
  message: z.string().openapi({ example: "must be an http:// or https:// URL" }),
}).openapi("CatalogImportError");

export const ImportResultSchema = z.object({
  dry_run: z.boolean(),
  valid: z.boolean().openapi({ description: "No bad rows: a real run would import everything" }),
  rows: z.number().int().openapi({ example: 2 }),
  clients: z.array(z.object({
    name: z.string().openapi({ example: "Globex" }),
    existing: z.boolean().openapi({ description: "Matched an existing client by name (reused, not created)" }),
    id: z.uuid().nullable().openapi({ description: "Set for existing clients, and for new ones after a real run" }),
  })),
  projects: z.array(z.object({
    line: z.number().int(),
    client: z.string().openapi({ example: "Acme Corporation" }),
    name: z.string().openapi({ example: "Storefront" }),
    slug: z.string().openapi({ example: "storefront" }),
    environments: z.number().int().openapi({ example: 2 }),
    id: z.uuid().nullable().openapi({ description: "Set after a real run" }),
  })),
  errors: z.array(ImportErrorSchema),
}).openapi("CatalogImportResult");

export function importJson(result: ImportResult, dryRun: boolean): z.infer<typeof ImportResultSchema> {
  const { plan, created } = result;
  const newClientIds = new Map(created?.clients.map((c) => [c.name.toLowerCase(), c.id]));
  const projectIds = new Map(created?.projects.map((p) => [p.slug, p.id]));
  const names = new Map(plan.clients.map((c) => [c.name.toLowerCase(), c.name]));
  return {
    dry_run: dryRun,
    valid: plan.errors.length === 0,
    rows: plan.rows,
    clients: plan.clients.map((c) => ({
      name: c.name,
      existing: c.id !== null,
      id: c.id ?? newClientIds.get(c.name.toLowerCase()) ?? null,
    })),
    projects: plan.projects.map((p) => ({
      line: p.line,
      client: names.get(p.client) ?? p.client,
      name: p.input.name,
      slug: p.input.slug,
      environments: p.input.environments.length,
      id: projectIds.get(p.input.slug) ?? null,
    })),
    errors: plan.errors,
  };
}
