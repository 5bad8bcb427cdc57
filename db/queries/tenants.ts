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

export interface TenantListRow extends TenantRow {
  user_count: number;
}

/**
 * Every tenant of the installation, by name (super-admin screens). Runs on the
 * owner connection: it deliberately crosses tenants.
 */
export async function listTenants(
  sql: Sql,
  f: { after?: [string, string]; limit: number },
): Promise<TenantListRow[]> {
  return await sql<TenantListRow[]>`
    SELECT t.id, t.name, t.slug, t.created_at,
           (SELECT count(*)::int FROM users u WHERE u.tenant_id = t.id) AS user_count
    FROM tenants t
    ${f.after ? sql`WHERE (lower(t.name), t.id) > (${f.after[0]}, ${f.after[1]}::uuid)` : sql``}
    ORDER BY lower(t.name), t.id
    LIMIT ${f.limit + 1}`;
}

/** Install-wide, on the owner connection. */
export async function slugTaken(sql: Sql, slug: string): Promise<boolean> {
  const [row] = await sql`SELECT 1 FROM tenants WHERE slug = ${slug}`;
  return row !== undefined;
}

/** The tenant's own row, for pages and e-mails that name the organisation. */
export async function getTenant(sql: Sql, id: string): Promise<TenantRow | undefined> {
  const [row] = await sql<TenantRow[]>`SELECT id, name, slug, created_at FROM tenants WHERE id = ${id}`;
  return row;
}
