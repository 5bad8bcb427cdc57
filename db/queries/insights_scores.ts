/**
 * Ops score inputs, one row per project of a tenant for one period, in one
 * statement (the worker scores 1,000 projects a period at a time), and the
 * stored scores (efficiency_metrics). Coverage and flapping are the checks'
 * state when the period is computed; everything else is counted inside the
 * period [from, to).
 */
import type postgres from "postgres";
import type { Sql } from "../client.ts";
import type { Component, ComponentName, ScoreInputs } from "../../services/insights/score_formula.ts";

export type ProjectInputs = ScoreInputs & { project_id: string; client_id: string | null };

/** The inputs that are the checks' state rather than a count over the period. */
export type CheckState = Pick<
  ScoreInputs,
  "checks" | "flapping_checks" | "covered_checks" | "heartbeats" | "bounded_heartbeats"
>;
export type PeriodInputs = Omit<ProjectInputs, keyof CheckState>;

/** Per project with checks, the checks' state now (read once per pass, whatever the number of periods). */
export async function checkStateByProject(sql: Sql, tenantId: string): Promise<Map<string, CheckState>> {
  const rows = await sql<(CheckState & { project_id: string })[]>`
    WITH
    c AS (
      SELECT hc.id, hc.project_id, hc.type, hc.flapping,
             (hc.min_duration_ms IS NOT NULL OR hc.max_duration_ms IS NOT NULL) AS bounded,
             EXISTS (
               SELECT 1 FROM alert_rules r
               WHERE r.tenant_id = hc.tenant_id AND r.enabled
                 AND r.kind = CASE WHEN hc.type = 'heartbeat' THEN 'heartbeat_missed' ELSE 'check_down' END
                 AND (r.project_id IS NULL OR r.project_id = hc.project_id)
                 AND (r.check_id IS NULL OR r.check_id = hc.id)
             ) AND EXISTS (
               SELECT 1 FROM notification_rules n
               JOIN notification_channels ch ON ch.tenant_id = n.tenant_id AND ch.id = n.channel_id
               WHERE n.tenant_id = hc.tenant_id AND n.enabled AND NOT ch.broken
                 AND (n.project_id IS NULL OR n.project_id = hc.project_id)
                 AND (n.check_id IS NULL OR n.check_id = hc.id)
                 AND n.event_types && ARRAY['alert.triggered', 'health_check.down', 'heartbeat.missed']::text[]
             ) AS covered
      FROM health_checks hc
      WHERE hc.tenant_id = ${tenantId} AND NOT hc.paused
    ),
    cs AS (
      SELECT project_id, count(*)::int AS checks, count(*) FILTER (WHERE flapping)::int AS flapping_checks,
             count(*) FILTER (WHERE covered)::int AS covered_checks,
             count(*) FILTER (WHERE type = 'heartbeat')::int AS heartbeats,
             count(*) FILTER (WHERE type = 'heartbeat' AND bounded)::int AS bounded_heartbeats
      FROM c GROUP BY project_id
    )
    SELECT * FROM cs`;
  return new Map(rows.map(({ project_id, ...state }) => [project_id, state]));
}

/**
 * Per period and project of the tenant (archived ones left out), the additive
 * inputs of services/insights/score_formula.ts, for every period in one
 * statement: each row is read once and counted in every period it falls in
 * (a day is in one week and one month). `i` is the period's index in `periods`.
 */
export async function scoreInputsByPeriod(
  sql: Sql,
  tenantId: string,
  periods: { start: Date; stop: Date }[],
): Promise<(PeriodInputs & { i: number })[]> {
  if (periods.length === 0) return [];
  const from = new Date(Math.min(...periods.map((p) => p.start.getTime())));
  const to = new Date(Math.max(...periods.map((p) => p.stop.getTime())));
  return await sql<(PeriodInputs & { i: number })[]>`
    WITH per AS (
      SELECT (x.i - 1)::int AS i, x.start, x.stop
      FROM unnest(${periods.map((p) => p.start.toISOString())}::timestamptz[],
                  ${periods.map((p) => p.stop.toISOString())}::timestamptz[]) WITH ORDINALITY AS x(start, stop, i)
    ),
    p AS (
      SELECT id, client_id FROM projects WHERE tenant_id = ${tenantId} AND archived_at IS NULL
    ),
    up AS (
      SELECT per.i, hc.project_id, sum(d.up + d.degraded)::float8 AS results_up, sum(d.total)::float8 AS results_total
      FROM check_results_daily d
      JOIN health_checks hc ON hc.tenant_id = d.tenant_id AND hc.id = d.check_id
      JOIN per ON d.bucket >= per.start AND d.bucket < per.stop
      WHERE d.tenant_id = ${tenantId} AND d.bucket >= ${from} AND d.bucket < ${to}
      GROUP BY per.i, hc.project_id
    ),
    al AS (
      SELECT per.i, a.project_id,
        count(*) FILTER (WHERE a.triggered_at >= per.start)::int AS alerts,
        count(*) FILTER (WHERE a.triggered_at >= per.start AND a.acknowledged_at IS NOT NULL)::int AS acked,
        coalesce(sum(extract(epoch FROM a.acknowledged_at - a.triggered_at))
          FILTER (WHERE a.triggered_at >= per.start AND a.acknowledged_at IS NOT NULL), 0)::float8 AS ack_seconds,
        count(*) FILTER (WHERE a.resolved_at >= per.start AND a.resolved_at < per.stop)::int AS resolved,
        coalesce(sum(extract(epoch FROM a.resolved_at - a.triggered_at))
          FILTER (WHERE a.resolved_at >= per.start AND a.resolved_at < per.stop), 0)::float8 AS resolve_seconds,
        count(*) FILTER (WHERE a.triggered_at >= per.start AND a.acknowledged_at IS NULL
          AND a.resolved_at <= a.triggered_at + interval '5 minutes')::int AS short_alerts,
        count(*) FILTER (WHERE a.resolved_at >= per.start AND a.resolved_at < per.stop AND a.acknowledged_at IS NULL)::int
          AS auto_resolved_alerts
      FROM alerts a
      JOIN per ON (a.triggered_at >= per.start OR a.resolved_at >= per.start) AND a.triggered_at < per.stop
      WHERE a.tenant_id = ${tenantId} AND a.project_id IS NOT NULL AND a.triggered_at < ${to}
        AND (a.triggered_at >= ${from} OR a.resolved_at >= ${from})
      GROUP BY per.i, a.project_id
    ),
    dep AS (
      SELECT per.i, r.project_id, sum(r.succeeded + r.rolled_back)::int AS deployments,
             sum(r.failed + r.rolled_back)::int AS failures,
             sum(r.succeeded + r.failed + r.rolled_back)::int AS finished
      FROM deployment_daily r
      JOIN per ON r.day >= (per.start AT TIME ZONE 'UTC')::date AND (r.day::timestamp AT TIME ZONE 'UTC') < per.stop
      WHERE r.tenant_id = ${tenantId} AND r.day >= (${from}::timestamptz AT TIME ZONE 'UTC')::date
      GROUP BY per.i, r.project_id
    ),
    ev AS (
      SELECT per.i, e.project_id, count(*)::int AS held_back_events
      FROM events e JOIN per ON e.created_at >= per.start AND e.created_at < per.stop
      WHERE e.tenant_id = ${tenantId} AND e.created_at >= ${from} AND e.created_at < ${to}
        AND e.project_id IS NOT NULL AND e.payload ? 'held_back'
      GROUP BY per.i, e.project_id
    ),
    dg AS (
      SELECT per.i, e.project_id, count(*)::int AS digested_notifications
      FROM notification_deliveries nd
      JOIN events e ON e.tenant_id = nd.tenant_id AND e.id = nd.event_id
      JOIN per ON nd.created_at >= per.start AND nd.created_at < per.stop
      WHERE nd.tenant_id = ${tenantId} AND nd.mode = 'digest' AND nd.digest_id IS NOT NULL AND nd.digest_id <> nd.id
        AND nd.created_at >= ${from} AND nd.created_at < ${to} AND e.project_id IS NOT NULL
      GROUP BY per.i, e.project_id
    )
    SELECT per.i, p.id AS project_id, p.client_id,
      coalesce(up.results_up, 0) AS results_up, coalesce(up.results_total, 0) AS results_total,
      coalesce(al.acked, 0) AS acked, coalesce(al.ack_seconds, 0) AS ack_seconds,
      coalesce(al.resolved, 0) AS resolved, coalesce(al.resolve_seconds, 0) AS resolve_seconds,
      coalesce(dep.deployments, 0) AS deployments, coalesce(dep.failures, 0) AS failures,
      coalesce(dep.finished, 0) AS finished,
      coalesce(al.alerts, 0) AS alerts, coalesce(al.short_alerts, 0) AS short_alerts,
      coalesce(ev.held_back_events, 0) AS held_back_events,
      coalesce(al.auto_resolved_alerts, 0) AS auto_resolved_alerts,
      coalesce(dg.digested_notifications, 0) AS digested_notifications,
      0 AS days
    FROM per CROSS JOIN p
    LEFT JOIN up ON up.i = per.i AND up.project_id = p.id
    LEFT JOIN al ON al.i = per.i AND al.project_id = p.id
    LEFT JOIN dep ON dep.i = per.i AND dep.project_id = p.id
    LEFT JOIN ev ON ev.i = per.i AND ev.project_id = p.id
    LEFT JOIN dg ON dg.i = per.i AND dg.project_id = p.id`;
}

export interface StoredScore {
  scope_type: "project" | "client";
  scope_id: string;
  period: "week" | "month";
  period_start: string;
  period_end: string;
  score: number | null;
  components: Record<ComponentName, Component>;
  inputs: Record<string, number>;
  time_saved_hours: number;
  active_tools_count: number;
  formula_version: number;
  final: boolean;
  computed_at: Date;
}

/** Each project's uptime target: the strictest project-wide SLA target of its signed or active SOWs (docs/sla.md). */
export async function uptimeTargetsByProject(sql: Sql, tenantId: string): Promise<Map<string, number>> {
  const rows = await sql<{ project_id: string; target: number }[]>`
    SELECT t.project_id, max(t.uptime_percent)::float8 AS target
    FROM sla_targets t JOIN sows s ON s.tenant_id = t.tenant_id AND s.id = t.sow_id
    WHERE t.tenant_id = ${tenantId} AND t.check_id IS NULL AND s.status IN ('signed', 'active')
    GROUP BY t.project_id`;
  return new Map(rows.map((r) => [r.project_id, r.target]));
}

/**
 * Stores scores; a row already final is left as it is, so history computed
 * under an older formula stays what it was. One statement per 1,000 rows,
 * passed as one JSON parameter.
 */
export async function upsertScores(sql: Sql, tenantId: string, rows: StoredScore[]): Promise<number> {
  let stored = 0;
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const result = await sql`
      INSERT INTO efficiency_metrics (tenant_id, scope_type, scope_id, period, period_start, period_end, score,
        components, inputs, time_saved_hours, active_tools_count, formula_version, final, computed_at)
      SELECT ${tenantId}, x.scope_type, x.scope_id, x.period, x.period_start, x.period_end, x.score, x.components,
        x.inputs, x.time_saved_hours, x.active_tools_count, x.formula_version, x.final, x.computed_at
      FROM jsonb_to_recordset(${sql.json(chunk as unknown as postgres.JSONValue)}) AS x(
        scope_type text, scope_id uuid, period text, period_start date, period_end date, score int,
        components jsonb, inputs jsonb, time_saved_hours numeric, active_tools_count int, formula_version int,
        final boolean, computed_at timestamptz)
      ON CONFLICT (tenant_id, scope_type, scope_id, period, period_start) DO UPDATE SET
        score = excluded.score, components = excluded.components, inputs = excluded.inputs,
        time_saved_hours = excluded.time_saved_hours, active_tools_count = excluded.active_tools_count,
        formula_version = excluded.formula_version, final = excluded.final, computed_at = excluded.computed_at,
        period_end = excluded.period_end
      WHERE NOT efficiency_metrics.final`;
    stored += result.count;
  }
  return stored;
}

const SELECT = (sql: Sql) =>
  sql`scope_type, scope_id, period, period_start::text, period_end::text, score, components, inputs,
      time_saved_hours::float8 AS time_saved_hours, active_tools_count, formula_version, final, computed_at`;

/** A scope's history of one period kind, oldest first. */
export async function scoreHistory(
  sql: Sql,
  tenantId: string,
  scopeType: "project" | "client",
  scopeId: string,
  period: "week" | "month",
  limit: number,
): Promise<StoredScore[]> {
  const rows = await sql<StoredScore[]>`
    SELECT ${SELECT(sql)} FROM efficiency_metrics
    WHERE tenant_id = ${tenantId} AND scope_type = ${scopeType} AND scope_id = ${scopeId} AND period = ${period}
    ORDER BY period_start DESC LIMIT ${limit}`;
  return rows.reverse();
}

export type LeagueRow = StoredScore & { name: string; client_name: string | null };

/** Every scope's latest score of one period kind, best first (client users: their client and its projects). */
export async function league(
  sql: Sql,
  tenantId: string,
  period: "week" | "month",
  clientId: string | null,
): Promise<LeagueRow[]> {
  return await sql<LeagueRow[]>`
    WITH latest AS (
      SELECT max(period_start) AS start FROM efficiency_metrics WHERE tenant_id = ${tenantId} AND period = ${period}
    )
    SELECT ${SELECT(sql)}, coalesce(p.name, cl.name) AS name, pc.name AS client_name
    FROM efficiency_metrics m
    JOIN latest ON m.period_start = latest.start
    LEFT JOIN projects p ON m.scope_type = 'project' AND p.tenant_id = m.tenant_id AND p.id = m.scope_id
    LEFT JOIN clients pc ON pc.tenant_id = m.tenant_id AND pc.id = p.client_id
    LEFT JOIN clients cl ON m.scope_type = 'client' AND cl.tenant_id = m.tenant_id AND cl.id = m.scope_id
    WHERE m.tenant_id = ${tenantId} AND m.period = ${period}
      AND (p.id IS NOT NULL OR cl.id IS NOT NULL)
      ${clientId ? sql`AND coalesce(p.client_id, cl.id) = ${clientId}` : sql``}
    ORDER BY m.score DESC NULLS LAST, name`;
}

/** A client of the tenant, for the score page (client users may only ask for their own). */
export async function clientName(sql: Sql, tenantId: string, clientId: string): Promise<string | null> {
  const [row] = await sql<
    { name: string }[]
  >`SELECT name FROM clients WHERE tenant_id = ${tenantId} AND id = ${clientId}`;
  return row?.name ?? null;
}

/** Tenants with at least one project (the worker's list). */
export async function tenantsWithProjects(sql: Sql): Promise<string[]> {
  const rows = await sql<{ tenant_id: string }[]>`SELECT DISTINCT tenant_id FROM projects WHERE archived_at IS NULL`;
  return rows.map((r) => r.tenant_id);
}
