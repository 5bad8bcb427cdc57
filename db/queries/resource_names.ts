/**
 * The current names of audited resources, so the audit log can say "Storefront
 * homepage" rather than a cut UUID. One statement for a page of rows; a
 * resource that is gone has no row (the view falls back to the name in the
 * audit's own snapshot, then to the id).
 */
import type { Sql } from "../client.ts";

/** Audit resource_type → its table and the column that names it. Constants only: never request input. */
export const NAMED_RESOURCES: Record<string, { table: string; column: string }> = {
  health_check: { table: "health_checks", column: "name" },
  project: { table: "projects", column: "name" },
  client: { table: "clients", column: "name" },
  user: { table: "users", column: "name" },
  notification_channel: { table: "notification_channels", column: "name" },
  alert_rule: { table: "alert_rules", column: "name" },
  api_key: { table: "api_keys", column: "name" },
  maintenance_window: { table: "maintenance_windows", column: "title" },
  role: { table: "roles", column: "name" },
  data_source: { table: "data_sources", column: "name" },
  saved_query: { table: "saved_queries", column: "name" },
  sow: { table: "sows", column: "title" },
};

/** `type:id` → name, for the given resources of one tenant. */
export async function resourceNames(
  sql: Sql,
  tenantId: string,
  resources: { type: string; id: string }[],
): Promise<Map<string, string>> {
  const byType = new Map<string, string[]>();
  for (const r of resources) {
    if (!NAMED_RESOURCES[r.type] || !/^[0-9a-f-]{36}$/i.test(r.id)) continue;
    byType.set(r.type, [...byType.get(r.type) ?? [], r.id]);
  }
  if (byType.size === 0) return new Map();
  const parts = [...byType].map(([type, ids]) => {
    const { table, column } = NAMED_RESOURCES[type];
    return sql`SELECT ${type}::text AS type, id::text AS id, ${sql(column)}::text AS name FROM ${sql(table)}
      WHERE tenant_id = ${tenantId} AND id = ANY (${ids}::uuid[])`;
  });
  const union = parts.reduce((all, part) => sql`${all} UNION ALL ${part}`);
  const rows = await sql<{ type: string; id: string; name: string }[]>`${union}`;
  return new Map(rows.map((r) => [`${r.type}:${r.id}`, r.name]));
}
