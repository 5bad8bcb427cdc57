/** SLA targets on SOWs: what a SOW promises. Editing them is editing the SOW (sows:write). */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/sla.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { NotFoundError, ValidationError } from "../platform/errors.ts";
import type { SlaTargetInput } from "./schemas.ts";
import { validTimezone } from "../maintenance/build.ts";

export function targetJson(t: q.SlaTargetRow) {
  return {
    id: t.id,
    project_id: t.project_id,
    sow_id: t.sow_id,
    check_id: t.check_id,
    uptime_percent: t.uptime_percent,
    response_p95_ms: t.response_p95_ms,
    first_response_hours: t.first_response_hours,
    resolution_hours: t.resolution_hours,
    credit_tiers: t.credit_tiers,
  };
}

export async function createTarget(sql: Sql, principal: Principal, input: SlaTargetInput, ctx: AuditContext) {
  authorize(principal, "sows", "write");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const row = await q.insertTarget(tx, principal.tenantId, input).catch((error) => {
      const e = error as { code?: string; constraint_name?: string };
      if (e.constraint_name === "sla_targets_scope_key") {
        throw new ValidationError([{ path: "check_id", message: "This SOW already has a target for this scope" }]);
      }
      if (e.code === "23503") throw new ValidationError([{ path: "check_id", message: "No such check" }]);
      throw error;
    });
    if (!row) throw new ValidationError([{ path: "sow_id", message: "No such SOW" }]);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "sla_target.create",
      resourceType: "sla_target",
      resourceId: row.id,
      after: input,
    });
    return row;
  });
}

export async function listTargets(sql: Sql, principal: Principal, clientId: string) {
  authorize(principal, "sows", "read");
  if (principal.clientId && principal.clientId !== clientId) return [];
  return await withTenant(sql, principal.tenantId, (tx) => q.targetsOfClient(tx, principal.tenantId, clientId, false));
}

export async function deleteTarget(sql: Sql, principal: Principal, id: string, ctx: AuditContext) {
  authorize(principal, "sows", "read");
  await withTenant(sql, principal.tenantId, async (tx) => {
    const row = await q.getTarget(tx, principal.tenantId, id);
    if (!row || (principal.clientId && row.client_id !== principal.clientId)) throw new NotFoundError();
    authorize(principal, "sows", "write");
    await q.deleteTarget(tx, principal.tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "sla_target.delete",
      resourceType: "sla_target",
      resourceId: id,
      before: targetJson(row),
    });
  });
}

/** The zone the client's report month is counted in (and generated on the 1st of). */
export async function setClientTimezone(
  sql: Sql,
  principal: Principal,
  clientId: string,
  timezone: string,
  ctx: AuditContext,
) {
  authorize(principal, "clients", "read");
  if (principal.clientId && principal.clientId !== clientId) throw new NotFoundError();
  authorize(principal, "clients", "write");
  if (!validTimezone(timezone)) throw new ValidationError([{ path: "timezone", message: "Not an IANA time zone" }]);
  await withTenant(sql, principal.tenantId, async (tx) => {
    if (!await q.setClientTimezone(tx, principal.tenantId, clientId, timezone)) throw new NotFoundError();
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "client.timezone",
      resourceType: "client",
      resourceId: clientId,
      after: { timezone },
    });
  });
}
