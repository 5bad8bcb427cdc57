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
import type { DataSourceKind, QueryResult } from "./kinds/types.ts";
import { parseJsonPath } from "../checks/assertions.ts";
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
  const userId = principal.kind === "user" ? principal.userId : null;
  return await executeOnSource(
    sql,
    { tenantId: principal.tenantId, userId, clientId: principal.clientId },
    source,
    req,
    deps,
  );
}

/** Who a run is for: the tenant, and the user it is counted against (null: an API key or Opsdeck itself). */
export interface Runner {
  tenantId: string;
  userId: string | null;
  /** A client user's client: the opsdeck kind reads only that client's projects (null: the whole tenant). */
  clientId: string | null;
}

/** runOnSource for callers without a principal (the alert evaluator, the metric collector). */
export async function executeOnSource(
  sql: Sql,
  runner: Runner,
  source: q.DataSourceSecretRow,
  req: RunRequest,
  deps: SourceDeps & { now: () => Date },
): Promise<RunResult> {
  const kind = kindOf(source.kind);
  assertDeclared(req.queryText, req.parameters);
  const compiled = checkedQuery(kind, req.queryText, req.parameters);
  const params = bind(req.parameters, compiled.order, req.values);
  const opened = await openSource({ ...deps, home: sql }, source, runner.clientId);
  const started = performance.now();
  let result: QueryResult | undefined;
  try {
    result = await kind.run(opened, compiled.text, params, limitsOf(source.config, req.limit), compiled.order);
    return { ...result, executionTimeMs: Math.round(performance.now() - started) };
  } finally {
    const failed = result === undefined;
    await withTenant(sql, runner.tenantId, (tx) =>
      q.insertQueryMetric(tx, {
        tenantId: runner.tenantId,
        dataSourceId: source.id,
        queryId: req.queryId,
        userId: runner.userId,
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

/**
 * A kind's own check when it has one (opsdeck: a query shape). SQL: one read-only SELECT in the kind's
 * dialect, with bind markers. Otherwise the text is a JSON path to the rows (422 on query_text when outside the supported subset) and every parameter is sent, by name.
 */
export function checkedQuery(kind: DataSourceKind, text: string, parameters: Parameter[]) {
  if (kind.checkQuery) return kind.checkQuery(text, parameters);
  if (kind.dialect) {
    const compiled = compile(text, kind.dialect);
    assertReadOnlySelect(compiled.text, kind.dialect);
    return compiled;
  }
  if (!parseJsonPath(text.trim())) {
    throw new ValidationError([{ path: "query_text", message: "must be a JSON path to the rows, such as $.orders" }]);
  }
  return { text: text.trim(), order: parameters.map((p) => p.name) };
}

/** The JSON face of a result. */
export function resultJson(r: RunResult & { cachedAt?: Date }) {
  return {
    columns: r.columns,
    rows: r.rows,
    row_count: r.rows.length,
    truncated: r.truncated,
    execution_time_ms: r.executionTimeMs,
    ...(r.cachedAt ? { cached_at: r.cachedAt.toISOString() } : {}),
  };
}
