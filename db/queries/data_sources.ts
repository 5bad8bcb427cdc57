/**
 * Data sources, their introspected columns and per-run metrics. `config` is
 * the non-secret part; the secret part is one sealed JSON object
 * (services/data_sources/secret.ts). Display reads never carry the ciphertext.
 */
import type { Sql } from "../client.ts";

export type SourceKind = "postgresql" | "mysql" | "rest_api" | "csv" | "opsdeck";
export type SourceStatus = "connected" | "error" | "disconnected" | "pending";

export interface DataSourceRow {
  id: string;
  tenant_id: string;
  name: string;
  kind: SourceKind;
  config: Record<string, unknown>;
  has_secret: boolean;
  status: SourceStatus;
  last_error: string | null;
  last_tested_at: Date | null;
  last_sync: Date | null;
  metadata: Record<string, unknown>;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface DataSourceSecretRow extends DataSourceRow {
  secret_ciphertext: Uint8Array | null;
  key_id: string | null;
}

const columns = (sql: Sql) =>
  sql`id, tenant_id, name, kind, config, secret_ciphertext IS NOT NULL AS has_secret, status, last_error,
      last_tested_at, last_sync, metadata, created_by, created_at, updated_at`;

type Sealed = { ciphertext: Uint8Array; keyId: string };

export interface DataSourceInsert {
  id: string;
  tenantId: string;
  name: string;
  kind: SourceKind;
  config: Record<string, unknown>;
  secret: Sealed | null;
  createdBy: string | null;
  now: Date;
}

/** The id is chosen by the caller: the secret's GCM additional data names it before the row exists. */
export async function insertDataSource(sql: Sql, s: DataSourceInsert): Promise<DataSourceRow> {
  const [row] = await sql<DataSourceRow[]>`
    INSERT INTO data_sources (id, tenant_id, name, kind, config, secret_ciphertext, key_id, created_by, created_at,
                              updated_at)
    VALUES (${s.id}, ${s.tenantId}, ${s.name}, ${s.kind}, ${sql.json(s.config as never)},
            ${s.secret?.ciphertext ?? null}, ${s.secret?.keyId ?? null}, ${s.createdBy}, ${s.now}, ${s.now})
    RETURNING ${columns(sql)}`;
  return row;
}

/** By name (data_sources_name_key); a tenant has tens of sources, so one bounded page. */
export async function listDataSources(sql: Sql, tenantId: string, limit: number): Promise<DataSourceRow[]> {
  return await sql<DataSourceRow[]>`
    SELECT ${columns(sql)} FROM data_sources WHERE tenant_id = ${tenantId} ORDER BY lower(name), id LIMIT ${limit}`;
}

export async function getDataSource(
  sql: Sql,
  tenantId: string,
  id: string,
  o: { forUpdate?: boolean } = {},
): Promise<DataSourceSecretRow | undefined> {
  const [row] = await sql<DataSourceSecretRow[]>`
    SELECT ${columns(sql)}, secret_ciphertext, key_id FROM data_sources
    WHERE tenant_id = ${tenantId} AND id = ${id}
    ${o.forUpdate ? sql`FOR UPDATE` : sql``}`;
  return row;
}

export async function updateDataSource(
  sql: Sql,
  tenantId: string,
  id: string,
  patch: { name: string; config: Record<string, unknown>; secret?: Sealed },
): Promise<DataSourceRow> {
  const [row] = await sql<DataSourceRow[]>`
    UPDATE data_sources
    SET name = ${patch.name}, config = ${sql.json(patch.config as never)}, status = 'pending', last_error = NULL
      ${patch.secret ? sql`, secret_ciphertext = ${patch.secret.ciphertext}, key_id = ${patch.secret.keyId}` : sql``}
    WHERE tenant_id = ${tenantId} AND id = ${id}
    RETURNING ${columns(sql)}`;
  return row;
}

/** The outcome of a test or introspection: status, the error a person can act on, and when. */
export async function recordStatus(
  sql: Sql,
  tenantId: string,
  id: string,
  s: { status: SourceStatus; error: string | null; at: Date; synced?: boolean; metadata?: Record<string, unknown> },
): Promise<DataSourceRow> {
  const [row] = await sql<DataSourceRow[]>`
    UPDATE data_sources
    SET status = ${s.status}, last_error = ${s.error?.slice(0, 2000) ?? null}, last_tested_at = ${s.at}
      ${s.synced ? sql`, last_sync = ${s.at}` : sql``}
      ${s.metadata ? sql`, metadata = metadata || ${sql.json(s.metadata as never)}` : sql``}
    WHERE tenant_id = ${tenantId} AND id = ${id}
    RETURNING ${columns(sql)}`;
  return row;
}

export async function deleteDataSource(sql: Sql, tenantId: string, id: string): Promise<boolean> {
  const rows = await sql`DELETE FROM data_sources WHERE tenant_id = ${tenantId} AND id = ${id} RETURNING id`;
  return rows.length === 1;
}

export interface SchemaColumnRow {
  schema_name: string;
  table_name: string;
  column_name: string;
  ordinal: number;
  data_type: string;
  is_nullable: boolean;
  column_default: string | null;
}

/** Replaces a source's introspected columns whole, in batches that stay under the bind-parameter limit. */
export async function replaceSchema(
  sql: Sql,
  tenantId: string,
  sourceId: string,
  columns: SchemaColumnRow[],
): Promise<void> {
  await sql`DELETE FROM data_source_schemas WHERE tenant_id = ${tenantId} AND data_source_id = ${sourceId}`;
  for (let i = 0; i < columns.length; i += 5000) {
    const batch = columns.slice(i, i + 5000).map((c) => ({ tenant_id: tenantId, data_source_id: sourceId, ...c }));
    await sql`
      INSERT INTO data_source_schemas ${
      sql(
        batch,
        "tenant_id",
        "data_source_id",
        "schema_name",
        "table_name",
        "column_name",
        "ordinal",
        "data_type",
        "is_nullable",
        "column_default",
      )
    }`;
  }
}

export async function listSchema(sql: Sql, tenantId: string, sourceId: string): Promise<SchemaColumnRow[]> {
  return await sql<SchemaColumnRow[]>`
    SELECT schema_name, table_name, column_name, ordinal, data_type, is_nullable, column_default
    FROM data_source_schemas
    WHERE tenant_id = ${tenantId} AND data_source_id = ${sourceId}
    ORDER BY schema_name, table_name, ordinal`;
}

export interface QueryMetricInsert {
  tenantId: string;
  dataSourceId: string;
  queryId: string | null;
  userId: string | null;
  executionTimeMs: number;
  rowsReturned: number;
  bytesReturned: number;
  error: boolean;
  at: Date;
}

export async function insertQueryMetric(sql: Sql, m: QueryMetricInsert): Promise<void> {
  await sql`
    INSERT INTO query_metrics (tenant_id, data_source_id, query_id, user_id, execution_time_ms, rows_returned,
                               bytes_returned, error, at)
    VALUES (${m.tenantId}, ${m.dataSourceId}, ${m.queryId}, ${m.userId}, ${m.executionTimeMs}, ${m.rowsReturned},
            ${m.bytesReturned}, ${m.error}, ${m.at})`;
}

export interface QueryStatRow {
  query_id: string | null;
  data_source_id: string;
  runs: number;
  errors: number;
  p95_ms: number;
  max_ms: number;
  rows: number;
}

/** Per query over [from, to): runs, errors and timings, for the slowest / most-run page (query_metrics_tenant_idx). */
export async function queryStats(
  sql: Sql,
  tenantId: string,
  r: { from: Date; to: Date; order: "slowest" | "most_run"; limit: number },
): Promise<QueryStatRow[]> {
  return await sql<QueryStatRow[]>`
    SELECT query_id, data_source_id, count(*)::int AS runs, count(*) FILTER (WHERE error)::int AS errors,
      percentile_disc(0.95) WITHIN GROUP (ORDER BY execution_time_ms)::int AS p95_ms,
      max(execution_time_ms)::int AS max_ms, sum(rows_returned)::int AS rows
    FROM query_metrics
    WHERE tenant_id = ${tenantId} AND at >= ${r.from} AND at < ${r.to}
    GROUP BY query_id, data_source_id
    ORDER BY ${r.order === "slowest" ? sql`p95_ms DESC` : sql`runs DESC`}, query_id
    LIMIT ${r.limit}`;
}

export interface StaleSourceSecretRow {
  id: string;
  key_id: string;
  secret_ciphertext: Uint8Array;
}

/** `secrets:rotate`: a tenant's sources sealed with another key than `currentKeyId`, in id order. */
export async function staleSourceSecrets(
  sql: Sql,
  tenantId: string,
  currentKeyId: string,
  afterId: string,
  limit: number,
): Promise<StaleSourceSecretRow[]> {
  return await sql<StaleSourceSecretRow[]>`
    SELECT id, key_id, secret_ciphertext FROM data_sources
    WHERE tenant_id = ${tenantId} AND key_id IS NOT NULL AND key_id <> ${currentKeyId} AND id > ${afterId}
    ORDER BY id
    LIMIT ${limit}
    FOR UPDATE`;
}

/** Stores a re-encryption only if the row still holds what was read (`fromKeyId`). */
export async function storeSourceSecret(
  sql: Sql,
  tenantId: string,
  id: string,
  fromKeyId: string,
  next: { ciphertext: Uint8Array; keyId: string },
): Promise<boolean> {
  const rows = await sql`
    UPDATE data_sources SET secret_ciphertext = ${next.ciphertext}, key_id = ${next.keyId}
    WHERE id = ${id} AND tenant_id = ${tenantId} AND key_id = ${fromKeyId}
    RETURNING id`;
  return rows.length === 1;
}

/** A csv source after an import or a retype: its table's description, connected, read now. */
export async function recordCsvTable(
  sql: Sql,
  tenantId: string,
  id: string,
  config: Record<string, unknown>,
  at: Date,
): Promise<DataSourceRow> {
  const [row] = await sql<DataSourceRow[]>`
    UPDATE data_sources
    SET config = ${sql.json(config as never)}, status = 'connected', last_error = NULL, last_tested_at = ${at},
      last_sync = ${at}
    WHERE tenant_id = ${tenantId} AND id = ${id}
    RETURNING ${columns(sql)}`;
  return row;
}
