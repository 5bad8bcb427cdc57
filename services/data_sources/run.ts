/**
 * Running SQL against a source: the guard (one read-only SELECT), typed
 * parameters as bind values, the kind's limits, and one query_metrics row per
 * execution, failed ones included.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/data_sources.ts";
import { withTenant } from "../../db/tenant.ts";
import type { Principal } from "../auth/permissions.ts";
import { AppError, ValidationError } from "../platform/errors.ts";
import { kindOf, openSource, type SourceDeps } from "./data_sources.ts";
import { limitsOf } from "./kinds/limits.ts";
import type { QueryResult } from "./kinds/types.ts";
import { assertDeclared, bind, compile, type Parameter, type ParameterValues } from "./parameters.ts";
import { assertReadOnlySelect } from "./sql_guard.ts";

export interface RunRequest {
  queryText: string;
  parameters: Parameter[];
  values: ParameterValues;
  limit?: number;
  queryId: string | null;
}

export interface RunResult extends QueryResult {
  executionTimeMs: number;
}

/** Checks, binds and runs; the caller has authorised reading the source (and the query). */
export async function runOnSource(
  sql: Sql,
  principal: Principal,
  source: q.DataSourceSecretRow,
  req: RunRequest,
  deps: SourceDeps & { now: () => Date },
): Promise<RunResult> {
  const kind = kindOf(source.kind);
  if (!kind.dialect) throw new ValidationError([{ path: "query_text", message: "This source does not take SQL" }]);
  assertDeclared(req.queryText, req.parameters);
  const compiled = compile(req.queryText, kind.dialect);
  assertReadOnlySelect(compiled.text, kind.dialect);
  const params = bind(req.parameters, compiled.order, req.values);
  const opened = await openSource(deps, source);
  const started = performance.now();
  let result: QueryResult | undefined;
  try {
    result = await kind.run(opened, compiled.text, params, limitsOf(source.config, req.limit));
    return { ...result, executionTimeMs: Math.round(performance.now() - started) };
  } finally {
    const failed = result === undefined;
    await withTenant(sql, principal.tenantId, (tx) =>
      q.insertQueryMetric(tx, {
        tenantId: principal.tenantId,
        dataSourceId: source.id,
        queryId: req.queryId,
        userId: principal.kind === "user" ? principal.userId : null,
        executionTimeMs: Math.round(performance.now() - started),
        rowsReturned: result?.rows.length ?? 0,
        bytesReturned: result?.bytes ?? 0,
        error: failed,
        at: deps.now(),
      })).catch((error) => {
        // a metric that cannot be written must not hide the query's own outcome
        if (!(error instanceof AppError) && !failed) throw error;
      });
  }
}

/** The JSON face of a result. */
export function resultJson(r: RunResult) {
  return {
    columns: r.columns,
    rows: r.rows,
    row_count: r.rows.length,
    truncated: r.truncated,
    execution_time_ms: r.executionTimeMs,
  };
}
