/** Saved queries: private to their author unless is_public (the visibility filter is in every read). */
import type { Sql } from "../client.ts";

export interface SavedQueryRow {
  id: string;
  tenant_id: string;
  data_source_id: string;
  name: string;
  description: string | null;
  query_text: string;
  parameters: unknown[];
  is_public: boolean;
  cache_ttl_seconds: number;
  collect_project_id: string | null;
  collect_metric_type: string | null;
  collect_interval_seconds: number | null;
  collect_parameters: Record<string, unknown> | null;
  next_collect_at: Date | null;
  last_collect_error: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

const columns = (sql: Sql) =>
  sql`id, tenant_id, data_source_id, name, description, query_text, parameters, is_public, cache_ttl_seconds,
      collect_project_id, collect_metric_type, collect_interval_seconds, collect_parameters, next_collect_at,
      last_collect_error, created_by, created_at, updated_at`;

/** Visible to `userId`: shared, or theirs. */
const visible = (sql: Sql, userId: string) => sql`(is_public OR created_by = ${userId})`;

export interface SavedQueryWrite {
  name: string;
  description: string | null;
  query_text: string;
  parameters: unknown[];
  is_public: boolean;
  cache_ttl_seconds: number;
}

export async function insertSavedQuery(
  sql: Sql,
  s: SavedQueryWrite & { tenantId: string; dataSourceId: string; createdBy: string; now: Date },
): Promise<SavedQueryRow> {
  const [row] = await sql<SavedQueryRow[]>`
    INSERT INTO saved_queries (tenant_id, data_source_id, name, description, query_text, parameters, is_public,
                               cache_ttl_seconds, created_by, created_at, updated_at)
    VALUES (${s.tenantId}, ${s.dataSourceId}, ${s.name}, ${s.description}, ${s.query_text},
            ${sql.json(s.parameters as never)}, ${s.is_public}, ${s.cache_ttl_seconds}, ${s.createdBy}, ${s.now},
            ${s.now})
    RETURNING ${columns(sql)}`;
  return row;
}

/** By name; a source filter for the source page (saved_queries_source_idx). */
export async function listSavedQueries(
  sql: Sql,
  tenantId: string,
  userId: string,
  f: { dataSourceId?: string; limit: number },
): Promise<SavedQueryRow[]> {
  return await sql<SavedQueryRow[]>`
    SELECT ${columns(sql)} FROM saved_queries
    WHERE tenant_id = ${tenantId} AND ${visible(sql, userId)}
      ${f.dataSourceId ? sql`AND data_source_id = ${f.dataSourceId}` : sql``}
    ORDER BY lower(name), id
    LIMIT ${f.limit}`;
}

export async function getSavedQuery(
  sql: Sql,
  tenantId: string,
  userId: string,
  id: string,
  o: { forUpdate?: boolean } = {},
): Promise<SavedQueryRow | undefined> {
  const [row] = await sql<SavedQueryRow[]>`
    SELECT ${columns(sql)} FROM saved_queries
    WHERE tenant_id = ${tenantId} AND id = ${id} AND ${visible(sql, userId)}
    ${o.forUpdate ? sql`FOR UPDATE` : sql``}`;
  return row;
}

/**
 * A saved query the user may see, with its source's version: everything a cached run needs, in one statement
 * (the run path reads the source itself only on a cache miss).
 */
export async function getSavedQueryToRun(
  sql: Sql,
  tenantId: string,
  userId: string,
  id: string,
): Promise<(SavedQueryRow & { source_updated_at: Date }) | undefined> {
  const [row] = await sql<(SavedQueryRow & { source_updated_at: Date })[]>`
    SELECT ${columns(sql)},
      (SELECT d.updated_at FROM data_sources d
       WHERE d.tenant_id = saved_queries.tenant_id AND d.id = saved_queries.data_source_id) AS source_updated_at
    FROM saved_queries
    WHERE tenant_id = ${tenantId} AND id = ${id} AND ${visible(sql, userId)}`;
  return row;
}

export async function updateSavedQuery(
  sql: Sql,
  tenantId: string,
  id: string,
  s: SavedQueryWrite,
): Promise<SavedQueryRow> {
  const [row] = await sql<SavedQueryRow[]>`
    UPDATE saved_queries
    SET name = ${s.name}, description = ${s.description}, query_text = ${s.query_text},
      parameters = ${sql.json(s.parameters as never)}, is_public = ${s.is_public},
      cache_ttl_seconds = ${s.cache_ttl_seconds}
    WHERE tenant_id = ${tenantId} AND id = ${id}
    RETURNING ${columns(sql)}`;
  return row;
}

export async function deleteSavedQuery(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`DELETE FROM saved_queries WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

/** Any saved query of the tenant, whoever wrote it: for Opsdeck's own runs (alert rules, collected metrics). */
export async function getSavedQueryById(sql: Sql, tenantId: string, id: string): Promise<SavedQueryRow | undefined> {
  const [row] = await sql<SavedQueryRow[]>`
    SELECT ${columns(sql)} FROM saved_queries WHERE tenant_id = ${tenantId} AND id = ${id}`;
  return row;
}

/** The client of a query's author (null: staff): unattended runs read with it. */
export async function authorClient(sql: Sql, tenantId: string, userId: string): Promise<string | null> {
  const [row] = await sql<{ client_id: string | null }[]>`
    SELECT client_id FROM users WHERE tenant_id = ${tenantId} AND id = ${userId}`;
  return row?.client_id ?? null;
}

export interface CollectSettings {
  projectId: string;
  metricType: string;
  intervalSeconds: number;
  parameters: Record<string, unknown>;
}

/** Sets (due at once) or clears collecting into a metric. */
export async function setCollect(
  sql: Sql,
  tenantId: string,
  id: string,
  c: CollectSettings | null,
  now: Date,
): Promise<SavedQueryRow> {
  const [row] = await sql<SavedQueryRow[]>`
    UPDATE saved_queries
    SET collect_project_id = ${c?.projectId ?? null}, collect_metric_type = ${c?.metricType ?? null},
      collect_interval_seconds = ${c?.intervalSeconds ?? null},
      collect_parameters = ${c ? sql.json(c.parameters as never) : null},
      next_collect_at = ${c ? now : null}, last_collect_error = NULL
    WHERE tenant_id = ${tenantId} AND id = ${id}
    RETURNING ${columns(sql)}`;
  return row;
}
