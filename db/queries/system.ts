import type { Sql } from "../client.ts";

export async function getServerVersion(sql: Sql): Promise<string> {
  const [row] = await sql<{ version: string }[]>`SELECT current_setting('server_version') AS version`;
  return row.version;
}

/** Totals for the overview: run inside withTenant, so row-level security counts the tenant's rows only. */
export async function countDomainRows(sql: Sql): Promise<Record<string, number>> {
  const [row] = await sql<Record<string, number>[]>`
    SELECT
      (SELECT count(*) FROM clients)::int AS clients,
      (SELECT count(*) FROM projects)::int AS projects,
      (SELECT count(*) FROM deployments)::int AS deployments,
      (SELECT count(*) FROM health_checks)::int AS health_checks,
      (SELECT count(*) FROM alerts WHERE status <> 'resolved')::int AS open_alerts`;
  return row;
}

/** A standby, or default_transaction_read_only: every write would fail with 25006. */
export async function isReadOnly(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ read_only: string }[]>`SELECT current_setting('transaction_read_only') AS read_only`;
  return row.read_only === "on";
}

export interface PoolConnectionCount {
  state: string;
  count: number;
}

/** Connections of one process (by application_name), for the pool gauges. */
export function countConnectionsByState(sql: Sql, applicationName: string): Promise<PoolConnectionCount[]> {
  return sql<PoolConnectionCount[]>`
    SELECT coalesce(state, 'unknown') AS state, count(*)::int AS count
    FROM pg_stat_activity
    WHERE application_name = ${applicationName}
    GROUP BY 1`;
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

export function listAppliedMigrations(sql: Sql, afterVersion: number, limit: number): Promise<AppliedMigration[]> {
  return sql<AppliedMigration[]>`
    SELECT version, name, checksum, applied_at
    FROM schema_migrations
    WHERE version > ${afterVersion}
    ORDER BY version
    LIMIT ${limit}`;
}
