/** SLA targets on SOWs and the monthly SLA reports (00081), and what a report reads. */
import type { Sql } from "../client.ts";

export interface SlaTargetRow {
  id: string;
  project_id: string;
  sow_id: string;
  check_id: string | null;
  uptime_percent: number;
  response_p95_ms: number | null;
  first_response_hours: number | null;
  resolution_hours: number | null;
  credit_tiers: { below: number; credit_percent: number }[];
  created_at: Date;
}

export type SlaTargetFields = Omit<SlaTargetRow, "id" | "project_id" | "created_at">;

const TARGET_COLUMNS = (sql: Sql) =>
  sql`id, project_id, sow_id, check_id, uptime_percent::float8 AS uptime_percent, response_p95_ms,
    first_response_hours::float8 AS first_response_hours, resolution_hours::float8 AS resolution_hours, credit_tiers,
    created_at`;

/** Inserts for the SOW's project; undefined when the SOW is not in the tenant. */
export async function insertTarget(sql: Sql, tenantId: string, f: SlaTargetFields): Promise<SlaTargetRow | undefined> {
  const [row] = await sql<SlaTargetRow[]>`
    INSERT INTO sla_targets (tenant_id, project_id, sow_id, check_id, uptime_percent, response_p95_ms,
                             first_response_hours, resolution_hours, credit_tiers)
    SELECT ${tenantId}, s.project_id, s.id, ${f.check_id}, ${f.uptime_percent}, ${f.response_p95_ms},
           ${f.first_response_hours}, ${f.resolution_hours}, ${sql.json(f.credit_tiers as never)}
    FROM sows s WHERE s.tenant_id = ${tenantId} AND s.id = ${f.sow_id}
    RETURNING ${TARGET_COLUMNS(sql)}`;
  return row;
}

export async function getTarget(sql: Sql, tenantId: string, id: string) {
  const [row] = await sql<(SlaTargetRow & { client_id: string })[]>`
    SELECT t.id, t.project_id, t.sow_id, t.check_id, t.uptime_percent::float8 AS uptime_percent,
      t.response_p95_ms, t.first_response_hours::float8 AS first_response_hours,
      t.resolution_hours::float8 AS resolution_hours, t.credit_tiers, t.created_at, p.client_id
    FROM sla_targets t JOIN projects p ON p.tenant_id = t.tenant_id AND p.id = t.project_id
    WHERE t.tenant_id = ${tenantId} AND t.id = ${id}`;
  return row;
}

export async function deleteTarget(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`DELETE FROM sla_targets WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

/** Targets of a client's projects (all SOWs, or only signed/active ones for a report). */
export async function targetsOfClient(sql: Sql, tenantId: string, clientId: string, activeOnly: boolean) {
  return await sql<(SlaTargetRow & { project_name: string; sow_title: string; check_name: string | null })[]>`
    SELECT t.id, t.project_id, t.sow_id, t.check_id, t.uptime_percent::float8 AS uptime_percent, t.response_p95_ms,
      t.first_response_hours::float8 AS first_response_hours, t.resolution_hours::float8 AS resolution_hours,
      t.credit_tiers, t.created_at, p.name AS project_name, s.title AS sow_title, h.name AS check_name
    FROM sla_targets t
    JOIN projects p ON p.tenant_id = t.tenant_id AND p.id = t.project_id
    JOIN sows s ON s.tenant_id = t.tenant_id AND s.id = t.sow_id
    LEFT JOIN health_checks h ON h.tenant_id = t.tenant_id AND h.id = t.check_id
    WHERE t.tenant_id = ${tenantId} AND p.client_id = ${clientId}
      AND (NOT ${activeOnly} OR s.status IN ('signed', 'active'))
    ORDER BY lower(p.name), t.created_at, t.id`;
}

/** Tenantless (the report worker): clients with at least one target on a signed or active SOW. */
export async function clientsWithTargets(sql: Sql) {
  return await sql<{ tenant_id: string; client_id: string; timezone: string }[]>`
    SELECT DISTINCT c.tenant_id, c.id AS client_id, c.timezone
    FROM sla_targets t
    JOIN projects p ON p.tenant_id = t.tenant_id AND p.id = t.project_id
    JOIN sows s ON s.tenant_id = t.tenant_id AND s.id = t.sow_id AND s.status IN ('signed', 'active')
    JOIN clients c ON c.tenant_id = p.tenant_id AND c.id = p.client_id`;
}

export async function clientOf(sql: Sql, tenantId: string, clientId: string) {
  const [row] = await sql<{ id: string; name: string; timezone: string }[]>`
    SELECT id, name, timezone FROM clients WHERE tenant_id = ${tenantId} AND id = ${clientId}`;
  return row;
}

export interface CheckMonth {
  check_id: string;
  project_id: string;
  total: number;
  ok: number;
  latency_histogram: number[];
  latency_min: number | null;
  latency_max: number | null;
  /** hours left out because they touch maintenance */
  excluded_hours: number;
}

/**
 * Per check of a project, its hourly roll-ups in [from, to) summed in the database, leaving out every hour that
 * overlaps `maintenance` (merged spans): 50 rows cross the wire instead of 36,000 hours of histograms.
 */
export async function checkMonths(
  sql: Sql,
  tenantId: string,
  projectId: string,
  from: Date,
  to: Date,
  maintenance: { start: Date; end: Date }[],
) {
  const spans = `{${maintenance.map((m) => `[${m.start.toISOString()},${m.end.toISOString()})`).join(",")}}`;
  return await sql<CheckMonth[]>`
    WITH hours AS (
      SELECT h.*, tstzrange(h.bucket, h.bucket + interval '1 hour') && ${spans}::tstzmultirange AS excluded
      FROM check_results_hourly h
      JOIN health_checks c ON c.tenant_id = h.tenant_id AND c.id = h.check_id AND c.project_id = ${projectId}
      WHERE h.tenant_id = ${tenantId} AND h.bucket >= ${from} AND h.bucket < ${to}
    )
    SELECT check_id, ${projectId}::uuid AS project_id,
      coalesce(sum(total) FILTER (WHERE NOT excluded), 0)::int AS total,
      coalesce(sum(up + degraded) FILTER (WHERE NOT excluded), 0)::int AS ok,
      opsdeck_histogram_sum(latency_histogram) FILTER (WHERE NOT excluded) AS latency_histogram,
      min(latency_min) FILTER (WHERE NOT excluded) AS latency_min,
      max(latency_max) FILTER (WHERE NOT excluded) AS latency_max,
      count(*) FILTER (WHERE excluded)::int AS excluded_hours
    FROM hours GROUP BY check_id`;
}

export async function changeRequestsIn(sql: Sql, tenantId: string, projectIds: string[], from: Date, to: Date) {
  return await sql<{ project_id: string; created_at: Date; decided_at: Date | null; resolved_at: Date | null }[]>`
    SELECT project_id, created_at, decided_at, resolved_at FROM change_requests
    WHERE tenant_id = ${tenantId} AND project_id = ANY(${projectIds}::uuid[])
      AND created_at >= ${from} AND created_at < ${to}`;
}

export async function deploymentsIn(sql: Sql, tenantId: string, projectIds: string[], from: Date, to: Date) {
  return await sql<{ project_id: string; total: number; failed: number }[]>`
    SELECT project_id, count(*)::int AS total, count(*) FILTER (WHERE status IN ('failed', 'rolled_back'))::int AS failed
    FROM deployments
    WHERE tenant_id = ${tenantId} AND project_id = ANY(${projectIds}::uuid[]) AND created_at >= ${from}
      AND created_at < ${to}
    GROUP BY project_id`;
}

/** Incidents (not maintenance) on the client's status pages overlapping [from, to). */
export async function clientIncidentsIn(sql: Sql, tenantId: string, clientId: string, from: Date, to: Date) {
  return await sql<{ title: string; impact: string; started_at: Date; resolved_at: Date | null }[]>`
    SELECT i.title, i.impact, i.started_at, i.resolved_at
    FROM incidents i JOIN status_pages sp ON sp.tenant_id = i.tenant_id AND sp.id = i.page_id
    WHERE i.tenant_id = ${tenantId} AND sp.client_id = ${clientId} AND i.kind = 'incident'
      AND i.started_at < ${to} AND (i.resolved_at IS NULL OR i.resolved_at >= ${from})
    ORDER BY i.started_at`;
}

/** Client users, the report's recipients. */
export async function clientContacts(sql: Sql, tenantId: string, clientId: string): Promise<string[]> {
  const rows = await sql<{ email: string }[]>`
    SELECT email FROM users WHERE tenant_id = ${tenantId} AND client_id = ${clientId} AND status = 'active'
    ORDER BY email`;
  return rows.map((r) => r.email);
}

export interface SlaReportRow {
  id: string;
  client_id: string;
  month: string;
  timezone: string;
  summary: Record<string, unknown>;
  generated_at: Date;
}

/** The lease: undefined when another process already holds (or wrote) this client's month. */
export async function claimReport(
  sql: Sql,
  tenantId: string,
  r: { clientId: string; month: string; timezone: string; now: Date },
): Promise<string | undefined> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO sla_reports (tenant_id, client_id, month, timezone, summary, pdf, csv, generated_at)
    VALUES (${tenantId}, ${r.clientId}, ${r.month}, ${r.timezone}, '{}', '', '', ${r.now})
    ON CONFLICT DO NOTHING RETURNING id`;
  return row?.id;
}

export async function fillReport(
  sql: Sql,
  tenantId: string,
  id: string,
  r: { summary: Record<string, unknown>; pdf: Uint8Array; csv: string },
): Promise<void> {
  await sql`
    UPDATE sla_reports SET summary = ${sql.json(r.summary as never)}, pdf = ${r.pdf}, csv = ${r.csv}
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

export async function listReports(sql: Sql, tenantId: string, clientId: string | null) {
  return await sql<(SlaReportRow & { client_name: string })[]>`
    SELECT r.id, r.client_id, to_char(r.month, 'YYYY-MM') AS month, r.timezone, r.summary, r.generated_at,
      c.name AS client_name
    FROM sla_reports r JOIN clients c ON c.tenant_id = r.tenant_id AND c.id = r.client_id
    WHERE r.tenant_id = ${tenantId} AND (${clientId}::uuid IS NULL OR r.client_id = ${clientId})
    ORDER BY r.month DESC, lower(c.name) LIMIT 500`;
}

export async function getReport(sql: Sql, tenantId: string, id: string) {
  const [row] = await sql<(SlaReportRow & { pdf: Uint8Array; csv: string })[]>`
    SELECT id, client_id, to_char(month, 'YYYY-MM') AS month, timezone, summary, generated_at, pdf, csv
    FROM sla_reports WHERE tenant_id = ${tenantId} AND id = ${id}`;
  return row;
}

export async function setClientTimezone(sql: Sql, tenantId: string, clientId: string, timezone: string) {
  const r = await sql`UPDATE clients SET timezone = ${timezone} WHERE tenant_id = ${tenantId} AND id = ${clientId}`;
  return r.count > 0;
}
