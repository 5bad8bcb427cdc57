/**
 * Acknowledge or resolve many alerts at once (the inbox's ticked rows,
 * POST /api/v1/alerts/bulk). Each alert goes through the same lifecycle call
 * as its own button: its own transaction, status check, history row, event
 * and audit row; an alert the reader cannot see is a 404 for its id alone.
 */
import { z } from "@hono/zod-openapi";
import type { Sql } from "../../db/client.ts";
import type { AuditContext } from "../audits/record.ts";
import type { Principal } from "../auth/permissions.ts";
import { bulkIds, type BulkResult, bulkResultSchema, eachId } from "../platform/bulk.ts";
import { acknowledgeAlert, resolveAlert } from "./lifecycle.ts";
import { AcknowledgeSchema } from "./schemas.ts";

export const BULK_ALERT_ACTIONS = ["acknowledge", "resolve"] as const;

export const BulkAlertsSchema = z.strictObject({
  action: z.enum(BULK_ALERT_ACTIONS, { error: "choose acknowledge or resolve" }),
  ids: bulkIds("alert"),
  comment: AcknowledgeSchema.shape.comment,
}).openapi("AlertBulk", {
  example: { action: "acknowledge", ids: ["5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19"], comment: "Looking into it." },
});
export type BulkAlertsInput = z.infer<typeof BulkAlertsSchema>;

export const BulkAlertsResultSchema = bulkResultSchema(
  "AlertBulkResult",
  "What the single-alert call would have answered: 200, 403, 404 or 409",
);

export async function bulkAlerts(
  sql: Sql,
  principal: Principal,
  input: BulkAlertsInput,
  ctx: AuditContext,
): Promise<BulkResult> {
  const act = input.action === "acknowledge" ? acknowledgeAlert : resolveAlert;
  return await eachId(input.ids, 200, (id) => act(sql, principal, id, { comment: input.comment || undefined }, ctx));
}
