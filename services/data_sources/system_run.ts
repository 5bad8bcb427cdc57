/**
 * Opsdeck running a saved query on its own (an alert rule, a collected
 * metric): no principal, so no visibility filter; whoever set up the rule could
 * read the query when they did. The run is counted in query_metrics against
 * the query's author, and reads with the author's client scope (the opsdeck
 * kind: a client user's query never reads past their client, even unattended).
 */
import type { Sql } from "../../db/client.ts";
import * as sources from "../../db/queries/data_sources.ts";
import { authorClient, getSavedQueryById } from "../../db/queries/saved_queries.ts";
import { withTenant } from "../../db/tenant.ts";
import { AppError, NotFoundError } from "../platform/errors.ts";
import type { SourceDeps } from "./data_sources.ts";
import type { Parameter, ParameterValues } from "./parameters.ts";
import { executeOnSource, type RunResult } from "./run.ts";

export async function runSavedQueryAsSystem(
  sql: Sql,
  tenantId: string,
  queryId: string,
  values: ParameterValues,
  deps: SourceDeps & { now: () => Date },
  limit?: number,
): Promise<RunResult> {
  const found = await withTenant(sql, tenantId, async (tx) => {
    const query = await getSavedQueryById(tx, tenantId, queryId);
    const source = query && await sources.getDataSource(tx, tenantId, query.data_source_id);
    const clientId = query?.created_by ? await authorClient(tx, tenantId, query.created_by) : null;
    return query && source ? { query, source, clientId } : undefined;
  });
  if (!found) throw new NotFoundError("No such saved query");
  const { query, source, clientId } = found;
  return await executeOnSource(sql, { tenantId, userId: query.created_by, clientId }, source, {
    queryText: query.query_text,
    parameters: query.parameters as Parameter[],
    values,
    limit,
    queryId: query.id,
  }, deps);
}

/** The number a saved query stands for: the first row's first column, or how many rows it returned. */
export function numberOf(result: RunResult, measure: "value" | "row_count"): number {
  if (measure === "row_count") return result.rows.length;
  const cell = result.rows[0]?.[0];
  const value = typeof cell === "number" ? cell : typeof cell === "string" && cell.trim() !== "" ? Number(cell) : NaN;
  if (!Number.isFinite(value)) {
    throw new AppError(
      422,
      "Not a number",
      result.rows.length === 0
        ? "The query returned no rows, so there is no number to compare"
        : `The first column of the first row is not a number (${JSON.stringify(cell)?.slice(0, 100)})`,
    );
  }
  return value;
}
