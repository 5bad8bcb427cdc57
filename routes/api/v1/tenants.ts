/** Tenants over the API, for super-admins only (everyone else gets 404). */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { pageSchema } from "../../../services/platform/pagination.ts";
import {
  CreateTenantSchema,
  ListTenantsQuerySchema,
  TenantCreatedSchema,
  tenantJson,
  TenantSchema,
} from "../../../services/tenants/schemas.ts";
import { createTenant, listTenants } from "../../../services/tenants/tenants.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { inviteDelivery } from "./invitations.ts";
import { locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/tenants",
  operationId: "listTenants",
  security: SIGNED_IN,
  tags: ["Tenants"],
  summary: "List every tenant of the installation (super-admin)",
  request: { query: ListTenantsQuerySchema },
  responses: {
    200: {
      description: "A page of tenants, by name",
      content: { "application/json": { schema: pageSchema(TenantSchema, "TenantPage") } },
    },
    ...notFoundResponse,
  },
});

const createTenantRoute = createRoute({
  method: "post",
  path: "/api/v1/tenants",
  operationId: "createTenant",
  security: SIGNED_IN,
  tags: ["Tenants"],
  summary: "Create a tenant and invite its first admin (super-admin)",
  description: "The admin is invited like any user: a single-use link valid for 7 days, e-mailed when SMTP_URL " +
    "is set and always in the answer.",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: CreateTenantSchema,
          example: { name: "Globex Agency", slug: "globex", admin_email: "hank@globex.example" },
        },
      },
    },
  },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: TenantCreatedSchema } } },
    ...notFoundResponse,
    409: problem("The slug or the admin's e-mail address is taken"),
  },
});

export function tenantsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/tenants", signedIn);
  app.use("/api/v1/tenants/*", signedIn);
  app.openapi(listRoute, async (c) => {
    const page = await listTenants(c.get("deps").sql, requirePrincipal(c), c.req.valid("query"));
    return c.json({ data: page.data.map(tenantJson), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(createTenantRoute, async (c) => {
    const principal = requirePrincipal(c);
    const created = await createTenant(
      c.get("deps").sql,
      principal,
      c.req.valid("json"),
      auditContext(c),
      inviteDelivery(c),
    );
    return c.json(
      {
        id: created.id,
        invite_url: created.url,
        admin_id: created.adminId,
        expires_at: created.expiresAt.toISOString(),
        email_sent: created.emailSent,
      },
      201,
      locationOf(c, created.id),
    );
  });
  return app;
}
