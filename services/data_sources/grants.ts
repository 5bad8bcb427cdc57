/**
 * Per-person data-source grants: an approved access request for one source
 * (services/approvals/effects.ts) lets someone whose role does not read data
 * sources read that source. `requireSourceAccess` is the one check
 * (getDataSource calls it); listing and revoking are for the grants API.
 */
import type { Sql } from "../../db/client.ts";
import {
  type DataSourceGrantRow,
  deleteDataSourceGrant,
  hasDataSourceGrant,
  listDataSourceGrants,
} from "../../db/queries/data_source_grants.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { NotFoundError } from "../platform/errors.ts";

/** data_sources:read, or a grant for this source; otherwise the usual 403. Runs in the caller's tenant transaction. */
export async function requireSourceAccess(tx: Sql, principal: Principal, sourceId: string): Promise<void> {
  if (can(principal, "data_sources", "read")) return;
  if (await hasDataSourceGrant(tx, principal.tenantId, principal.userId, sourceId)) return;
  authorize(principal, "data_sources", "read");
}

/** GET /api/v1/data-source-grants: everyone's for data_sources:read, otherwise one's own. */
export async function listGrants(sql: Sql, principal: Principal): Promise<DataSourceGrantRow[]> {
  const all = can(principal, "data_sources", "read");
  return await withTenant(
    sql,
    principal.tenantId,
    (tx) => listDataSourceGrants(tx, principal.tenantId, all ? undefined : principal.userId),
  );
}

/** DELETE /api/v1/data-source-grants/{id}: needs data_sources:write; audited. */
export async function revokeGrant(sql: Sql, principal: Principal, id: string, ctx: AuditContext): Promise<void> {
  authorize(principal, "data_sources", "write");
  await withTenant(sql, principal.tenantId, async (tx) => {
    const gone = await deleteDataSourceGrant(tx, principal.tenantId, id);
    if (!gone) throw new NotFoundError("Data source grant not found");
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "data_source_grant.revoke",
      resourceType: "data_source",
      resourceId: gone.data_source_id,
      before: { user_id: gone.user_id },
      details: { grant_id: id },
    });
  });
}
