/**
 * DORA figures over a window of deployments, bucketed by when they were
 * recorded (created_at: the indexed column, and a deployment finishes
 * minutes after it is recorded). Only finished outcomes count:
 * succeeded, failed and rolled_back (a rolled-back deployment went out and
 * was then reverted: it is a deployment and a failure).
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
  lead_time_median: number | null;
  lead_time_p90: number | null;
  restore_samples: number;
  restore_median: number | null;
}

/** The window's deployments, as a reusable fragment (deployments_created_idx, or _project_env_idx with a project). */
const windowed = (sql: Sql, s: MetricsScope) =>
  sql`
    SELECT d.project_id, d.environment, d.status, d.committed_at, d.created_at,
           coalesce(d.finished_at, d.created_at) AS done_at
    FROM deployments d
    ${s.clientId ? sql`JOIN projects p ON p.tenant_id = d.tenant_id AND p.id = d.project_id` : sql``}
    WHERE d.tenant_id = ${s.tenantId} AND d.created_at >= ${s.since} AND d.created_at < ${s.until}
      AND d.status IN ('succeeded', 'failed', 'rolled_back')
      ${s.projectId ? sql`AND d.project_id = ${s.projectId}` : sql``}
      ${s.environment ? sql`AND d.environment = ${s.environment}` : sql``}
      ${s.clientId ? sql`AND p.client_id = ${s.clientId}` : sql``}`;

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

/**
 * Everything one answer needs, from one ordered pass over the window
 * (deployments_project_env_idx gives the per-environment order, so no sort):
 * - `previous`: the deployment before, so a run of failures counts once;
 * - `restored_at`: the earliest later success in the same environment (a
 *   running min over the rows after it), for time to restore; a failure not
 *   yet followed by a success in the window has no sample;
 * - lead time: commit to live, where the commit time is known.
 * The summary, the daily series and the per-project rows aggregate that pass.
 */
export async function deliveryMetricsRows(sql: Sql, s: MetricsScope): Promise<MetricsRows> {
  const [row] = await sql<
    { summary: MetricsSummaryRow; daily: DailyRow[] | null; projects: ProjectMetricsRow[] | null }[]
  >`
    WITH w AS MATERIALIZED (
      SELECT x.*,
             lead(x.status) OVER env AS previous,
             min(x.done_at) FILTER (WHERE x.status = 'succeeded')
               OVER (env ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS restored_at
      FROM (${windowed(sql, s)}) x
      WINDOW env AS (PARTITION BY x.project_id, x.environment ORDER BY x.created_at DESC)
    )
    SELECT
      (SELECT row_to_json(t) FROM (
        SELECT count(*) FILTER (WHERE status IN ('succeeded', 'rolled_back'))::int AS deployments,
               count(*) FILTER (WHERE status IN ('failed', 'rolled_back'))::int AS failures,
               count(*)::int AS finished,
               count(*) FILTER (WHERE lead_seconds IS NOT NULL)::int AS lead_time_samples,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY lead_seconds) AS lead_time_median,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY lead_seconds) AS lead_time_p90,
               count(restore_seconds)::int AS restore_samples,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY restore_seconds) AS restore_median
        FROM (
          SELECT status,
                 CASE WHEN status IN ('succeeded', 'rolled_back') AND done_at >= committed_at
                      THEN extract(epoch FROM done_at - committed_at) END AS lead_seconds,
                 CASE WHEN status IN ('failed', 'rolled_back')
                       AND (previous IS NULL OR previous NOT IN ('failed', 'rolled_back'))
                      THEN extract(epoch FROM restored_at - done_at) END AS restore_seconds
          FROM w
        ) v
      ) t) AS summary,
      (SELECT json_agg(t ORDER BY t.day) FROM (
        SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
               count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
               count(*) FILTER (WHERE status IN ('failed', 'rolled_back'))::int AS failed
        FROM w GROUP BY 1
      ) t) AS daily,
      ${
    s.projectId ? sql`NULL::json` : sql`(SELECT json_agg(t ORDER BY t.finished DESC, t.project_name) FROM (
        SELECT w.project_id, pr.name AS project_name,
               count(*) FILTER (WHERE w.status IN ('succeeded', 'rolled_back'))::int AS deployments,
               count(*) FILTER (WHERE w.status IN ('failed', 'rolled_back'))::int AS failures,
               count(*)::int AS finished
        FROM w JOIN projects pr ON pr.tenant_id = ${s.tenantId} AND pr.id = w.project_id
        GROUP BY w.project_id, pr.name ORDER BY count(*) DESC, pr.name LIMIT 200
      ) t)`
  } AS projects`;
  return { summary: row.summary, daily: row.daily ?? [], projects: row.projects ?? [] };
}
