/**
 * DORA figures over a window of deployments, bucketed by when they were
 * recorded (created_at; a deployment finishes minutes after it is recorded).
 * Only finished outcomes count: succeeded, failed and rolled_back (a
 * rolled-back deployment went out and was then reverted: it is a deployment
 * and a failure).
 *
 * Read from the rollups of db/migrations/00011_delivery_rollup.sql, kept by
 * triggers in each write's transaction: deployment_daily for the whole UTC days
 * inside the window, deployments itself for the two partial days at its edges
 * (so counts and sums are exact for any window), and deployment_restores for
 * time to restore (exact). Lead time comes back as a histogram: its
 * percentiles are estimates (services/delivery_metrics/histogram.ts).
 */
import type { Sql } from "../client.ts";

export interface MetricsScope {
  tenantId: string;
  projectId?: string;
  environment?: string;
  clientId: string | null;
  since: Date;
  until: Date;
}

export interface MetricsSummaryRow {
  deployments: number;
  failures: number;
  finished: number;
  lead_time_samples: number;
  lead_time_seconds_sum: number;
  /** Samples per opsdeck_lead_bucket(), LEAD_BUCKETS long. */
  lead_time_histogram: number[];
  restore_samples: number;
  restore_median: number | null;
}

export interface DailyRow {
  day: string;
  succeeded: number;
  failed: number;
}

export interface ProjectMetricsRow {
  project_id: string;
  project_name: string;
  deployments: number;
  failures: number;
  finished: number;
}

export interface MetricsRows {
  summary: MetricsSummaryRow;
  /** Per UTC day with deployments, oldest first. */
  daily: DailyRow[];
  /** Per project, most active first (empty when the scope is one project). */
  projects: ProjectMetricsRow[];
}

const DAY_MS = 86_400_000;
const LEAD_BUCKETS = 80;
const dayStart = (t: Date) => new Date(Math.floor(t.getTime() / DAY_MS) * DAY_MS);
const isoDay = (t: Date) => t.toISOString().slice(0, 10);

/** The window's whole UTC days [from, to), read from the rollups; the partial days at both ends come from deployments. */
function wholeDays(s: MetricsScope) {
  const from = new Date(dayStart(s.since).getTime() + DAY_MS);
  const to = dayStart(s.until);
  return from < to ? { from: isoDay(from), to: isoDay(to), fromAt: from, toAt: to } : null;
}

/** The scope's conditions on a table aliased `alias` with project_id and environment (`p`: the client join). */
function scoped(sql: Sql, s: MetricsScope, alias: string) {
  return sql`${s.projectId ? sql`AND ${sql(alias)}.project_id = ${s.projectId}` : sql``}
    ${s.environment ? sql`AND ${sql(alias)}.environment = ${s.environment}` : sql``}
    ${s.clientId ? sql`AND p.client_id = ${s.clientId}` : sql``}`;
}

function clientJoin(sql: Sql, s: MetricsScope, alias: string) {
  return s.clientId
    ? sql`JOIN projects p ON p.tenant_id = ${sql(alias)}.tenant_id AND p.id = ${sql(alias)}.project_id`
    : sql``;
}

/**
 * The window as per-(project, UTC day) counts with one shape: deployment_daily
 * rows for the whole days (deployment_daily_tenant_day_idx, or its primary key
 * with a project), one row per finished deployment for the partial first and
 * last days (deployments_created_idx / _project_env_idx), which also carries
 * its lead time bucket `b`.
 */
function parts(sql: Sql, s: MetricsScope) {
  const days = wholeDays(s);
  const edges = days
    ? sql`(d.created_at >= ${s.since} AND d.created_at < ${days.fromAt})
          OR (d.created_at >= ${days.toAt} AND d.created_at < ${s.until})`
    : sql`d.created_at >= ${s.since} AND d.created_at < ${s.until}`;
  return sql`
    ${
    days
      ? sql`SELECT r.project_id, r.day, r.succeeded, r.failed, r.rolled_back, r.lead_samples, r.lead_seconds_sum,
             NULL::int AS b
      FROM deployment_daily r ${clientJoin(sql, s, "r")}
      WHERE r.tenant_id = ${s.tenantId} AND r.day >= ${days.from}::date AND r.day < ${days.to}::date ${
        scoped(sql, s, "r")
      }
      UNION ALL`
      : sql``
  }
    SELECT x.project_id, x.day, (x.status = 'succeeded')::int, (x.status = 'failed')::int,
           (x.status = 'rolled_back')::int, (x.lead IS NOT NULL)::int, coalesce(x.lead, 0), opsdeck_lead_bucket(x.lead)
    FROM (
      SELECT d.project_id, (d.created_at AT TIME ZONE 'UTC')::date AS day, d.status,
             CASE WHEN d.status IN ('succeeded', 'rolled_back')
                   AND coalesce(d.finished_at, d.created_at) >= d.committed_at
                  THEN extract(epoch FROM coalesce(d.finished_at, d.created_at) - d.committed_at)::float8 END AS lead
      FROM deployments d ${clientJoin(sql, s, "d")}
      WHERE d.tenant_id = ${s.tenantId} AND (${edges})
        AND d.status IN ('succeeded', 'failed', 'rolled_back') ${scoped(sql, s, "d")}
    ) x`;
}

/**
 * The whole days' lead time histograms: organisation-wide from
 * deployment_daily_totals (one row per environment and day), narrower scopes
 * (a project, a client user's projects) from deployment_daily.
 */
function histograms(sql: Sql, s: MetricsScope) {
  const days = wholeDays(s);
  if (!days) return sql`SELECT NULL::int[] AS h WHERE false`;
  if (!s.projectId && !s.clientId) {
    return sql`SELECT t.lead_histogram AS h FROM deployment_daily_totals t
      WHERE t.tenant_id = ${s.tenantId} AND t.day >= ${days.from}::date AND t.day < ${days.to}::date
        ${s.environment ? sql`AND t.environment = ${s.environment}` : sql``}`;
  }
  return sql`SELECT r.lead_histogram AS h FROM deployment_daily r ${clientJoin(sql, s, "r")}
    WHERE r.tenant_id = ${s.tenantId} AND r.day >= ${days.from}::date AND r.day < ${days.to}::date ${
    scoped(sql, s, "r")
  }`;
}

/** The element-wise sum of the rollup histograms `h` and the raw rows' buckets `b`. */
function histogramSum(sql: Sql) {
  return Array.from(
    { length: LEAD_BUCKETS },
    (_, i) =>
      sql`${i ? sql`,` : sql``} coalesce(sum(coalesce(hb.h[${i + 1}::int], (hb.b = ${i + 1}::int)::int)), 0)::int`,
  );
}

/**
 * Everything one answer needs in one statement: the summary, the daily series
 * and the per-project rows aggregate the window's parts; the restore samples
 * are the window's rows of deployment_restores (runs of failures whose first
 * failure was recorded in the window).
 */
export async function deliveryMetricsRows(sql: Sql, s: MetricsScope): Promise<MetricsRows> {
  const [row] = await sql<
    {
      summary: Omit<MetricsSummaryRow, "restore_samples" | "restore_median">;
      restore: Pick<MetricsSummaryRow, "restore_samples" | "restore_median">;
      daily: DailyRow[] | null;
      projects: ProjectMetricsRow[] | null;
    }[]
  >`
    WITH w AS MATERIALIZED (${parts(sql, s)}),
    hb AS (
      SELECT h.h, NULL::int AS b FROM (${histograms(sql, s)}) h
      UNION ALL SELECT NULL::int[], w.b FROM w WHERE w.b IS NOT NULL
    )
    SELECT
      (SELECT row_to_json(t) FROM (
        SELECT coalesce(sum(w.succeeded + w.rolled_back), 0)::int AS deployments,
               coalesce(sum(w.failed + w.rolled_back), 0)::int AS failures,
               coalesce(sum(w.succeeded + w.failed + w.rolled_back), 0)::int AS finished,
               coalesce(sum(w.lead_samples), 0)::int AS lead_time_samples,
               coalesce(sum(w.lead_seconds_sum), 0)::float8 AS lead_time_seconds_sum,
               (SELECT ARRAY[${histogramSum(sql)}] FROM hb) AS lead_time_histogram
        FROM w
      ) t) AS summary,
      (SELECT row_to_json(t) FROM (
        SELECT count(*)::int AS restore_samples,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY r.seconds) AS restore_median
        FROM deployment_restores r ${
    s.clientId ? sql`JOIN projects p ON p.tenant_id = r.tenant_id AND p.id = r.project_id` : sql``
  }
        WHERE r.tenant_id = ${s.tenantId} AND r.created_at >= ${s.since} AND r.created_at < ${s.until}
          ${s.projectId ? sql`AND r.project_id = ${s.projectId}` : sql``}
          ${s.environment ? sql`AND r.environment = ${s.environment}` : sql``}
          ${s.clientId ? sql`AND p.client_id = ${s.clientId}` : sql``}
      ) t) AS restore,
      (SELECT json_agg(t ORDER BY t.day) FROM (
        SELECT w.day::text AS day, sum(w.succeeded)::int AS succeeded, sum(w.failed + w.rolled_back)::int AS failed
        FROM w GROUP BY w.day
      ) t) AS daily,
      ${
    s.projectId ? sql`NULL::json` : sql`(SELECT json_agg(t ORDER BY t.finished DESC, t.project_name) FROM (
        SELECT w.project_id, pr.name AS project_name,
               sum(w.succeeded + w.rolled_back)::int AS deployments,
               sum(w.failed + w.rolled_back)::int AS failures,
               sum(w.succeeded + w.failed + w.rolled_back)::int AS finished
        FROM w JOIN projects pr ON pr.tenant_id = ${s.tenantId} AND pr.id = w.project_id
        GROUP BY w.project_id, pr.name
        ORDER BY sum(w.succeeded + w.failed + w.rolled_back) DESC, pr.name LIMIT 200
      ) t)`
  } AS projects`;
  return { summary: { ...row.summary, ...row.restore }, daily: row.daily ?? [], projects: row.projects ?? [] };
}
