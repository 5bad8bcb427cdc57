/**
 * Health check definitions and their current state (health_checks, 00004 +
 * 00012). The scheduler's claim/lease columns are SCHED's
 * (db/queries/check_scheduler.ts); these queries only read them and, for
 * "run now", pause and resume, move next_run_at and drop a lease.
 */
import type { Sql } from "../client.ts";

export const CHECK_TYPES = ["http", "tcp", "heartbeat"] as const;
export type CheckType = typeof CHECK_TYPES[number];
export const CHECK_STATUSES = ["unknown", "up", "down", "degraded"] as const;
export type CheckStatus = typeof CHECK_STATUSES[number];
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export interface HealthCheckRow extends HealthCheckDefinition {
  id: string;
  tenant_id: string;
  project_name: string;
  /** The environment's name when the check belongs to one (environment_id). */
  environment_name: string | null;
  client_id: string;
  client_name: string;
  cert_expires_at: Date | null;
  status: CheckStatus;
  consecutive_failures: number;
  last_checked_at: Date | null;
  last_ping_at: Date | null;
  last_start_at: Date | null;
  status_changed_at: Date | null;
  /** Set by the scheduler while the outcomes change too often (services/checks/transitions.ts); the status is held. */
  flapping: boolean;
  /** The last raw outcomes, one letter each (u up, d down, g degraded), newest last. */
  recent_outcomes: string;
  next_run_at: Date;
  created_at: Date;
  updated_at: Date;
  /** The newest result, raw or sealed, when there is one (opsdeck_last_check_result, db/migrations/00200). */
  last_result_at: Date | null;
  last_result_status: "up" | "down" | "degraded" | null;
  last_latency_ms: number | null;
  last_status_code: number | null;
  last_detail: string | null;
}

const columns = (sql: Sql) =>
  sql`h.id, h.tenant_id, h.project_id, p.name AS project_name, h.environment_id, e.name AS environment_name, p.client_id, c.name AS client_name, h.name, h.type,
      h.url, h.host, h.port, h.method, h.expected_status, h.keyword, h.keyword_invert, h.json_path, h.json_expected,
      h.headers, h.body, h.interval_seconds, h.grace_seconds, h.timeout_ms, h.confirmations, h.degraded_latency_ms,
      h.follow_redirects, h.verify_tls, h.cert_expiry_days, h.cert_expires_at, h.cron, h.timezone,
      h.min_duration_ms, h.max_duration_ms, h.paused, h.depends_on_id, h.public_targets_only, h.status,
      h.consecutive_failures, h.last_checked_at, h.last_ping_at, h.last_start_at, h.status_changed_at,
      h.flapping, h.recent_outcomes, h.next_run_at, h.created_at, h.updated_at,
      r.checked_at AS last_result_at, r.status AS last_result_status, r.latency_ms AS last_latency_ms, r.status_code AS last_status_code, r.detail AS last_detail`;

const joins = (sql: Sql) =>
  sql`JOIN projects p ON p.tenant_id = h.tenant_id AND p.id = h.project_id
      JOIN clients c ON c.tenant_id = p.tenant_id AND c.id = p.client_id
      LEFT JOIN project_environments e ON e.tenant_id = h.tenant_id AND e.id = h.environment_id
      LEFT JOIN LATERAL opsdeck_last_check_result(h.tenant_id, h.id) r ON true`;

/** One check; `clientId` narrows it to a client user's own client's projects. */
export async function getHealthCheck(
  sql: Sql,
  tenantId: string,
  id: string,
  options: { clientId?: string | null; forUpdate?: boolean } = {},
): Promise<HealthCheckRow | undefined> {
  const [row] = await sql<HealthCheckRow[]>`
    SELECT ${columns(sql)}
    FROM health_checks h ${joins(sql)}
    WHERE h.tenant_id = ${tenantId} AND h.id = ${id}
      ${options.clientId ? sql`AND p.client_id = ${options.clientId}` : sql``}
    ${options.forUpdate ? sql`FOR UPDATE OF h` : sql``}`;
  return row;
}

export interface HealthCheckFilter {
  projectId?: string;
  status?: CheckStatus;
  type?: CheckType;
  clientId: string | null;
  /** Keyset cursor: (created_at, id) of the previous page's last row. */
  after?: [Date, string];
  limit: number;
}

/** A page of checks, newest first, `limit + 1` rows. */
export async function listHealthChecks(sql: Sql, tenantId: string, f: HealthCheckFilter): Promise<HealthCheckRow[]> {
  return await sql<HealthCheckRow[]>`
    SELECT ${columns(sql)}
    FROM health_checks h ${joins(sql)}
    WHERE h.tenant_id = ${tenantId}
      ${f.projectId ? sql`AND h.project_id = ${f.projectId}` : sql``}
      ${f.status ? sql`AND h.status = ${f.status}` : sql``}
      ${f.type ? sql`AND h.type = ${f.type}` : sql``}
      ${f.clientId ? sql`AND p.client_id = ${f.clientId}` : sql``}
      ${f.after ? sql`AND (h.created_at, h.id) < (${f.after[0]}, ${f.after[1]}::uuid)` : sql``}
    ORDER BY h.created_at DESC, h.id DESC
    LIMIT ${f.limit + 1}`;
}

export interface BoardQuery {
  projectId?: string;
  /** An environment name, across projects ("production"), any case. */
  environment?: string;
  status?: CheckStatus | "paused";
  clientId: string | null;
}

function boardWhere(sql: Sql, tenantId: string, f: BoardQuery) {
  const status = f.status === "paused"
    ? sql`AND h.paused`
    : f.status
    ? sql`AND h.status = ${f.status} AND NOT h.paused`
    : sql``;
  return sql`
    WHERE h.tenant_id = ${tenantId} AND p.archived_at IS NULL
      ${f.projectId ? sql`AND h.project_id = ${f.projectId}` : sql``}
      ${f.clientId ? sql`AND p.client_id = ${f.clientId}` : sql``}
      ${
    f.environment
      ? sql`AND h.environment_id IN (SELECT id FROM project_environments
              WHERE tenant_id = ${tenantId} AND lower(name) = lower(${f.environment}))`
      : sql``
  }
      ${status}`;
}

/**
 * A board row's place in the board's order (client, project, check, each by
 * name then id), as its own names and ids: a keyset cursor survives the row's
 * deletion, and PostgreSQL lowers the names on both sides of the comparison.
 */
export type BoardKey = [string, string, string, string, string, string];

const boardKey = (sql: Sql) => sql`(lower(c.name), c.id, lower(p.name), p.id, lower(h.name), h.id)`;
const cursorKey = (sql: Sql, k: BoardKey) =>
  sql`(lower(${k[0]}), ${k[1]}::uuid, lower(${k[2]}), ${k[3]}::uuid, lower(${k[4]}), ${k[5]}::uuid)`;

export interface BoardPageQuery extends BoardQuery {
  limit: number;
  /** Rows after this key (the next page), or before it (the previous page); neither: the first page. */
  after?: BoardKey;
  before?: BoardKey;
  /**
   * A `pg_snapshot` (as text) the reader saw the board in: each row then says
   * whether it was written by a transaction that snapshot did not see. Exact
   * where a timestamp is not: a write that commits late still counts.
   */
  seenIn?: string;
}

/** A board row's place and whether it changed: what the poll reads first, without the newest result's lookup. */
export type BoardKeyRow =
  & Pick<HealthCheckRow, "id" | "name" | "project_id" | "project_name" | "client_id" | "client_name">
  & {
    changed: boolean;
  };

/** A page of the status board in board order, `limit + 1` rows (the extra one says there is more that way). */
export async function boardChecks(sql: Sql, tenantId: string, f: BoardPageQuery): Promise<HealthCheckRow[]> {
  return await sql<HealthCheckRow[]>`
    SELECT ${columns(sql)} FROM health_checks h ${joins(sql)} ${pageOf(sql, tenantId, f)}`;
}

/**
 * The same page as boardChecks, only each row's place and whether it changed
 * since `f.seenIn`: no lookup of each check's newest result (one index probe
 * per monthly partition per row), so a poll that finds nothing new is cheap.
 */
export async function boardKeys(sql: Sql, tenantId: string, f: BoardPageQuery): Promise<BoardKeyRow[]> {
  return await sql<BoardKeyRow[]>`
    SELECT h.id, h.name, h.project_id, p.name AS project_name, p.client_id, c.name AS client_name,
      ${f.seenIn ? changedSince(sql, f.seenIn) : sql`true`} AS changed
    FROM health_checks h JOIN projects p ON p.tenant_id = h.tenant_id AND p.id = h.project_id
      JOIN clients c ON c.tenant_id = p.tenant_id AND c.id = p.client_id
      ${f.seenIn ? sql`CROSS JOIN (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS next) x` : sql``}
    ${pageOf(sql, tenantId, f)}`;
}

/** Board rows by id (the poll's changed rows), in no particular order. */
export async function boardChecksById(sql: Sql, tenantId: string, ids: string[]): Promise<HealthCheckRow[]> {
  if (ids.length === 0) return [];
  return await sql<HealthCheckRow[]>`
    SELECT ${columns(sql)} FROM health_checks h ${joins(sql)}
    WHERE h.tenant_id = ${tenantId} AND h.id = ANY(${ids}::uuid[])`;
}

function pageOf(sql: Sql, tenantId: string, f: BoardPageQuery) {
  const backwards = Boolean(f.before && !f.after);
  return sql`
    ${boardWhere(sql, tenantId, f)}
      ${f.after ? sql`AND ${boardKey(sql)} > ${cursorKey(sql, f.after)}` : sql``}
      ${backwards ? sql`AND ${boardKey(sql)} < ${cursorKey(sql, f.before!)}` : sql``}
    ORDER BY ${
    backwards
      ? sql`lower(c.name) DESC, c.id DESC, lower(p.name) DESC, p.id DESC, lower(h.name) DESC, h.id DESC`
      : sql`lower(c.name), c.id, lower(p.name), p.id, lower(h.name), h.id`
  }
    LIMIT ${f.limit + 1}`;
}

/**
 * The row's xmin (32 bits, wraps) as the 64-bit transaction id snapshots
 * speak: the newest id with those low bits before the next id to be assigned.
 */
const changedSince = (sql: Sql, snapshot: string) =>
  sql`NOT pg_visible_in_snapshot(
        (x.next - ((x.next - h.xmin::text::bigint) & 4294967295))::text::xid8, ${snapshot}::pg_snapshot)`;

/** The snapshot a board read is seen in; taken before the board's rows, so nothing can slip between. */
export async function boardSnapshot(sql: Sql): Promise<string> {
  const [{ snapshot }] = await sql<{ snapshot: string }[]>`SELECT pg_current_snapshot()::text AS snapshot`;
  return snapshot;
}

/**
 * How many checks the whole board holds per shown status (paused counts
 * apart), and how many come before a page's cursor (`ahead`), for the
 * summary and the pager's "Checks 201–400 of 2,000".
 */
export async function boardCounts(
  sql: Sql,
  tenantId: string,
  f: BoardQuery & Pick<BoardPageQuery, "after" | "before">,
): Promise<{ counts: Record<string, number>; ahead: number }> {
  const ahead = f.after
    ? sql`count(*) FILTER (WHERE ${boardKey(sql)} <= ${cursorKey(sql, f.after)})`
    : f.before
    ? sql`count(*) FILTER (WHERE ${boardKey(sql)} < ${cursorKey(sql, f.before)})`
    : sql`0`;
  const rows = await sql<{ shown: string; n: number; ahead: number }[]>`
    SELECT CASE WHEN h.paused THEN 'paused' ELSE h.status END AS shown, count(*)::int AS n, ${ahead}::int AS ahead
    FROM health_checks h JOIN projects p ON p.tenant_id = h.tenant_id AND p.id = h.project_id
      JOIN clients c ON c.tenant_id = p.tenant_id AND c.id = p.client_id
    ${boardWhere(sql, tenantId, f)}
    GROUP BY 1`;
  return {
    counts: Object.fromEntries(rows.map((r) => [r.shown, r.n])),
    ahead: rows.reduce((sum, r) => sum + r.ahead, 0),
  };
}

/** The writable definition columns, as stored. */
export interface HealthCheckDefinition {
  project_id: string;
  name: string;
  type: CheckType;
  url: string | null;
  host: string | null;
  port: number | null;
  method: string;
  expected_status: number[];
  keyword: string | null;
  keyword_invert: boolean;
  json_path: string | null;
  json_expected: string | null;
  headers: Record<string, string>;
  body: string | null;
  interval_seconds: number;
  grace_seconds: number;
  timeout_ms: number;
  confirmations: number;
  degraded_latency_ms: number | null;
  follow_redirects: boolean;
  verify_tls: boolean;
  cert_expiry_days: number;
  cron: string | null;
  timezone: string;
  min_duration_ms: number | null;
  max_duration_ms: number | null;
  paused: boolean;
  depends_on_id: string | null;
  /** One of the project's own environments (00120's composite key), or none. */
  environment_id: string | null;
  public_targets_only: boolean;
}

export const DEFINITION_COLUMNS = [
  "project_id",
  "name",
  "type",
  "url",
  "host",
  "port",
  "method",
  "expected_status",
  "keyword",
  "keyword_invert",
  "json_path",
  "json_expected",
  "headers",
  "body",
  "interval_seconds",
  "grace_seconds",
  "timeout_ms",
  "confirmations",
  "degraded_latency_ms",
  "follow_redirects",
  "verify_tls",
  "cert_expiry_days",
  "cron",
  "timezone",
  "min_duration_ms",
  "max_duration_ms",
  "paused",
  "depends_on_id",
  "environment_id",
  "public_targets_only",
] as const satisfies readonly (keyof HealthCheckDefinition)[];
// A definition field missing from the column list above fails to compile here.
const _everyFieldIsAColumn: Exclude<keyof HealthCheckDefinition, typeof DEFINITION_COLUMNS[number]> extends never ? true
  : never = true;

export async function insertHealthCheck(
  sql: Sql,
  tenantId: string,
  d: HealthCheckDefinition,
  extra: { pingTokenHash: Uint8Array | null; nextRunAt: Date; now: Date },
): Promise<string> {
  const row = {
    ...d,
    headers: sql.json(d.headers),
    tenant_id: tenantId,
    ping_token_hash: extra.pingTokenHash,
    next_run_at: extra.nextRunAt,
    created_at: extra.now,
    updated_at: extra.now,
  };
  const [created] = await sql<{ id: string }[]>`
    INSERT INTO health_checks ${
    sql(
      row,
      ...DEFINITION_COLUMNS,
      "tenant_id",
      "ping_token_hash",
      "next_run_at",
      "created_at",
      "updated_at",
    )
  }
    RETURNING id`;
  return created.id;
}

/** Rewrites the definition; `nextRunAt` moves the schedule when timing or target changed. */
export async function updateHealthCheck(
  sql: Sql,
  tenantId: string,
  id: string,
  d: HealthCheckDefinition,
  nextRunAt: Date | null,
): Promise<void> {
  const row = { ...d, headers: sql.json(d.headers) };
  await sql`
    UPDATE health_checks SET ${sql(row, ...DEFINITION_COLUMNS)},
      next_run_at = coalesce(${nextRunAt}::timestamptz, next_run_at)
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

export async function deleteHealthCheck(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`DELETE FROM health_checks WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

/**
 * Pause, resume or "run now": the flag and when it is next due. A held lease
 * is dropped so the next tick claims the check at its new time; a run in
 * flight still records its result.
 */
export async function reschedule(
  sql: Sql,
  tenantId: string,
  id: string,
  change: { paused: boolean; nextRunAt: Date; resetFailures: boolean },
): Promise<void> {
  await sql`
    UPDATE health_checks SET paused = ${change.paused}, next_run_at = ${change.nextRunAt},
      claimed_until = NULL, claimed_by = NULL
      ${change.resetFailures ? sql`, consecutive_failures = 0, status = 'unknown'` : sql``}
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

export async function setPingTokenHash(sql: Sql, tenantId: string, id: string, hash: Uint8Array): Promise<void> {
  await sql`UPDATE health_checks SET ping_token_hash = ${hash} WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

/**
 * Would `checkId` depending on `parentId` close a loop? Walks the parent's
 * chain of depends_on (bounded: chains are short, and a corrupt loop stops).
 */
export async function dependencyCreatesCycle(
  sql: Sql,
  tenantId: string,
  checkId: string,
  parentId: string,
): Promise<boolean> {
  const [row] = await sql<{ cycle: boolean }[]>`
    WITH RECURSIVE chain (id, depth) AS (
      SELECT ${parentId}::uuid, 0
      UNION ALL
      SELECT h.depends_on_id, chain.depth + 1
      FROM chain JOIN health_checks h ON h.tenant_id = ${tenantId} AND h.id = chain.id
      WHERE h.depends_on_id IS NOT NULL AND chain.depth < 100
    )
    SELECT EXISTS (SELECT 1 FROM chain WHERE id = ${checkId}::uuid) AS cycle`;
  return row.cycle;
}

/** Checks a form offers as a parent: the caller's visible ones, by name. */
export async function checkChoices(
  sql: Sql,
  tenantId: string,
  clientId: string | null,
): Promise<{ id: string; name: string; project_name: string }[]> {
  return await sql<{ id: string; name: string; project_name: string }[]>`
    SELECT h.id, h.name, p.name AS project_name
    FROM health_checks h JOIN projects p ON p.tenant_id = h.tenant_id AND p.id = h.project_id
    WHERE h.tenant_id = ${tenantId} ${clientId ? sql`AND p.client_id = ${clientId}` : sql``}
    ORDER BY lower(p.name), lower(h.name), h.id LIMIT 1000`;
}
