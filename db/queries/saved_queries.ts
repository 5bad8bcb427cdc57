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
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

const columns = (sql: Sql) =>
  sql`id, tenant_id, data_source_id, name, description, query_text, parameters, is_public, created_by, created_at,
      updated_at`;

/** Visible to `userId`: shared, or theirs. */
const visible = (sql: Sql, userId: string) => sql`(is_public OR created_by = ${userId})`;

export interface SavedQueryWrite {
  name: string;
  description: string | null;
  query_text: string;
  parameters: unknown[];
  is_public: boolean;
}

export async function insertSavedQuery(
  sql: Sql,
  s: SavedQueryWrite & { tenantId: string; dataSourceId: string; createdBy: string; now: Date },
): Promise<SavedQueryRow> {
  const [row] = await sql<SavedQueryRow[]>`
    INSERT INTO saved_queries (tenant_id, data_source_id, name, description, query_text, parameters, is_public,
                               created_by, created_at, updated_at)
    VALUES (${s.tenantId}, ${s.dataSourceId}, ${s.name}, ${s.description}, ${s.query_text},
            ${sql.json(s.parameters as never)}, ${s.is_public}, ${s.createdBy}, ${s.now}, ${s.now})
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

export async function updateSavedQuery(
  sql: Sql,
  tenantId: string,
  id: string,
  s: SavedQueryWrite,
): Promise<SavedQueryRow> {
  const [row] = await sql<SavedQueryRow[]>`
    UPDATE saved_queries
    SET name = ${s.name}, description = ${s.description}, query_text = ${s.query_text},
      parameters = ${sql.json(s.parameters as never)}, is_public = ${s.is_public}
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
