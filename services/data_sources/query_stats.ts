/** The slowest and most-run queries over a time range, from query_metrics (one row per run). */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/data_sources.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, type Principal } from "../auth/permissions.ts";

export type QueryStatRow = q.QueryStatRow;

export async function queryStats(
  sql: Sql,
  principal: Principal,
  r: { from: Date; to: Date; order: "slowest" | "most_run"; limit: number },
): Promise<QueryStatRow[]> {
  authorize(principal, "saved_queries", "read");
  return await withTenant(sql, principal.tenantId, (tx) => q.queryStats(tx, principal.tenantId, r));
}
