/**
 * The opsdeck kind's query shapes: the only questions the built-in source
 * answers. Each is fixed SQL over Opsdeck's own tables, run in the tenant's
 * row-level-security transaction (mod.ts). Bind parameters, in order: $1 the
 * tenant, $2 the caller's client (NULL: every client), then the shape's
 * parameters (NULL when the saved query does not declare one: the default
 * written in `note`). No user text becomes SQL: a saved query names a shape and
 * declares which of its parameters it sets.
 */
import type { Parameter } from "../../parameters.ts";
import type { Column } from "../types.ts";

export interface ShapeParameter extends Parameter {
  required?: true;
  /** What it does, and what an undeclared one means. */
  note: string;
}

export interface Shape {
  name: string;
  description: string;
  parameters: ShapeParameter[];
  columns: Column[];
  sql: string;
}

const from: ShapeParameter = { name: "from", type: "timestamp", note: "start (inclusive); default: a day before to" };
const to: ShapeParameter = { name: "to", type: "timestamp", note: "end (exclusive); default: now" };
const project: ShapeParameter = { name: "project", type: "text", note: "a project's slug or name; default: all" };
// $3 and $4 are always from and to
const FROM = "coalesce($3::timestamptz, coalesce($4::timestamptz, now()) - interval '1 day')";
const TO = "coalesce($4::timestamptz, now())";
/** A client user's rows only: the project's client is theirs (a row without a project is nobody's client's). */
const CLIENT = "($2::uuid IS NULL OR p.client_id = $2::uuid)";
const PROJECT = (n: number) => `($${n}::text IS NULL OR $${n}::text IN (p.slug, p.name))`;
const PROJECTS = "JOIN projects p ON p.tenant_id = $1::uuid AND p.id";

const col = (name: string, type: string): Column => ({ name, type });

export const SHAPES: Shape[] = [
  {
    name: "checks_uptime",
    description: "Each check's results and uptime over whole UTC days of the daily roll-up",
    parameters: [from, to, project],
    columns: [
      col("check_id", "uuid"),
      col("check", "text"),
      col("project", "text"),
      col("results", "integer"),
      col("up", "integer"),
      col("down", "integer"),
      col("degraded", "integer"),
      col("uptime_percent", "number"),
    ],
    sql: `
      SELECT c.id AS check_id, c.name AS check, p.name AS project, coalesce(sum(d.total), 0)::int AS results,
        coalesce(sum(d.up), 0)::int AS up, coalesce(sum(d.down), 0)::int AS down,
        coalesce(sum(d.degraded), 0)::int AS degraded,
        round(100.0 * sum(d.up + d.degraded) / nullif(sum(d.total), 0), 3)::float8 AS uptime_percent
      FROM health_checks c ${PROJECTS} = c.project_id
      LEFT JOIN check_results_daily d ON d.tenant_id = c.tenant_id AND d.check_id = c.id
        AND d.bucket >= date_trunc('day', ${FROM}) AND d.bucket < ${TO}
      WHERE c.tenant_id = $1::uuid AND ${CLIENT} AND ${PROJECT(5)}
      GROUP BY c.id, c.name, p.name ORDER BY p.name, c.name, c.id`,
  },
  {
    name: "uptime_total",
    description: "One row: uptime across all checks (or one project's) over whole UTC days; the number comes first",
    parameters: [from, to, project],
    columns: [
      col("uptime_percent", "number"),
      col("results", "integer"),
      col("up", "integer"),
      col("down", "integer"),
      col("degraded", "integer"),
    ],
    sql: `
      SELECT round(100.0 * sum(d.up + d.degraded) / nullif(sum(d.total), 0), 3)::float8 AS uptime_percent,
        coalesce(sum(d.total), 0)::int AS results, coalesce(sum(d.up), 0)::int AS up,
        coalesce(sum(d.down), 0)::int AS down, coalesce(sum(d.degraded), 0)::int AS degraded
      FROM check_results_project_daily d ${PROJECTS} = d.project_id
      WHERE d.tenant_id = $1::uuid AND ${CLIENT} AND ${PROJECT(5)}
        AND d.bucket >= date_trunc('day', ${FROM}) AND d.bucket < ${TO}`,
  },
  {
    name: "check_latency",
    description: "Response times per check and hour or day, from the hourly roll-up",
    parameters: [from, to, { name: "grain", type: "enum", values: ["hour", "day"], note: "default: hour" }, project],
    columns: [
      col("bucket", "timestamp"),
      col("check_id", "uuid"),
      col("check", "text"),
      col("project", "text"),
      col("results", "integer"),
      col("avg_ms", "number"),
      col("min_ms", "integer"),
      col("max_ms", "integer"),
    ],
    sql: `
      SELECT date_trunc(coalesce($5::text, 'hour'), h.bucket) AS bucket, c.id AS check_id, c.name AS check,
        p.name AS project, sum(h.latency_count)::int AS results,
        round(sum(h.latency_sum)::numeric / nullif(sum(h.latency_count), 0), 1)::float8 AS avg_ms,
        min(h.latency_min) AS min_ms, max(h.latency_max) AS max_ms
      FROM check_results_hourly h
      JOIN health_checks c ON c.tenant_id = h.tenant_id AND c.id = h.check_id
      ${PROJECTS} = c.project_id
      WHERE h.tenant_id = $1::uuid AND ${CLIENT} AND ${PROJECT(6)}
        AND h.bucket >= date_trunc('hour', ${FROM}) AND h.bucket < ${TO}
      GROUP BY 1, c.id, c.name, p.name ORDER BY 1, p.name, c.name, c.id`,
  },
  {
    name: "deployments",
    description: "Deployments created in the range, newest first",
    parameters: [
      from,
      to,
      project,
      { name: "environment", type: "text", note: "an environment's name; default: all" },
      {
        name: "status",
        type: "enum",
        values: ["queued", "in_progress", "succeeded", "failed", "cancelled", "rolled_back"],
        note: "default: all",
      },
    ],
    columns: [
      col("id", "uuid"),
      col("project", "text"),
      col("environment", "text"),
      col("status", "text"),
      col("commit_sha", "text"),
      col("ref", "text"),
      col("actor", "text"),
      col("created_at", "timestamp"),
      col("finished_at", "timestamp"),
      col("duration_seconds", "number"),
    ],
    sql: `
      SELECT d.id, p.name AS project, d.environment, d.status, d.commit_sha, d.ref, d.actor, d.created_at,
        d.finished_at, extract(epoch FROM d.finished_at - d.started_at)::float8 AS duration_seconds
      FROM deployments d ${PROJECTS} = d.project_id
      WHERE d.tenant_id = $1::uuid AND ${CLIENT} AND ${PROJECT(5)}
        AND ($6::text IS NULL OR d.environment = $6::text) AND ($7::text IS NULL OR d.status = $7::text)
        AND d.created_at >= ${FROM} AND d.created_at < ${TO}
      ORDER BY d.created_at DESC, d.id`,
  },
  {
    name: "alerts",
    description: "Alerts triggered in the range, newest first",
    parameters: [
      from,
      to,
      {
        name: "status",
        type: "enum",
        values: ["triggered", "acknowledged", "snoozed", "resolved"],
        note: "default: all",
      },
      { name: "severity", type: "enum", values: ["info", "warning", "critical"], note: "default: all" },
      project,
    ],
    columns: [
      col("id", "uuid"),
      col("project", "text"),
      col("summary", "text"),
      col("severity", "text"),
      col("status", "text"),
      col("value", "number"),
      col("triggered_at", "timestamp"),
      col("acknowledged_at", "timestamp"),
      col("resolved_at", "timestamp"),
    ],
    // LEFT JOIN: an alert without a project is the tenant's, so a client user (CLIENT) never sees it
    sql: `
      SELECT a.id, p.name AS project, a.summary, a.severity, a.status, a.value, a.triggered_at,
        a.acknowledged_at, a.resolved_at
      FROM alerts a LEFT ${PROJECTS} = a.project_id
      WHERE a.tenant_id = $1::uuid AND ${CLIENT} AND ($7::text IS NULL OR $7::text IN (p.slug, p.name))
        AND ($5::text IS NULL OR a.status = $5::text) AND ($6::text IS NULL OR a.severity = $6::text)
        AND a.triggered_at >= ${FROM} AND a.triggered_at < ${TO}
      ORDER BY a.triggered_at DESC, a.id`,
  },
  {
    name: "metric_series",
    description: "A metric's points per project, averaged (with min, max and count) per minute, hour or day",
    parameters: [
      from,
      to,
      { name: "metric", type: "text", required: true, note: "the metric's type, e.g. orders.count" },
      { name: "grain", type: "enum", values: ["minute", "hour", "day"], note: "default: hour" },
      project,
    ],
    columns: [
      col("bucket", "timestamp"),
      col("project", "text"),
      col("avg", "number"),
      col("min", "number"),
      col("max", "number"),
      col("points", "integer"),
    ],
    sql: `
      SELECT date_trunc(coalesce($6::text, 'hour'), m.recorded_at) AS bucket, p.name AS project,
        avg(m.value) AS avg, min(m.value) AS min, max(m.value) AS max, count(*)::int AS points
      FROM metric_snapshots m ${PROJECTS} = m.project_id
      WHERE m.tenant_id = $1::uuid AND ${CLIENT} AND ${PROJECT(7)} AND m.type = $5::text
        AND m.recorded_at >= ${FROM} AND m.recorded_at < ${TO}
      GROUP BY 1, p.name ORDER BY 1, p.name`,
  },
];

export const SHAPE_NAMES = SHAPES.map((s) => s.name);

export function shapeNamed(name: string): Shape | undefined {
  return SHAPES.find((s) => s.name === name);
}
