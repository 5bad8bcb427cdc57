/**
 * Data sources: CRUD (authorised, tenant-scoped, audited in the same
 * transaction), test connection and introspection. The kind validates and
 * splits the settings; secrets are sealed (secret.ts) and never returned,
 * logged or audited.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/data_sources.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { requireSourceAccess } from "./grants.ts";
import type { Config } from "../platform/config.ts";
import { AppError, ConflictError, NotFoundError, ValidationError } from "../platform/errors.ts";
import { OutboundError } from "../platform/net/connect.ts";
import { KINDS } from "./kinds/mod.ts";
import { plainSettingsError } from "./kinds/settings_fields.ts";
import type { DataSourceKind, OpenSource } from "./kinds/types.ts";
import type { CreateDataSourceInput, UpdateDataSourceInput } from "./schemas.ts";
import { openSourceSecret, sealSourceSecret } from "./secret.ts";
import { checkedAddress } from "../platform/net/connect.ts";
import { sourcePolicy } from "./target.ts";
import { type BuildInput, buildSql } from "./builder.ts";
import { compile } from "./parameters.ts";
import { assertReadOnlySelect } from "./sql_guard.ts";

export type DataSourceRow = q.DataSourceRow;

/** What using a source needs besides the database: the keys and the outbound policy (in the config). */
export interface SourceDeps {
  secret: string;
  config: Config;
  /** Opsdeck's own database, for csv sources (set by the run and introspection paths from their `sql`). */
  home?: Sql;
}

export function kindOf(kind: string): DataSourceKind {
  const k = (KINDS as Record<string, DataSourceKind>)[kind];
  if (!k) throw new ValidationError([{ path: "kind", message: `"${kind}" sources are not available yet` }]);
  return k;
}

/** The JSON and page view of a source: never the secret. */
export function dataSourceJson(row: DataSourceRow) {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    config: row.config,
    has_secret: row.has_secret,
    status: row.status,
    last_error: row.last_error,
    last_tested_at: row.last_tested_at?.toISOString() ?? null,
    last_sync: row.last_sync?.toISOString() ?? null,
    metadata: row.metadata,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function snapshot(row: DataSourceRow) {
  return { name: row.name, kind: row.kind, config: row.config, has_secret: row.has_secret };
}

/** Validates the kind's settings (422 naming `config.<field>`) and checks the host against the policy now. */
export async function settingsOf(kind: DataSourceKind, input: unknown, deps: SourceDeps) {
  const parsed = kind.configSchema.safeParse(input, { error: plainSettingsError });
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((i) => ({
      path: ["config", ...i.path.map(String)].join("."),
      message: i.message,
    })));
  }
  const split = kind.split(parsed.data);
  const target = kind.target(split.config);
  if (target) {
    try {
      await checkedAddress(target.host, target.port, sourcePolicy(deps.config));
    } catch (error) {
      // an unresolvable name may resolve later; a refused address never will
      if (!(error instanceof OutboundError) || error.kind === "blocked") {
        const field = (parsed.data as { url?: unknown }).url === undefined ? "host" : "url";
        throw new ValidationError([{ path: `config.${field}`, message: (error as Error).message }]);
      }
    }
  }
  return split;
}

export async function createDataSource(
  sql: Sql,
  principal: Principal,
  input: CreateDataSourceInput,
  ctx: AuditContext,
  deps: SourceDeps,
): Promise<DataSourceRow> {
  authorize(principal, "data_sources", "write");
  const kind = kindOf(input.kind);
  const split = await settingsOf(kind, input.config, deps);
  const id = crypto.randomUUID();
  const sealed = split.secret ? await sealSourceSecret(sealDeps(deps), id, split.secret) : null;
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const row = await q.insertDataSource(tx, {
      id,
      tenantId: principal.tenantId,
      name: input.name,
      kind: input.kind,
      config: split.config,
      secret: sealed,
      createdBy: principal.kind === "user" ? principal.userId : null,
      now: ctx.now,
    });
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "data_source.create",
      resourceType: "data_source",
      resourceId: id,
      after: snapshot(row),
    });
    return row;
  }).catch(uniqueName);
}

export async function listDataSources(sql: Sql, principal: Principal): Promise<DataSourceRow[]> {
  authorize(principal, "data_sources", "read");
  return await withTenant(sql, principal.tenantId, (tx) => q.listDataSources(tx, principal.tenantId, 500));
}

export async function getDataSource(sql: Sql, principal: Principal, id: string): Promise<q.DataSourceSecretRow> {
  const row = await withTenant(sql, principal.tenantId, async (tx) => {
    // data_sources:read, or an approved access request for this one source (grants.ts)
    await requireSourceAccess(tx, principal, id);
    return await q.getDataSource(tx, principal.tenantId, id);
  });
  if (!row) throw new NotFoundError("No such data source");
  return row;
}

export async function updateDataSource(
  sql: Sql,
  principal: Principal,
  id: string,
  input: UpdateDataSourceInput,
  ctx: AuditContext,
  deps: SourceDeps,
): Promise<DataSourceRow> {
  authorize(principal, "data_sources", "write");
  const row = await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await q.getDataSource(tx, principal.tenantId, id, { forUpdate: true });
    if (!before) throw new NotFoundError("No such data source");
    const split = input.config === undefined
      ? { config: before.config, secret: undefined }
      : await settingsOf(kindOf(before.kind), input.config, deps);
    const secret = split.secret ? await sealSourceSecret(sealDeps(deps), id, split.secret) : undefined;
    const row = await q.updateDataSource(tx, principal.tenantId, id, {
      name: input.name ?? before.name,
      config: split.config,
      secret,
    });
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "data_source.update",
      resourceType: "data_source",
      resourceId: id,
      before: snapshot(before),
      after: { ...snapshot(row), secret_changed: secret !== undefined },
    });
    return row;
  }).catch(uniqueName);
  await kindOf(row.kind).close(id);
  return row;
}

/** Deletes the source with its columns, saved queries, models and query alerts. */
export async function deleteDataSource(sql: Sql, principal: Principal, id: string, ctx: AuditContext): Promise<void> {
  authorize(principal, "data_sources", "delete");
  const kind = await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await q.getDataSource(tx, principal.tenantId, id, { forUpdate: true });
    if (!before) throw new NotFoundError("No such data source");
    if (kindOf(before.kind).builtIn) {
      throw new ConflictError("The built-in Opsdeck source comes with the organization and cannot be deleted");
    }
    await q.deleteDataSource(tx, principal.tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "data_source.delete",
      resourceType: "data_source",
      resourceId: id,
      before: snapshot(before),
    });
    return before.kind;
  });
  await kindOf(kind).close(id);
  await kindOf(kind).drop?.(sql, id);
}

/** The source ready for its kind: secret opened, policy attached, and whose data (a client user's client). */
export async function openSource(
  deps: SourceDeps,
  row: q.DataSourceSecretRow,
  clientId: string | null,
): Promise<OpenSource> {
  return {
    tenantId: row.tenant_id,
    clientId,
    id: row.id,
    version: row.updated_at.toISOString(),
    config: row.config,
    secret: await openSourceSecret(sealDeps(deps), row.id, row),
    policy: sourcePolicy(deps.config),
    home: deps.home,
  };
}

/** Connects and asks the server who it is; the outcome is stored as the source's status either way. */
export async function testDataSource(
  sql: Sql,
  principal: Principal,
  id: string,
  ctx: AuditContext,
  deps: SourceDeps,
): Promise<{ ok: boolean; status: q.SourceStatus; message: string; row: DataSourceRow }> {
  authorize(principal, "data_sources", "write");
  const source = await getDataSource(sql, principal, id);
  const kind = kindOf(source.kind);
  let outcome: { ok: boolean; message: string };
  try {
    const { serverVersion } = await kind.test(await openSource({ ...deps, home: sql }, source, principal.clientId));
    outcome = { ok: true, message: serverVersion };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    outcome = { ok: false, message: error.message };
  }
  const status = outcome.ok ? "connected" : "error";
  const row = await withTenant(sql, principal.tenantId, async (tx) => {
    const row = await q.recordStatus(tx, principal.tenantId, id, {
      status,
      error: outcome.ok ? null : outcome.message,
      at: ctx.now,
      metadata: outcome.ok ? { server_version: outcome.message } : undefined,
    });
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "data_source.test",
      resourceType: "data_source",
      resourceId: id,
      details: { status, error: outcome.ok ? null : outcome.message },
    });
    return row;
  });
  return { ...outcome, status, row };
}

/** Reads the source's columns into data_source_schemas (replacing the last introspection) and sets last_sync. */
export async function introspectDataSource(
  sql: Sql,
  principal: Principal,
  id: string,
  ctx: AuditContext,
  deps: SourceDeps,
): Promise<q.SchemaColumnRow[]> {
  authorize(principal, "data_sources", "write");
  const source = await getDataSource(sql, principal, id);
  return await introspectSource(sql, source, ctx, deps);
}

/** introspectDataSource without a principal (the daily re-read): the caller chose the source. */
export async function introspectSource(
  sql: Sql,
  source: q.DataSourceSecretRow,
  ctx: AuditContext,
  deps: SourceDeps,
): Promise<q.SchemaColumnRow[]> {
  const { tenant_id: tenantId, id } = source;
  const kind = kindOf(source.kind);
  let columns: q.SchemaColumnRow[];
  try {
    // no client: a schema lists columns, never rows
    columns = await kind.introspect(await openSource({ ...deps, home: sql }, source, null));
  } catch (error) {
    if (error instanceof AppError) {
      await withTenant(
        sql,
        tenantId,
        (tx) => q.recordStatus(tx, tenantId, id, { status: "error", error: error.message, at: ctx.now }),
      );
    }
    throw error;
  }
  const tables = new Set(columns.map((c) => `${c.schema_name}.${c.table_name}`)).size;
  await withTenant(sql, tenantId, async (tx) => {
    await q.replaceSchema(tx, tenantId, id, columns);
    await q.recordStatus(tx, tenantId, id, {
      status: "connected",
      error: null,
      at: ctx.now,
      synced: true,
      metadata: { tables, columns: columns.length },
    });
    await recordAudit(tx, ctx, {
      tenantId,
      action: "data_source.introspect",
      resourceType: "data_source",
      resourceId: id,
      details: { tables, columns: columns.length },
    });
  });
  return columns;
}

export async function sourceSchema(sql: Sql, principal: Principal, id: string): Promise<q.SchemaColumnRow[]> {
  await getDataSource(sql, principal, id);
  return await withTenant(sql, principal.tenantId, (tx) => q.listSchema(tx, principal.tenantId, id));
}

function sealDeps(deps: SourceDeps) {
  return { secret: deps.secret, previousSecrets: deps.config.previousSecrets };
}

function uniqueName(error: unknown): never {
  if ((error as { code?: string; constraint_name?: string }).constraint_name === "data_sources_name_key") {
    throw new ValidationError([{ path: "name", message: "Another data source already has this name" }]);
  }
  throw error;
}

/** The query builder's SQL for this source, from its introspected schema (builder.ts); nothing is run or stored. */
export async function buildQuery(sql: Sql, principal: Principal, id: string, input: BuildInput) {
  authorize(principal, "saved_queries", "write");
  const source = await getDataSource(sql, principal, id);
  const dialect = kindOf(source.kind).dialect;
  if (!dialect) throw new ValidationError([{ path: "table", message: "This source does not take SQL" }]);
  const schema = await withTenant(sql, principal.tenantId, (tx) => q.listSchema(tx, principal.tenantId, id));
  const built = buildSql(schema, dialect, input);
  assertReadOnlySelect(compile(built.query_text, dialect).text, dialect);
  return built;
}
