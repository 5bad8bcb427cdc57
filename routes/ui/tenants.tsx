/** The tenants page, for super-admins (everyone else gets 404): list and create with an invited admin. */
import { type Context, Hono } from "hono";
import type { Principal } from "../../services/auth/permissions.ts";
import { CreateTenantSchema, ListTenantsQuerySchema } from "../../services/tenants/schemas.ts";
import { createTenant, listTenants } from "../../services/tenants/tenants.ts";
import { TenantsPage, type TenantsPageProps } from "../../views/tenants/tenants_page.tsx";
import { inviteDelivery } from "../api/v1/invitations.ts";
import type { AppEnv } from "../deps.ts";
import { formBody, formErrors, isShownInPlace, parseForm, text } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, requireUserPage } from "../render.ts";

async function renderTenantsPage(
  c: Context<AppEnv>,
  principal: Principal,
  extra: Partial<TenantsPageProps> = {},
  status = 200,
) {
  const query = ListTenantsQuerySchema.safeParse(c.req.query());
  const page = await listTenants(c.get("deps").sql, principal, query.success ? query.data : { limit: 50 });
  return html(c, <TenantsPage tenants={page.data} nextCursor={page.next_cursor} {...extra} />, status);
}

export function tenantPages() {
  const app = new Hono<AppEnv>();

  app.get("/tenants", (c) => renderTenantsPage(c, requireUserPage(c)));

  app.post("/tenants", async (c) => {
    const principal = requireUserPage(c);
    const body = await formBody(c);
    const values = {
      name: text(body.name) ?? "",
      slug: text(body.slug) ?? "",
      admin_email: text(body.admin_email) ?? "",
    };
    try {
      const input = parseForm(CreateTenantSchema, values);
      const created = await createTenant(c.get("deps").sql, principal, input, auditContext(c), inviteDelivery(c));
      // The answer holds the admin's link, shown once: render it, and keep it out of caches.
      c.header("Cache-Control", "no-store");
      return await renderTenantsPage(c, principal, {
        issued: {
          email: input.admin_email.toLowerCase(),
          url: created.url,
          expiresAt: created.expiresAt,
          emailSent: created.emailSent,
        },
      }, 201);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderTenantsPage(c, principal, { values, ...formErrors(error) }, error.status);
    }
  });
  return app;
}
