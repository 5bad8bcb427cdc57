import type { Sql } from "../client.ts";

export interface TenantRow {
  id: string;
  name: string;
  slug: string;
  created_at: Date;
}

export async function countTenants(sql: Sql): Promise<number> {
  const [row] = await sql<{ count: number }[]>`SELECT count(*)::int AS count FROM tenants`;
  return row.count;
}

export async function insertTenant(sql: Sql, t: { id: string; name: string; slug: string }): Promise<TenantRow> {
  const [row] = await sql<TenantRow[]>`
    INSERT INTO tenants (id, name, slug) VALUES (${t.id}, ${t.name}, ${t.slug})
    RETURNING id, name, slug, created_at`;
  return row;
}
