/**
 * Data models over one SQL source: CRUD (data_models:write, admins by
 * default; authorised, tenant-scoped, audited in the same transaction),
 * checked against the source's introspected schema; building and running the
 * builder's choices over a model (data_models:read and data_sources:read) with
 * the existing runner, its read-only transaction, timeout and row cap.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/data_models.ts";
import { listSchema } from "../../db/queries/data_sources.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { NotFoundError, ValidationError } from "../platform/errors.ts";
import { getDataSource, kindOf, type SourceDeps } from "../data_sources/data_sources.ts";
import { compile, type Parameter } from "../data_sources/parameters.ts";
import { runOnSource, type RunResult } from "../data_sources/run.ts";
import { assertReadOnlySelect } from "../data_sources/sql_guard.ts";
import { buildModelSql, type ResolvedModel, resolveModel } from "./model_sql.ts";
import type {
  CreateDataModelInput,
  ModelBuildInput,
  ModelDefinition,
  RunModelInput,
  UpdateDataModelInput,
} from "./schemas.ts";

export type DataModelRow = q.DataModelRow;

function definitionOf(row: DataModelRow): ModelDefinition {
  return row as unknown as ModelDefinition;
}

export function dataModelJson(row: DataModelRow, resolved?: ResolvedModel) {
  return {
    id: row.id,
    data_source_id: row.data_source_id,
    name: row.name,
    description: row.description,
    ...definitionOf(row),
    fields: resolved?.fields.map((f) => ({ name: f.name, type: f.type, calculated: f.calculated })) ?? [],
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function snapshot(row: DataModelRow) {
  const { name, description, tables, joins, calculated_fields } = row;
  return { name, description, tables, joins, calculated_fields };
}

/** The source (404 when not the caller's to read), its dialect (422 when it takes no SQL) and its schema. */
async function sourceFor(sql: Sql, principal: Principal, sourceId: string) {
  const source = await getDataSource(sql, principal, sourceId);
  const dialect = kindOf(source.kind).dialect;
  if (!dialect) throw new ValidationError([{ path: "data_source_id", message: "is not an SQL source" }]);
  const schema = await withTenant(sql, principal.tenantId, (tx) => listSchema(tx, principal.tenantId, sourceId));
  return { source, dialect, schema };
}

/** The model checked against its source's schema as it is now (a column dropped since → 422 naming it). */
async function resolved(sql: Sql, principal: Principal, row: DataModelRow) {
  const s = await sourceFor(sql, principal, row.data_source_id);
  return { ...s, model: resolveModel(s.schema, s.dialect, definitionOf(row)) };
}

function uniqueName(error: unknown): never {
  if ((error as { constraint_name?: string }).constraint_name === "data_models_name_key") {
    throw new ValidationError([{ path: "name", message: "Another data model already has this name" }]);
  }
  throw error;
}

export async function createDataModel(
  sql: Sql,
  principal: Principal,
  input: CreateDataModelInput,
  ctx: AuditContext,
): Promise<{ row: DataModelRow; model: ResolvedModel }> {
  authorize(principal, "data_models", "write");
  const { dialect, schema, source } = await sourceFor(sql, principal, input.data_source_id);
  const model = resolveModel(schema, dialect, input);
  const row = await withTenant(sql, principal.tenantId, async (tx) => {
    const row = await q.insertDataModel(tx, {
      tenantId: principal.tenantId,
      dataSourceId: source.id,
      createdBy: principal.kind === "user" ? principal.userId : null,
      now: ctx.now,
      name: input.name,
      description: input.description ?? null,
      tables: input.tables,
      joins: input.joins,
      calculated_fields: input.calculated_fields,
    });
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "data_model.create",
      resourceType: "data_model",
      resourceId: row.id,
      after: snapshot(row),
    });
    return row;
  }).catch(uniqueName);
  return { row, model };
}

export async function listDataModels(
  sql: Sql,
  principal: Principal,
  f: { dataSourceId?: string } = {},
): Promise<DataModelRow[]> {
  authorize(principal, "data_models", "read");
  authorize(principal, "data_sources", "read");
  return await withTenant(
    sql,
    principal.tenantId,
    (tx) => q.listDataModels(tx, principal.tenantId, { ...f, limit: 500 }),
  );
}

/** Needs reading the source too: a model shows its source's tables and columns. */
export async function getDataModel(sql: Sql, principal: Principal, id: string): Promise<DataModelRow> {
  authorize(principal, "data_models", "read");
  authorize(principal, "data_sources", "read");
  const row = await withTenant(sql, principal.tenantId, (tx) => q.getDataModel(tx, principal.tenantId, id));
  if (!row) throw new NotFoundError("No such data model");
  return row;
}

/** The model with the fields it offers now; a model its source no longer fits comes back with none. */
export async function getDataModelWithFields(sql: Sql, principal: Principal, id: string) {
  const row = await getDataModel(sql, principal, id);
  try {
    return { row, model: (await resolved(sql, principal, row)).model };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { row, model: undefined, problems: error.errors ?? [] };
  }
}

export async function updateDataModel(
  sql: Sql,
  principal: Principal,
  id: string,
  input: UpdateDataModelInput,
  ctx: AuditContext,
): Promise<{ row: DataModelRow; model: ResolvedModel }> {
  authorize(principal, "data_models", "write");
  const current = await getDataModel(sql, principal, id);
  const { dialect, schema } = await sourceFor(sql, principal, current.data_source_id);
  const next = {
    name: input.name ?? current.name,
    description: input.description === undefined ? current.description : input.description,
    tables: input.tables ?? current.tables,
    joins: input.joins ?? current.joins,
    calculated_fields: input.calculated_fields ?? current.calculated_fields,
  };
  const model = resolveModel(schema, dialect, next as unknown as ModelDefinition);
  const row = await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await q.getDataModel(tx, principal.tenantId, id, { forUpdate: true });
    if (!before) throw new NotFoundError("No such data model");
    const row = await q.updateDataModel(tx, principal.tenantId, id, next);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "data_model.update",
      resourceType: "data_model",
      resourceId: id,
      before: snapshot(before),
      after: snapshot(row),
    });
    return row;
  }).catch(uniqueName);
  return { row, model };
}

export async function deleteDataModel(sql: Sql, principal: Principal, id: string, ctx: AuditContext): Promise<void> {
  authorize(principal, "data_models", "delete");
  await getDataModel(sql, principal, id);
  await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await q.getDataModel(tx, principal.tenantId, id, { forUpdate: true });
    if (!before) throw new NotFoundError("No such data model");
    await q.deleteDataModel(tx, principal.tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "data_model.delete",
      resourceType: "data_model",
      resourceId: id,
      before: snapshot(before),
    });
  });
}

/** The builder's SQL over the model; nothing runs or is stored (save it as a saved query). */
export async function buildModelQuery(sql: Sql, principal: Principal, id: string, input: ModelBuildInput) {
  const row = await getDataModel(sql, principal, id);
  const { dialect, model, source } = await resolved(sql, principal, row);
  const built = buildModelSql(model, dialect, input);
  assertReadOnlySelect(compile(built.query_text, dialect).text, dialect);
  return { data_source_id: source.id, ...built };
}

/** Builds and runs through the source's runner (read-only, timeout, row cap; a query_metrics row). */
export async function runModelQuery(
  sql: Sql,
  principal: Principal,
  id: string,
  input: RunModelInput,
  deps: SourceDeps & { now: () => Date },
): Promise<{ built: { data_source_id: string; query_text: string; parameters: Parameter[] }; result: RunResult }> {
  const { values, ...build } = input;
  const built = await buildModelQuery(sql, principal, id, build);
  const source = await getDataSource(sql, principal, built.data_source_id);
  const result = await runOnSource(sql, principal, source, {
    queryText: built.query_text,
    parameters: built.parameters,
    values,
    limit: build.limit,
    queryId: null,
  }, deps);
  return { built, result };
}
