/** Request and response shapes for clients: one schema for the API and the pages. */
import { z } from "@hono/zod-openapi";
import type { ClientRow } from "../../db/queries/clients.ts";
import { PageQuerySchema } from "../platform/pagination.ts";

export const ClientName = z.string().trim().min(1, "is required").max(200, "must be at most 200 characters").openapi({
  example: "Acme Corporation",
});

/** `?archived=true|false`: query strings are text, so booleans arrive as words. */
export const ArchivedFilter = z.enum(["true", "false"]).default("false").transform((v) => v === "true").openapi({
  description: "`true` lists only archived rows; the default lists only active ones",
  example: "false",
});

export const CreateClientSchema = z.strictObject({ name: ClientName }).openapi("ClientCreate");
export type CreateClientInput = z.infer<typeof CreateClientSchema>;

export const UpdateClientSchema = z.strictObject({
  name: ClientName.optional(),
  archived: z.boolean().optional().openapi({
    description:
      "`true` archives the client (hidden from lists and pickers, nothing else changes); `false` restores it",
  }),
}).openapi("ClientUpdate");
export type UpdateClientInput = z.infer<typeof UpdateClientSchema>;

export const ListClientsQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().max(200).optional().openapi({ description: "Part of the name", example: "acme" }),
  archived: ArchivedFilter,
});
export type ListClientsQuery = z.infer<typeof ListClientsQuerySchema>;

export const ClientSchema = z.object({
  id: z.uuid(),
  name: z.string().openapi({ example: "Acme Corporation" }),
  archived: z.boolean(),
  archived_at: z.string().nullable().openapi({ format: "date-time" }),
  project_count: z.number().int().openapi({ description: "Active projects", example: 3 }),
  created_at: z.string().openapi({ format: "date-time" }),
  updated_at: z.string().openapi({ format: "date-time" }),
}).openapi("Client");

export function clientJson(c: ClientRow): z.infer<typeof ClientSchema> {
  return {
    id: c.id,
    name: c.name,
    archived: c.archived_at !== null,
    archived_at: c.archived_at?.toISOString() ?? null,
    project_count: c.project_count,
    created_at: c.created_at.toISOString(),
    updated_at: c.updated_at.toISOString(),
  };
}
