/**
 * The data-source worker's queues, claimed across tenants with a lease
 * (FOR UPDATE SKIP LOCKED): saved queries collected into metrics, and sources
 * whose schema is a day old.
 */
import type { Sql } from "../client.ts";

export interface DueCollection {
  id: string;
  tenant_id: string;
  collect_project_id: string;
  collect_metric_type: string;
  collect_parameters: Record<string, unknown> | null;
}

/** Pushes next_collect_at one interval ahead and takes a lease; a crashed worker's queries come back at the next. */
export async function claimDueCollections(
  sql: Sql,
  o: { now: Date; leaseSeconds: number; limit: number },
): Promise<DueCollection[]> {
  return await sql<DueCollection[]>`
    UPDATE saved_queries q
    SET next_collect_at = ${o.now}::timestamptz + make_interval(secs => q.collect_interval_seconds),
        collect_claimed_until = ${o.now}::timestamptz + make_interval(secs => ${o.leaseSeconds})
    WHERE q.id IN (
      SELECT id FROM saved_queries
      WHERE next_collect_at <= ${o.now} AND (collect_claimed_until IS NULL OR collect_claimed_until < ${o.now})
      ORDER BY next_collect_at
      LIMIT ${o.limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING q.id, q.tenant_id, q.collect_project_id, q.collect_metric_type, q.collect_parameters`;
}

export async function finishCollection(sql: Sql, tenantId: string, id: string, error: string | null): Promise<void> {
  await sql`
    UPDATE saved_queries SET collect_claimed_until = NULL, last_collect_error = ${error?.slice(0, 2000) ?? null}
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

/** Connected sources whose schema was last read a day ago (or never): claimed for a day. */
export async function claimStaleSchemas(
  sql: Sql,
  o: { now: Date; limit: number; skipKinds: string[] },
): Promise<{ id: string; tenant_id: string }[]> {
  return await sql<{ id: string; tenant_id: string }[]>`
    UPDATE data_sources s SET introspect_claimed_until = ${o.now}::timestamptz + interval '1 day'
    WHERE s.id IN (
      SELECT id FROM data_sources
      WHERE status = 'connected' AND (last_sync IS NULL OR last_sync < ${o.now}::timestamptz - interval '1 day')
        AND kind <> ALL(${o.skipKinds}::text[])
        AND (introspect_claimed_until IS NULL OR introspect_claimed_until < ${o.now})
      ORDER BY last_sync NULLS FIRST
      LIMIT ${o.limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING s.id, s.tenant_id`;
}
