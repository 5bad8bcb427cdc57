/**
 * The fixed shapes a widget may read from Opsdeck's own data. Each is one
 * read over the tenant's rows, narrowed to a client's projects when a client
 * user (or a client's share) is looking; none takes SQL from the caller.
 */
import type { Sql } from "../client.ts";

export interface DataScope {
  tenantId: string;
  /** Set: only this client's projects. */
  clientId: string | null;
  projectId: string | null;
  environment: string | null;
  from: Date;
  to: Date;
  /** Buckets of an hour (ranges up to a day) or a day. */
  hourly: boolean;
  metric: string | null;
  limit: number;
}

export type Cell = string | number | null;
export interface Table {
  columns: string[];
  rows: Cell[][];
}

/** Projects the scope may read, as a condition on `alias`.project_id. */
function projects(sql: Sql, s: DataScope, alias: string) {
  const col = sql(`${alias}.project_id`);
  return sql`${col} IN (SELECT p.id FROM projects p WHERE p.tenant_id = ${s.tenantId}
    ${s.clientId ? sql`AND p.client_id = ${s.clientId}` : sql``}
    ${s.projectId ? sql`AND p.id = ${s.projectId}` : sql``})`;
}

const bucketLabel = (s: DataScope) => s.hourly ? "YYYY-MM-DD HH24:00" : "YYYY-MM-DD";

function table(columns: string[], rows: Record<string, unknown>[]): Table {
  return {
    columns,
    rows: rows.map((r) => columns.map((c) => (r[c] ?? null) as Cell)),
  };
}

export async function checksByStatus(sql: Sql, s: DataScope): Promise<Table> {
  const rows = await sql`
    SELECT h.status, count(*)::int AS checks FROM health_checks h
    WHERE h.tenant_id = ${s.tenantId} AND ${projects(sql, s, "h")}
    GROUP BY h.status ORDER BY h.status`;
  return table(["status", "checks"], rows);
}

export async function checkList(sql: Sql, s: DataScope): Promise<Table> {
  const rows = await sql`
    SELECT h.name AS check, h.status, to_char(h.last_checked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS last_checked
    FROM health_checks h
    WHERE h.tenant_id = ${s.tenantId} AND ${projects(sql, s, "h")}
    ORDER BY CASE h.status WHEN 'down' THEN 0 WHEN 'degraded' THEN 1 WHEN 'unknown' THEN 2 ELSE 3 END, h.name
    LIMIT ${s.limit}`;
  return table(["check", "status", "last_checked"], rows);
}

const rollup = (sql: Sql, s: DataScope) => sql(s.hourly ? "check_results_hourly" : "check_results_daily");

/**
 * The roll-up rows a series over checks sums, aliased `r`: per project and day
 * (00140) for daily buckets, so a month over 2,000 checks is (projects × 30)
 * rows instead of 60,000; per check and hour for hourly ones (a day at most).
 */
function seriesRows(sql: Sql, s: DataScope) {
  const range = sql`r.tenant_id = ${s.tenantId} AND r.bucket >= ${s.from} AND r.bucket < ${s.to}`;
  return s.hourly
    ? sql`check_results_hourly r JOIN health_checks h ON h.tenant_id = r.tenant_id AND h.id = r.check_id
          WHERE ${range} AND ${projects(sql, s, "h")}`
    : sql`check_results_project_daily r WHERE ${range} AND ${projects(sql, s, "r")}`;
}

export async function uptimeSeries(sql: Sql, s: DataScope): Promise<Table> {
  const rows = await sql`
    SELECT to_char(r.bucket AT TIME ZONE 'UTC', ${bucketLabel(s)}) AS bucket,
           round(100.0 * sum(r.up + r.degraded) / nullif(sum(r.total), 0), 2)::float8 AS uptime
    FROM ${seriesRows(sql, s)}
    GROUP BY 1 ORDER BY 1`;
  return table(["bucket", "uptime"], rows);
}

export async function uptimeByCheck(sql: Sql, s: DataScope): Promise<Table> {
  const rows = await sql`
    SELECT h.name AS check,
           round(100.0 * sum(r.up + r.degraded) / nullif(sum(r.total), 0), 2)::float8 AS uptime
    FROM ${rollup(sql, s)} r JOIN health_checks h ON h.tenant_id = r.tenant_id AND h.id = r.check_id
    WHERE r.tenant_id = ${s.tenantId} AND r.bucket >= ${s.from} AND r.bucket < ${s.to} AND ${projects(sql, s, "h")}
    GROUP BY h.id, h.name ORDER BY 2 NULLS LAST, 1 LIMIT ${s.limit}`;
  return table(["check", "uptime"], rows);
}

export async function latencySeries(sql: Sql, s: DataScope): Promise<Table> {
  const rows = await sql`
    SELECT to_char(r.bucket AT TIME ZONE 'UTC', ${bucketLabel(s)}) AS bucket,
           round(sum(r.latency_sum)::numeric / nullif(sum(r.latency_count), 0))::float8 AS latency_ms
    FROM ${seriesRows(sql, s)}
    GROUP BY 1 ORDER BY 1`;
  return table(["bucket", "latency_ms"], rows);
}

const deploymentsWhere = (sql: Sql, s: DataScope) =>
  sql`d.tenant_id = ${s.tenantId} AND d.created_at >= ${s.from} AND d.created_at < ${s.to}
      AND ${projects(sql, s, "d")} ${s.environment ? sql`AND d.environment = ${s.environment}` : sql``}`;

export async function deploymentsSeries(sql: Sql, s: DataScope): Promise<Table> {
  const rows = await sql`
    SELECT to_char(date_trunc(${s.hourly ? "hour" : "day"}, d.created_at AT TIME ZONE 'UTC'), ${
    bucketLabel(s)
  }) AS bucket,
           count(*) FILTER (WHERE d.status = 'succeeded')::int AS succeeded,
           count(*) FILTER (WHERE d.status IN ('failed', 'rolled_back'))::int AS failed,
           count(*) FILTER (WHERE d.status NOT IN ('succeeded', 'failed', 'rolled_back'))::int AS other
    FROM deployments d WHERE ${deploymentsWhere(sql, s)}
    GROUP BY 1 ORDER BY 1`;
  return table(["bucket", "succeeded", "failed", "other"], rows);
}

export async function deploymentsByStatus(sql: Sql, s: DataScope): Promise<Table> {
  const rows = await sql`
    SELECT d.status, count(*)::int AS deployments FROM deployments d WHERE ${deploymentsWhere(sql, s)}
    GROUP BY d.status ORDER BY d.status`;
  return table(["status", "deployments"], rows);
}

export async function alertsBySeverity(sql: Sql, s: DataScope): Promise<Table> {
  const rows = await sql`
    SELECT a.severity, count(*)::int AS alerts FROM alerts a
    WHERE a.tenant_id = ${s.tenantId} AND a.triggered_at >= ${s.from} AND a.triggered_at < ${s.to}
      AND (${projects(sql, s, "a")} OR (a.project_id IS NULL AND ${s.clientId === null && s.projectId === null}))
    GROUP BY a.severity ORDER BY a.severity`;
  return table(["severity", "alerts"], rows);
}

export async function metricSeries(sql: Sql, s: DataScope): Promise<Table> {
  const rows = await sql`
    SELECT to_char(date_trunc(${s.hourly ? "hour" : "day"}, m.recorded_at AT TIME ZONE 'UTC'), ${
    bucketLabel(s)
  }) AS bucket,
           avg(m.value)::float8 AS value
    FROM metric_snapshots m
    WHERE m.tenant_id = ${s.tenantId} AND m.type = ${s.metric ?? ""} AND m.recorded_at >= ${s.from}
      AND m.recorded_at < ${s.to} AND ${projects(sql, s, "m")}
    GROUP BY 1 ORDER BY 1`;
  return table(["bucket", s.metric ?? "value"], rows);
}
