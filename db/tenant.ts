/**
 * Tenant-scoped transactions. Inside `withTenant` the transaction runs as the
 * role opsdeck_app with `opsdeck.tenant_id` set, so PostgreSQL's row-level
 * security hides every other tenant's rows even from a query that forgets its
 * `tenant_id` filter (db/migrations/00007_row_level_security.sql).
 */
import type { Sql } from "./client.ts";

/** `fn` gets the transaction typed as `Sql` so the query functions in db/queries take either. */
export async function withTenant<T>(sql: Sql, tenantId: string, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return await sql.begin(async (tx) => {
    await tx`SELECT set_config('opsdeck.tenant_id', ${tenantId}, true), set_config('role', 'opsdeck_app', true)`;
    return await fn(tx as unknown as Sql);
  }) as T;
}
