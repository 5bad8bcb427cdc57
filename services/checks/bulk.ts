/**
 * Pause, resume or delete many checks at once (the checks list's bulk
 * actions, POST /api/v1/health-checks/bulk). Each check goes through the
 * single-check service, so each is its own transaction with its own audit
 * row, exactly as one call per check would be: one refusal (not found, not
 * allowed) is reported for its id and stops nothing else.
 */
import { z } from "@hono/zod-openapi";
import type { Sql } from "../../db/client.ts";
import type { AuditContext } from "../audits/record.ts";
import type { Principal } from "../auth/permissions.ts";
import { AppError } from "../platform/errors.ts";
import { changeSchedule, deleteHealthCheck } from "./health_checks.ts";

export const BULK_ACTIONS = ["pause", "resume", "delete"] as const;
export const BULK_MAX = 100;

export const BulkChecksSchema = z.strictObject({
  action: z.enum(BULK_ACTIONS, { error: "choose pause, resume or delete" }),
  ids: z.array(z.uuid({ error: "must be a check id" })).min(1, "choose at least one check")
    .max(BULK_MAX, `at most ${BULK_MAX} checks at once`),
}).openapi("HealthCheckBulk", { example: { action: "pause", ids: ["5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19"] } });
export type BulkChecksInput = z.infer<typeof BulkChecksSchema>;

export const BulkResultSchema = z.object({
  results: z.array(z.object({
    id: z.uuid(),
    ok: z.boolean(),
    status: z.number().int().openapi({
      description: "What the single-check call would have answered: 200/204, 403, 404 or 409",
    }),
    detail: z.string().nullable(),
  })),
}).openapi("HealthCheckBulkResult");
export type BulkResult = z.infer<typeof BulkResultSchema>;

export async function bulkChecks(
  sql: Sql,
  principal: Principal,
  input: BulkChecksInput,
  ctx: AuditContext,
): Promise<BulkResult> {
  const results: BulkResult["results"] = [];
  for (const id of [...new Set(input.ids)]) {
    try {
      if (input.action === "delete") await deleteHealthCheck(sql, principal, id, ctx);
      else await changeSchedule(sql, principal, id, input.action, ctx);
      results.push({ id, ok: true, status: input.action === "delete" ? 204 : 200, detail: null });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      results.push({ id, ok: false, status: error.status, detail: error.message });
    }
  }
  return { results };
}
