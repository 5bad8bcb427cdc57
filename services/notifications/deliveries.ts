/**
 * The delivery log (per channel, per alert, or the whole organisation) and
 * re-sending. Reading needs notification_channels:read; a re-send needs
 * notification_channels:write and writes one audit row.
 */
import type { Sql } from "../../db/client.ts";
import {
  type DeliveryRow,
  type DeliveryStatus,
  getDelivery as loadDelivery,
  listBrokenChannels,
  listDeliveries as queryDeliveries,
  requeueDelivery,
} from "../../db/queries/notification_deliveries.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { ConflictError, NotFoundError } from "../platform/errors.ts";
import { decodeIdCursor, type Page, toPage } from "../platform/pagination.ts";

export interface DeliveryQuery {
  channelId?: string;
  alertId?: string;
  status?: string;
  eventType?: string;
  limit: number;
  cursor?: string;
}

export async function listDeliveries(sql: Sql, principal: Principal, q: DeliveryQuery): Promise<Page<DeliveryRow>> {
  authorize(principal, "notification_channels", "read");
  const after = decodeIdCursor<[string, string]>(q.cursor, ["string", "string"]);
  const rows = await withTenant(sql, principal.tenantId, (tx) =>
    queryDeliveries(tx, principal.tenantId, {
      channelId: q.channelId,
      alertId: q.alertId,
      status: q.status as DeliveryStatus | undefined,
      eventType: q.eventType,
      after,
      limit: q.limit,
    }));
  return toPage(rows, q.limit, (d) => [d.created_at.toISOString(), d.id]);
}

export async function getDelivery(sql: Sql, principal: Principal, id: string): Promise<DeliveryRow> {
  authorize(principal, "notification_channels", "read");
  const row = await withTenant(sql, principal.tenantId, (tx) => loadDelivery(tx, principal.tenantId, id));
  if (!row) throw new NotFoundError("No such delivery");
  return row;
}

/**
 * Puts a delivery back in the queue, due now (a dead one after the receiver
 * was fixed, or a sent one the receiver lost). Its attempts stay in the log
 * and it keeps its id, so the receiver can tell it is the same message.
 */
export async function resendDelivery(
  sql: Sql,
  principal: Principal,
  id: string,
  ctx: AuditContext,
): Promise<DeliveryRow> {
  authorize(principal, "notification_channels", "write");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await loadDelivery(tx, principal.tenantId, id, { forUpdate: true });
    if (!before) throw new NotFoundError("No such delivery");
    if (before.status === "pending" || before.status === "sending") {
      throw new ConflictError(`This delivery is already ${before.status === "pending" ? "queued" : "being sent"}`);
    }
    await requeueDelivery(tx, principal.tenantId, id, ctx.now);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "notification_delivery.resend",
      resourceType: "notification_delivery",
      resourceId: id,
      before: { status: before.status, attempts: before.attempts },
      after: { status: "pending", attempts: before.attempts },
      details: { channel_id: before.channel_id, event_type: before.event_type },
    });
    return (await loadDelivery(tx, principal.tenantId, id))!;
  });
}

/** Broken channels, for the notice shown to those who can fix them (empty for everyone else). */
export async function brokenChannels(sql: Sql, principal: Principal) {
  if (!can(principal, "notification_channels", "write")) return [];
  return await withTenant(sql, principal.tenantId, (tx) => listBrokenChannels(tx, principal.tenantId));
}
