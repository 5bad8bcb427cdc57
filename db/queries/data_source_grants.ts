import type { Sql } from "../client.ts";

export interface DataSourceGrantRow {
  id: string;
  data_source_id: string;
  data_source_name: string;
  user_id: string;
  user_name: string;
  approval_id: string | null;
  granted_by: string | null;
  created_at: Date;
}

export async function hasDataSourceGrant(sql: Sql, tenantId: string, userId: string, sourceId: string) {
  const rows = await sql`
    SELECT 1 FROM data_source_grants
    WHERE tenant_id = ${tenantId} AND user_id = ${userId} AND data_source_id = ${sourceId}`;
  return rows.length > 0;
}

/** The new grant's id, or undefined when the person already had one. */
export async function insertDataSourceGrant(
  sql: Sql,
  g: { tenantId: string; sourceId: string; userId: string; approvalId: string; grantedBy: string; now: Date },
): Promise<string | undefined> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO data_source_grants (tenant_id, data_source_id, user_id, approval_id, granted_by, created_at)
    VALUES (${g.tenantId}, ${g.sourceId}, ${g.userId}, ${g.approvalId}, ${g.grantedBy}, ${g.now})
    ON CONFLICT (tenant_id, user_id, data_source_id) DO NOTHING
    RETURNING id`;
  return row?.id;
}

/** A tenant's grants (or one person's), newest first. */
export async function listDataSourceGrants(
  sql: Sql,
  tenantId: string,
  userId?: string,
): Promise<DataSourceGrantRow[]> {
  return await sql<DataSourceGrantRow[]>`
    SELECT g.id, g.data_source_id, s.name AS data_source_name, g.user_id, coalesce(u.name, u.email) AS user_name,
           g.approval_id, g.granted_by, g.created_at
    FROM data_source_grants g
    JOIN data_sources s ON s.tenant_id = g.tenant_id AND s.id = g.data_source_id
    JOIN users u ON u.tenant_id = g.tenant_id AND u.id = g.user_id
    WHERE g.tenant_id = ${tenantId} ${userId ? sql`AND g.user_id = ${userId}` : sql``}
    ORDER BY g.created_at DESC, g.id DESC
    LIMIT 500`;
}

export async function deleteDataSourceGrant(sql: Sql, tenantId: string, id: string) {
  const [row] = await sql<{ data_source_id: string; user_id: string }[]>`
    DELETE FROM data_source_grants WHERE tenant_id = ${tenantId} AND id = ${id}
    RETURNING data_source_id, user_id`;
  return row;
}
