/**
 * Grants (per user or per role, view | edit | share | admin) and the public
 * link. Changing grants or the link needs `share` on the dashboard; a grant
 * above one's own level is refused. The link's token is shown once and only
 * its SHA-256 is stored, so revoking (or rotating) is a matter of one column.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/dashboards.ts";
import { insertDashboardEvent } from "../../db/queries/reports.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import type { Principal } from "../auth/permissions.ts";
import { randomToken, sha256 } from "../auth/tokens.ts";
import { ForbiddenError, ValidationError } from "../platform/errors.ts";
import { atLeast, loadDashboard } from "./access.ts";
import type { GrantsInput } from "./schemas.ts";

export function grantJson(g: q.GrantRow) {
  return {
    user_id: g.user_id,
    role_id: g.role_id,
    grantee: g.grantee,
    level: g.level,
    granted_at: g.granted_at.toISOString(),
  };
}

export async function listGrants(sql: Sql, p: Principal, id: string): Promise<q.GrantRow[]> {
  return await withTenant(sql, p.tenantId, async (tx) => {
    await loadDashboard(tx, p, id, "share");
    return await q.listGrants(tx, p.tenantId, id);
  });
}

/** Replaces the grants with `input`; unknown users or roles are a 422 naming the entry. */
export async function setGrants(
  sql: Sql,
  p: Principal,
  id: string,
  input: GrantsInput,
  ctx: AuditContext,
): Promise<q.GrantRow[]> {
  return await withTenant(sql, p.tenantId, async (tx) => {
    const dashboard = await loadDashboard(tx, p, id, "share", { forUpdate: true });
    const emails = input.grants.flatMap((g) => g.user_email ?? []);
    const roleNames = input.grants.flatMap((g) => g.role ?? []);
    const found = await q.findGrantees(tx, p.tenantId, emails, roleNames);
    const errors: { path: string; message: string }[] = [];
    const rows = input.grants.map((g, i) => {
      if (!atLeast(dashboard.level, g.level)) {
        throw new ForbiddenError(`You cannot grant more than your own ${dashboard.level} access`);
      }
      const user = g.user_email ? found.users.find((u) => u.email.toLowerCase() === g.user_email!.toLowerCase()) : null;
      const role = g.role ? found.roles.find((r) => r.name === g.role) : null;
      if (g.user_email && !user) errors.push({ path: `grants.${i}.user_email`, message: "is not a user here" });
      if (g.role && !role) errors.push({ path: `grants.${i}.role`, message: "is not a role here" });
      return { user_id: user?.id ?? null, role_id: role?.id ?? null, level: g.level };
    });
    const keys = rows.map((r) => r.user_id ?? r.role_id);
    const dup = keys.findIndex((k, i) => keys.indexOf(k) !== i);
    if (dup >= 0) errors.push({ path: `grants.${dup}`, message: "names the same user or role twice" });
    if (errors.length > 0) throw new ValidationError(errors);
    const before = await q.listGrants(tx, p.tenantId, id);
    await q.replaceGrants(tx, p.tenantId, id, rows, p.userId, ctx.now);
    const after = await q.listGrants(tx, p.tenantId, id);
    await insertDashboardEvent(tx, {
      tenantId: p.tenantId,
      dashboardId: id,
      userId: p.userId,
      type: "share",
      at: ctx.now,
      detail: { grants: after.length },
    });
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "dashboard.share",
      resourceType: "dashboard",
      resourceId: id,
      before: before.map((g) => ({ grantee: g.grantee, level: g.level })),
      after: after.map((g) => ({ grantee: g.grantee, level: g.level })),
    });
    return after;
  });
}

/** A new public link (replacing any earlier one); the token is returned this once. */
export async function createPublicLink(
  sql: Sql,
  p: Principal,
  id: string,
  editable: string[],
  ctx: AuditContext,
): Promise<{ token: string }> {
  const token = randomToken(32);
  await withTenant(sql, p.tenantId, async (tx) => {
    await loadDashboard(tx, p, id, "share", { forUpdate: true });
    await q.setPublicToken(tx, p.tenantId, id, await sha256(token), editable);
    await insertDashboardEvent(tx, {
      tenantId: p.tenantId,
      dashboardId: id,
      userId: p.userId,
      type: "share",
      at: ctx.now,
      detail: { public_link: true },
    });
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "dashboard.public_link",
      resourceType: "dashboard",
      resourceId: id,
      after: { is_public: true, editable },
    });
  });
  return { token };
}

export async function revokePublicLink(sql: Sql, p: Principal, id: string, ctx: AuditContext): Promise<void> {
  await withTenant(sql, p.tenantId, async (tx) => {
    const before = await loadDashboard(tx, p, id, "share", { forUpdate: true });
    await q.setPublicToken(tx, p.tenantId, id, null, []);
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "dashboard.public_link_revoke",
      resourceType: "dashboard",
      resourceId: id,
      before: { is_public: before.is_public },
      after: { is_public: false },
    });
  });
}
