/** Reports, their runs (files kept for keep_days) and dashboard_events. */
import type { Sql } from "../client.ts";

export interface ReportRow {
  id: string;
  tenant_id: string;
  dashboard_id: string;
  created_by: string | null;
  name: string;
  cron: string;
  timezone: string;
  recipients: string[];
  /** Notification channels told when a run is ready (00075). */
  channel_ids: string[];
  format: "pdf" | "excel" | "csv";
  filters: Record<string, unknown>;
  keep_days: number;
  is_active: boolean;
  last_sent: Date | null;
  next_run_at: Date;
  created_at: Date;
  updated_at: Date;
}
export type ReportWrite = Pick<
  ReportRow,
  | "name"
  | "cron"
  | "timezone"
  | "recipients"
  | "channel_ids"
  | "format"
  | "filters"
  | "keep_days"
  | "is_active"
  | "next_run_at"
>;

export interface RunRow {
  id: string;
  tenant_id: string;
  report_id: string;
  trigger: "schedule" | "manual";
  status: "pending" | "sent" | "failed";
  attempts: number;
  filename: string | null;
  content_type: string | null;
  has_file: boolean;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
  expires_at: Date;
}

const reportColumns = (sql: Sql) =>
  sql`id, tenant_id, dashboard_id, created_by, name, cron, timezone, recipients, channel_ids, format, filters, keep_days,
      is_active, last_sent, next_run_at, created_at, updated_at`;
const runColumns = (sql: Sql) =>
  sql`id, tenant_id, report_id, trigger, status, attempts, filename, content_type, file IS NOT NULL AS has_file, error,
      created_at, finished_at, expires_at`;

export async function insertReport(
  sql: Sql,
  r: ReportWrite & { tenantId: string; dashboardId: string; createdBy: string; now: Date },
): Promise<ReportRow> {
  const [row] = await sql<ReportRow[]>`
    INSERT INTO reports (tenant_id, dashboard_id, created_by, name, cron, timezone, recipients, channel_ids, format,
                         filters, keep_days, is_active, next_run_at, created_at, updated_at)
    VALUES (${r.tenantId}, ${r.dashboardId}, ${r.createdBy}, ${r.name}, ${r.cron}, ${r.timezone}, ${r.recipients},
            ${r.channel_ids}::uuid[], ${r.format}, ${
    sql.json(r.filters as never)
  }, ${r.keep_days}, ${r.is_active}, ${r.next_run_at}, ${r.now},
            ${r.now})
    RETURNING ${reportColumns(sql)}`;
  return row;
}

export async function updateReport(sql: Sql, tenantId: string, id: string, r: ReportWrite): Promise<ReportRow> {
  const [row] = await sql<ReportRow[]>`
    UPDATE reports SET name = ${r.name}, cron = ${r.cron}, timezone = ${r.timezone}, recipients = ${r.recipients},
      channel_ids = ${r.channel_ids}::uuid[], format = ${r.format}, filters = ${
    sql.json(r.filters as never)
  }, keep_days = ${r.keep_days},
      is_active = ${r.is_active}, next_run_at = ${r.next_run_at}
    WHERE tenant_id = ${tenantId} AND id = ${id}
    RETURNING ${reportColumns(sql)}`;
  return row;
}

export async function getReport(sql: Sql, tenantId: string, id: string): Promise<ReportRow | undefined> {
  const [row] = await sql<ReportRow[]>`
    SELECT ${reportColumns(sql)} FROM reports WHERE tenant_id = ${tenantId} AND id = ${id}`;
  return row;
}

/** Which of `ids` are the tenant's notification channels (a report names them; one may be deleted since). */
export async function tenantChannelIds(sql: Sql, tenantId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await sql<{ id: string }[]>`
    SELECT id FROM notification_channels WHERE tenant_id = ${tenantId} AND id = ANY(${ids}::uuid[]) ORDER BY id`;
  return rows.map((r) => r.id);
}

export async function listReports(sql: Sql, tenantId: string, dashboardId: string): Promise<ReportRow[]> {
  return await sql<ReportRow[]>`
    SELECT ${reportColumns(sql)} FROM reports WHERE tenant_id = ${tenantId} AND dashboard_id = ${dashboardId}
    ORDER BY lower(name), id`;
}

export async function deleteReport(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`DELETE FROM reports WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

export async function insertRun(
  sql: Sql,
  r: { tenantId: string; reportId: string; trigger: "schedule" | "manual"; now: Date; expiresAt: Date },
): Promise<RunRow> {
  const [row] = await sql<RunRow[]>`
    INSERT INTO report_runs (tenant_id, report_id, trigger, created_at, expires_at)
    VALUES (${r.tenantId}, ${r.reportId}, ${r.trigger}, ${r.now}, ${r.expiresAt})
    RETURNING ${runColumns(sql)}`;
  return row;
}

export async function listRuns(sql: Sql, tenantId: string, reportId: string): Promise<RunRow[]> {
  return await sql<RunRow[]>`
    SELECT ${runColumns(sql)} FROM report_runs WHERE tenant_id = ${tenantId} AND report_id = ${reportId}
    ORDER BY created_at DESC LIMIT 100`;
}

export async function getRunFile(sql: Sql, tenantId: string, id: string) {
  const [row] = await sql<(RunRow & { file: Uint8Array | null })[]>`
    SELECT ${runColumns(sql)}, file FROM report_runs WHERE tenant_id = ${tenantId} AND id = ${id}`;
  return row;
}

/**
 * Due reports across tenants, each given a pending run and its next time in one statement; the row lock
 * (SKIP LOCKED) keeps two workers from scheduling the same report twice.
 */
export async function claimDueReports(sql: Sql, now: Date, limit: number): Promise<ReportRow[]> {
  return await sql<ReportRow[]>`
    SELECT ${reportColumns(sql)} FROM reports
    WHERE is_active AND next_run_at <= ${now}
    ORDER BY next_run_at LIMIT ${limit}
    FOR UPDATE SKIP LOCKED`;
}

export async function setNextRun(sql: Sql, id: string, next: Date) {
  await sql`UPDATE reports SET next_run_at = ${next} WHERE id = ${id}`;
}

/** Pending runs whose lease is free, leased to the caller until `until`. */
export async function leasePendingRuns(sql: Sql, now: Date, until: Date, limit: number) {
  return await sql<{ id: string; tenant_id: string; report_id: string; attempts: number; expires_at: Date }[]>`
    UPDATE report_runs r SET locked_until = ${until}, attempts = r.attempts + 1
    WHERE r.id IN (
      SELECT id FROM report_runs
      WHERE status = 'pending' AND (locked_until IS NULL OR locked_until <= ${now})
      ORDER BY created_at LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING r.id, r.tenant_id, r.report_id, r.attempts, r.expires_at`;
}

export async function finishRun(
  sql: Sql,
  tenantId: string,
  id: string,
  r: {
    status: "sent" | "failed" | "pending";
    file?: Uint8Array;
    filename?: string;
    contentType?: string;
    error?: string;
    now: Date;
  },
) {
  await sql`
    UPDATE report_runs SET status = ${r.status}, file = ${r.file ?? null}, filename = ${r.filename ?? null},
      content_type = ${r.contentType ?? null}, error = ${r.error?.slice(0, 2000) ?? null}, locked_until = NULL,
      finished_at = ${r.status === "pending" ? null : r.now}
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

export async function markSent(sql: Sql, tenantId: string, reportId: string, at: Date) {
  await sql`UPDATE reports SET last_sent = ${at} WHERE tenant_id = ${tenantId} AND id = ${reportId}`;
}

/** Retention: files past their report's keep_days go; the run stays as history. */
export async function dropExpiredFiles(sql: Sql, now: Date): Promise<number> {
  const r = await sql`UPDATE report_runs SET file = NULL WHERE file IS NOT NULL AND expires_at <= ${now}`;
  return r.count;
}

export async function insertDashboardEvent(
  sql: Sql,
  e: { tenantId: string; dashboardId: string; userId: string | null; type: string; at: Date; detail?: object },
) {
  await sql`
    INSERT INTO dashboard_events (tenant_id, dashboard_id, user_id, event_type, detail, at)
    VALUES (${e.tenantId}, ${e.dashboardId}, ${e.userId}, ${e.type}, ${sql.json((e.detail ?? {}) as never)}, ${e.at})`;
}

export async function countViews(sql: Sql, tenantId: string, dashboardId: string, since: Date): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM dashboard_events
    WHERE tenant_id = ${tenantId} AND dashboard_id = ${dashboardId} AND event_type = 'view' AND at >= ${since}`;
  return n;
}
