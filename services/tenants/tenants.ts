/**
 * Install-wide administration: listing and creating tenants. Only principals
 * with the super_admin flag may; everyone else gets 404, as if the resource
 * did not exist. Listing crosses tenants on purpose, so it runs on the owner
 * connection; creating runs in the new tenant's own transaction.
 */
import { createDefaultAlertRules } from "../alerts/defaults.ts";
import type { Sql } from "../../db/client.ts";
import { insertTenant, listTenants as queryTenants, slugTaken, type TenantListRow } from "../../db/queries/tenants.ts";
import { builtinRoleId, emailTaken, insertUser } from "../../db/queries/users.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import type { Principal } from "../auth/permissions.ts";
import { ConflictError, NotFoundError } from "../platform/errors.ts";
import { decodeIdCursor, type Page, toPage } from "../platform/pagination.ts";
import { deliverInvitation, type InviteDelivery, issueInvitation } from "../users/invitations.ts";
import { orConflict } from "../users/rules.ts";
import type { CreateTenantInput } from "./schemas.ts";

export function requireSuperAdmin(principal: Principal): void {
  if (!principal.superAdmin) throw new NotFoundError();
}

export async function listTenants(
  sql: Sql,
  principal: Principal,
  query: { limit: number; cursor?: string },
): Promise<Page<TenantListRow>> {
  requireSuperAdmin(principal);
  const after = decodeIdCursor<[string, string]>(query.cursor, ["string", "string"]);
  const rows = await queryTenants(sql, { after, limit: query.limit });
  return toPage(rows, query.limit, (t) => [t.name.toLowerCase(), t.id]);
}

export interface CreatedTenant {
  id: string;
  adminId: string;
  url: string;
  expiresAt: Date;
  emailSent: boolean;
}

/** A new tenant plus its first admin, invited; one audit row in the new tenant's trail. */
export async function createTenant(
  sql: Sql,
  principal: Principal,
  input: CreateTenantInput,
  ctx: AuditContext,
  delivery: InviteDelivery,
): Promise<CreatedTenant> {
  requireSuperAdmin(principal);
  const email = input.admin_email.toLowerCase();
  const slugConflict = () =>
    new ConflictError(`A tenant with the slug "${input.slug}" already exists`, [{ path: "slug", message: "is taken" }]);
  const emailConflict = () =>
    new ConflictError(`${email} already has an account`, [{ path: "admin_email", message: "is taken" }]);
  if (await slugTaken(sql, input.slug)) throw slugConflict();
  if (await emailTaken(sql, email)) throw emailConflict();
  const tenantId = crypto.randomUUID();
  const { adminId, link } = await withTenant(sql, tenantId, async (tx) => {
    const tenant = await orConflict(
      insertTenant(tx, { id: tenantId, name: input.name, slug: input.slug }),
      slugConflict,
    );
    const admin = await orConflict(
      insertUser(tx, { tenantId, email, name: null, status: "invited", roleId: await builtinRoleId(tx, "admin") }),
      emailConflict,
    );
    const link = await issueInvitation(tx, tenantId, admin.id, ctx.now, delivery.baseUrl);
    await recordAudit(tx, ctx, {
      tenantId,
      action: "tenant.create",
      resourceType: "tenant",
      resourceId: tenant.id,
      after: { name: tenant.name, slug: tenant.slug, admin: { id: admin.id, email, role: "admin" } },
      details: { invitation_expires_at: link.expiresAt },
    });
    await createDefaultAlertRules(tx, tenantId, ctx);
    return { adminId: admin.id, link };
  });
  const emailSent = await deliverInvitation(delivery, email, link, principal.name ?? principal.email);
  return { id: tenantId, adminId, url: link.url, expiresAt: link.expiresAt, emailSent };
}
