/** A data source (pointing nowhere reachable) with one shared saved query and a data model, for walkers and fixtures. */
import type { Sql } from "../../db/client.ts";

export async function genDataSource(sql: Sql, tenantId: string): Promise<{ sourceId: string; queryId: string }> {
  const [source] = await sql<{ id: string }[]>`
    INSERT INTO data_sources (tenant_id, name, kind, config)
    VALUES (${tenantId}, ${`Source ${crypto.randomUUID().slice(0, 6)}`}, 'postgresql',
            ${sql.json({ host: "192.0.2.10", port: 5432, database: "shop", user: "ro", ssl: "disable" })})
    RETURNING id`;
  const [query] = await sql<{ id: string }[]>`
    INSERT INTO saved_queries (tenant_id, data_source_id, name, query_text, is_public)
    VALUES (${tenantId}, ${source.id}, 'Count', 'SELECT 1 AS one', true)
    RETURNING id`;
  await sql`
    INSERT INTO data_models (tenant_id, data_source_id, name, tables)
    VALUES (${tenantId}, ${source.id}, ${`Model ${crypto.randomUUID().slice(0, 6)}`},
            ${sql.json([{ alias: "orders", table: "public.orders" }])})`;
  return { sourceId: source.id, queryId: query.id };
}
