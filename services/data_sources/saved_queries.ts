/**
 * Saved queries: named SQL with typed parameters on one source. Private to
 * the author unless is_public; the author edits and deletes, and so does an
 * admin (saved_queries:delete) for shared ones. Running is reading.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/saved_queries.ts";
import * as sources from "../../db/queries/data_sources.ts";
import { withTenant } from "../../db/tenant.ts";
import { csvCell } from "../audits/export.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { type FieldError, ForbiddenError, NotFoundError, ValidationError } from "../platform/errors.ts";
import { getProject } from "../../db/queries/projects.ts";
import { getDataSource, kindOf, type SourceDeps } from "./data_sources.ts";
import { assertDeclared, checkValues, type Parameter, type ParameterValues } from "./parameters.ts";
import { cacheKey, resultCache } from "./result_cache.ts";
import { checkedQuery, runOnSource, type RunResult } from "./run.ts";
import type { CollectInput, CreateSavedQueryInput, UpdateSavedQueryInput } from "./schemas.ts";

export type SavedQueryRow = q.SavedQueryRow;

export function savedQueryJson(row: SavedQueryRow) {
  return {
    id: row.id,
    data_source_id: row.data_source_id,
    name: row.name,
    description: row.description,
    query_text: row.query_text,
    parameters: row.parameters as Parameter[],
    is_public: row.is_public,
    cache_ttl_seconds: row.cache_ttl_seconds,
    collect: row.collect_project_id
      ? {
        project_id: row.collect_project_id,
        metric_type: row.collect_metric_type!,
        interval_seconds: row.collect_interval_seconds!,
        parameters: row.collect_parameters ?? {},
        next_at: row.next_collect_at?.toISOString() ?? null,
        last_error: row.last_collect_error,
      }
      : null,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function snapshot(row: SavedQueryRow) {
  return {
    name: row.name,
    query_text: row.query_text,
    parameters: row.parameters,
    is_public: row.is_public,
    cache_ttl_seconds: row.cache_ttl_seconds,
    collect: row.collect_project_id
      ? {
        project_id: row.collect_project_id,
        metric_type: row.collect_metric_type,
        interval_seconds: row.collect_interval_seconds,
        parameters: row.collect_parameters,
      }
      : null,
  };
}

/** Collecting into a metric: the project must be the tenant's (and the user's), and the values must bind. */
async function collectSettings(
  tx: Sql,
  principal: Principal,
  parameters: Parameter[],
  collect: CollectInput | null | undefined,
): Promise<q.CollectSettings | null> {
  if (!collect) return null;
  const problems: FieldError[] = [];
  if (!await getProject(tx, principal.tenantId, collect.project_id, principal.clientId)) {
    problems.push({ path: "collect.project_id", message: "is not a project of this organization" });
  }
  try {
    checkValues(parameters, collect.parameters);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push(...(error.errors ?? []).map((e) => ({ ...e, path: `collect.${e.path}` })));
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return {
    projectId: collect.project_id,
    metricType: collect.metric_type,
    intervalSeconds: collect.interval_seconds,
    parameters: collect.parameters,
  };
}

/** Saving checks what running would: declared parameters, one read-only SELECT in the source's dialect (or a JSON path). */
function checkText(kind: string, text: string, parameters: Parameter[]) {
  assertDeclared(text, parameters);
  checkedQuery(kindOf(kind), text, parameters);
}

export async function createSavedQuery(
  sql: Sql,
  principal: Principal,
  input: CreateSavedQueryInput,
  ctx: AuditContext,
): Promise<SavedQueryRow> {
  authorize(principal, "saved_queries", "write");
  const source = await getDataSource(sql, principal, input.data_source_id).catch((error) => {
    if (error instanceof NotFoundError) throw new NotFoundError("No such data source");
    throw error;
  });
  checkText(source.kind, input.query_text, input.parameters);
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const inserted = await q.insertSavedQuery(tx, {
      tenantId: principal.tenantId,
      dataSourceId: source.id,
      createdBy: principal.userId,
      now: ctx.now,
      name: input.name,
      description: input.description ?? null,
      query_text: input.query_text,
      parameters: input.parameters,
      is_public: input.is_public,
      cache_ttl_seconds: input.cache_ttl_seconds ?? 60,
    });
    const collect = await collectSettings(tx, principal, input.parameters, input.collect);
    const row = collect ? await q.setCollect(tx, principal.tenantId, inserted.id, collect, ctx.now) : inserted;
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "saved_query.create",
      resourceType: "saved_query",
      resourceId: row.id,
      after: snapshot(row),
    });
    return row;
  });
}

export async function listSavedQueries(
  sql: Sql,
  principal: Principal,
  f: { dataSourceId?: string } = {},
): Promise<SavedQueryRow[]> {
  authorize(principal, "saved_queries", "read");
  return await withTenant(
    sql,
    principal.tenantId,
    (tx) => q.listSavedQueries(tx, principal.tenantId, principal.userId, { ...f, limit: 500 }),
  );
}

export async function getSavedQuery(sql: Sql, principal: Principal, id: string): Promise<SavedQueryRow> {
  authorize(principal, "saved_queries", "read");
  const row = await withTenant(
    sql,
    principal.tenantId,
    (tx) => q.getSavedQuery(tx, principal.tenantId, principal.userId, id),
  );
  if (!row) throw new NotFoundError("No such saved query");
  return row;
}

function assertMayChange(principal: Principal, row: SavedQueryRow) {
  if (row.created_by === principal.userId || can(principal, "saved_queries", "delete")) return;
  throw new ForbiddenError("Only the author or an administrator can change a shared query");
}

export async function updateSavedQuery(
  sql: Sql,
  principal: Principal,
  id: string,
  input: UpdateSavedQueryInput,
  ctx: AuditContext,
): Promise<SavedQueryRow> {
  authorize(principal, "saved_queries", "write");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await q.getSavedQuery(tx, principal.tenantId, principal.userId, id, { forUpdate: true });
    if (!before) throw new NotFoundError("No such saved query");
    assertMayChange(principal, before);
    const next = {
      name: input.name ?? before.name,
      description: input.description === undefined ? before.description : input.description,
      query_text: input.query_text ?? before.query_text,
      parameters: input.parameters ?? (before.parameters as Parameter[]),
      is_public: input.is_public ?? before.is_public,
      cache_ttl_seconds: input.cache_ttl_seconds ?? before.cache_ttl_seconds,
    };
    const source = await sources.getDataSource(tx, principal.tenantId, before.data_source_id);
    checkText(source!.kind, next.query_text, next.parameters);
    const updated = await q.updateSavedQuery(tx, principal.tenantId, id, next);
    const row = input.collect === undefined ? updated : await q.setCollect(
      tx,
      principal.tenantId,
      id,
      await collectSettings(tx, principal, next.parameters, input.collect),
      ctx.now,
    );
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "saved_query.update",
      resourceType: "saved_query",
      resourceId: id,
      before: snapshot(before),
      after: snapshot(row),
    });
    return row;
  });
}

export async function deleteSavedQuery(sql: Sql, principal: Principal, id: string, ctx: AuditContext): Promise<void> {
  authorize(principal, "saved_queries", "write");
  await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await q.getSavedQuery(tx, principal.tenantId, principal.userId, id, { forUpdate: true });
    if (!before) throw new NotFoundError("No such saved query");
    assertMayChange(principal, before);
    await q.deleteSavedQuery(tx, principal.tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "saved_query.delete",
      resourceType: "saved_query",
      resourceId: id,
      before: snapshot(before),
    });
  });
}

export async function runSavedQuery(
  sql: Sql,
  principal: Principal,
  id: string,
  input: { parameters: ParameterValues; limit?: number; fresh?: boolean },
  deps: SourceDeps & { now: () => Date },
): Promise<RunResult & { cachedAt?: Date }> {
  authorize(principal, "saved_queries", "read");
  authorize(principal, "data_sources", "read");
  // one statement decides access and both versions: a cache hit reads nothing else
  const query = await withTenant(
    sql,
    principal.tenantId,
    (tx) => q.getSavedQueryToRun(tx, principal.tenantId, principal.userId, id),
  );
  if (!query) throw new NotFoundError("No such saved query");
  const key = cacheKey({
    tenantId: principal.tenantId,
    clientId: principal.clientId,
    queryId: query.id,
    queryVersion: query.updated_at,
    sourceVersion: query.source_updated_at,
    limit: input.limit,
  }, input.parameters);
  const hit = input.fresh ? undefined : resultCache.get(key, deps.now());
  if (hit) return hit;
  const source = await getDataSource(sql, principal, query.data_source_id);
  const result = await runOnSource(sql, principal, source, {
    queryText: query.query_text,
    parameters: query.parameters as Parameter[],
    values: input.parameters,
    limit: input.limit,
    queryId: query.id,
  }, deps);
  resultCache.set(key, result, query.cache_ttl_seconds, deps.now());
  return result;
}

/** Runs SQL typed in the editor without saving it (needs saved_queries:write: it is writing a query). */
export async function runAdHoc(
  sql: Sql,
  principal: Principal,
  sourceId: string,
  input: { query_text: string; parameters: Parameter[]; values: ParameterValues; limit?: number },
  deps: SourceDeps & { now: () => Date },
): Promise<RunResult> {
  authorize(principal, "saved_queries", "write");
  const source = await getDataSource(sql, principal, sourceId);
  return await runOnSource(sql, principal, source, {
    queryText: input.query_text,
    parameters: input.parameters,
    values: input.values,
    limit: input.limit,
    queryId: null,
  }, deps);
}

/** RFC 4180 with a header row; text cells that a spreadsheet would run as formulas get a leading '. */
export function resultCsv(r: RunResult): string {
  const cell = (v: unknown) =>
    v === null || v === undefined
      ? ""
      : typeof v === "number" || typeof v === "boolean"
      ? String(v)
      : csvCell(v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v) : String(v));
  const lines = [r.columns.map((c) => csvCell(c.name)).join(","), ...r.rows.map((row) => row.map(cell).join(","))];
  return lines.join("\r\n") + "\r\n";
}
