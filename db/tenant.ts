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
    // Sent without waiting: fn's first query follows it on the same connection
    // (pipelined), which saves a round trip on every tenant-scoped request.
    const scope = tx`SELECT set_config('opsdeck.tenant_id', ${tenantId}, true), set_config('role', 'opsdeck_app', true)`
      .execute();
    scope.catch(() => {});
    try {
      const result = await fn(tx as unknown as Sql);
      await scope;
      return result;
    } catch (error) {
      // If scoping failed, that is the real cause of whatever fn then hit.
      await scope;
      throw error;
    }
  }) as T;
}
