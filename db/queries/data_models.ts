/** Data models: tables, joins and calculated fields over one source (jsonb, checked by the service). */
import type { Sql } from "../client.ts";

export interface DataModelRow {
  id: string;
  tenant_id: string;
  data_source_id: string;
  name: string;
  description: string | null;
  tables: unknown[];
  joins: unknown[];
  calculated_fields: unknown[];
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface DataModelWrite {
  name: string;
  description: string | null;
  tables: unknown[];
  joins: unknown[];
  calculated_fields: unknown[];
}

const columns = (sql: Sql) =>
  sql`id, tenant_id, data_source_id, name, description, tables, joins, calculated_fields, created_by, created_at,
      updated_at`;

export async function insertDataModel(
  sql: Sql,
  m: DataModelWrite & { tenantId: string; dataSourceId: string; createdBy: string | null; now: Date },
): Promise<DataModelRow> {
  const [row] = await sql<DataModelRow[]>`
    INSERT INTO data_models (tenant_id, data_source_id, name, description, tables, joins, calculated_fields,
                             created_by, created_at, updated_at)
    VALUES (${m.tenantId}, ${m.dataSourceId}, ${m.name}, ${m.description}, ${sql.json(m.tables as never)},
            ${sql.json(m.joins as never)}, ${sql.json(m.calculated_fields as never)}, ${m.createdBy}, ${m.now},
            ${m.now})
    RETURNING ${columns(sql)}`;
  return row;
}

/** By name; a source filter for the source page (data_models_source_idx). */
export async function listDataModels(
  sql: Sql,
  tenantId: string,
  f: { dataSourceId?: string; limit: number },
): Promise<DataModelRow[]> {
  return await sql<DataModelRow[]>`
    SELECT ${columns(sql)} FROM data_models
    WHERE tenant_id = ${tenantId} ${f.dataSourceId ? sql`AND data_source_id = ${f.dataSourceId}` : sql``}
    ORDER BY lower(name), id
    LIMIT ${f.limit}`;
}

export async function getDataModel(
  sql: Sql,
  tenantId: string,
  id: string,
  o: { forUpdate?: boolean } = {},
): Promise<DataModelRow | undefined> {
  const [row] = await sql<DataModelRow[]>`
    SELECT ${columns(sql)} FROM data_models WHERE tenant_id = ${tenantId} AND id = ${id}
    ${o.forUpdate ? sql`FOR UPDATE` : sql``}`;
  return row;
}

export async function updateDataModel(
  sql: Sql,
  tenantId: string,
  id: string,
  m: DataModelWrite,
): Promise<DataModelRow> {
  const [row] = await sql<DataModelRow[]>`
    UPDATE data_models
    SET name = ${m.name}, description = ${m.description}, tables = ${sql.json(m.tables as never)},
      joins = ${sql.json(m.joins as never)}, calculated_fields = ${sql.json(m.calculated_fields as never)}
    WHERE tenant_id = ${tenantId} AND id = ${id}
    RETURNING ${columns(sql)}`;
  return row;
}

export async function deleteDataModel(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`DELETE FROM data_models WHERE tenant_id = ${tenantId} AND id = ${id}`;
}
