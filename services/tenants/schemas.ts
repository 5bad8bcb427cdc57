/** Tenant shapes for the super-admin API and page. */
import { z } from "@hono/zod-openapi";
import type { TenantListRow } from "../../db/queries/tenants.ts";
import { PageQuerySchema } from "../platform/pagination.ts";

export const CreateTenantSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).openapi({ example: "Globex Agency" }),
  slug: z.string().trim().regex(
    /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/,
    "use 1 to 64 lowercase letters, digits and inner hyphens",
  ).openapi({ example: "globex" }),
  admin_email: z.email().max(320).openapi({
    description: "Invited as the tenant's first admin",
    example: "hank@globex.example",
  }),
}).openapi("TenantCreate");
export type CreateTenantInput = z.infer<typeof CreateTenantSchema>;

export const ListTenantsQuerySchema = PageQuerySchema;

export const TenantSchema = z.object({
  id: z.uuid(),
  name: z.string().openapi({ example: "Globex Agency" }),
  slug: z.string().openapi({ example: "globex" }),
  user_count: z.number().int(),
  created_at: z.string().openapi({ format: "date-time" }),
}).openapi("Tenant");

export const TenantCreatedSchema = z.object({
  id: z.uuid(),
  invite_url: z.string().openapi({ description: "The first admin's invitation link; works once, for 7 days" }),
  admin_id: z.uuid(),
  expires_at: z.string().openapi({ format: "date-time" }),
  email_sent: z.boolean(),
}).openapi("TenantCreated");

export function tenantJson(t: TenantListRow): z.infer<typeof TenantSchema> {
  return { id: t.id, name: t.name, slug: t.slug, user_count: t.user_count, created_at: t.created_at.toISOString() };
}
