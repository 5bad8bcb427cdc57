/**
 * Tenant-scoped transactions. Inside `withTenant` the transaction runs as the
 * role opsdeck_app with `opsdeck.tenant_id` set, so PostgreSQL's row-level
 * security hides every other tenant's rows even from a query that forgets its
 * `tenant_id` filter (db/migrations/00007_row_level_security.sql).
 */
import type { Sql } from "./client.ts";

/**
 * `fn` gets the transaction typed as `Sql` so the query functions in db/queries take either.
 *
 * BEGIN and the scoping are sent without waiting on a reserved connection, so
 * they travel with fn's first query (pipelined): a transaction of one query is
 * two round trips (that query, COMMIT) where `sql.begin` needs four. An error
 * in BEGIN or the scoping aborts the transaction, so fn's queries fail too and
 * nothing runs unscoped; the earlier statement's error is the one reported.
 */
export async function withTenant<T>(sql: Sql, tenantId: string, fn: (tx: Sql) => Promise<T>): Promise<T> {
  const tx = await sql.reserve();
  try {
    const begin = tx`BEGIN`.execute();
    const scope = tx`SELECT set_config('opsdeck.tenant_id', ${tenantId}, true), set_config('role', 'opsdeck_app', true)`
      .execute();
    begin.catch(() => {});
    scope.catch(() => {});
    let result: T;
    try {
      result = await fn(tx as unknown as Sql);
      await begin;
      await scope;
    } catch (error) {
      await tx`ROLLBACK`.catch(() => {});
      // If opening or scoping failed, that is the real cause of whatever fn then hit.
      await begin;
      await scope;
      throw error;
    }
    await tx`COMMIT`;
    return result;
  } finally {
    tx.release();
  }
}
