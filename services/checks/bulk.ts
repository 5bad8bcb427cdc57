/**
 * Pause, resume or delete many checks at once (the checks list's bulk
 * actions, POST /api/v1/health-checks/bulk). Each check goes through the
 * single-check service (services/platform/bulk.ts), so each is its own
 * transaction with its own audit row, exactly as one call per check would be.
 */
import { z } from "@hono/zod-openapi";
import type { Sql } from "../../db/client.ts";
import type { AuditContext } from "../audits/record.ts";
import type { Principal } from "../auth/permissions.ts";
import { bulkIds, type BulkResult, bulkResultSchema, eachId } from "../platform/bulk.ts";
import { changeSchedule, deleteHealthCheck } from "./health_checks.ts";

export const BULK_ACTIONS = ["pause", "resume", "delete"] as const;

export const BulkChecksSchema = z.strictObject({
  action: z.enum(BULK_ACTIONS, { error: "choose pause, resume or delete" }),
  ids: bulkIds("check"),
}).openapi("HealthCheckBulk", { example: { action: "pause", ids: ["5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19"] } });
export type BulkChecksInput = z.infer<typeof BulkChecksSchema>;

export const BulkResultSchema = bulkResultSchema(
  "HealthCheckBulkResult",
  "What the single-check call would have answered: 200/204, 403, 404 or 409",
);

export async function bulkChecks(
  sql: Sql,
  principal: Principal,
  input: BulkChecksInput,
  ctx: AuditContext,
): Promise<BulkResult> {
  const { action } = input;
  return await eachId(
    input.ids,
    action === "delete" ? 204 : 200,
    (id) =>
      action === "delete"
        ? deleteHealthCheck(sql, principal, id, ctx)
        : changeSchedule(sql, principal, id, action, ctx),
  );
}
