/**
 * The scheduler's statements. They run across tenants on the owner connection
 * (no row-level security: one worker serves every tenant), so every statement
 * names tenant_id explicitly next to the check id.
 */
import type { PendingQuery, Sql } from "../client.ts";
import {
  type CheckStatus,
  DEFINITION_COLUMNS,
  type HealthCheckDefinition,
  type HealthCheckRow,
} from "./health_checks.ts";

/** A claimed check: its definition, its state, and what an event needs. */
export type ClaimedCheck =
  & HealthCheckDefinition
  & Pick<HealthCheckRow, "id" | "tenant_id" | "project_name" | "client_id" | "status" | "consecutive_failures">
  & {
    type: "http" | "tcp";
    recent_outcomes: string;
    flapping: boolean;
    cert_fingerprint: string | null;
    cert_notified_fingerprint: string | null;
    /** The scheduled time of this run (next_run_at when claimed). */
    next_run_at: Date;
    claimed_until: Date;
  };

/**
 * Claims up to `limit` due probes, oldest first, skipping rows another
 * process holds. The lease lasts `leaseMs` and the scheduler renews it while
 * the probe runs (renewProbeClaims), so a probe that is still running is never
 * claimed twice, and a check whose process died is claimed again within one
 * lease, however long its timeout.
 */
export function claimDueProbes(
  sql: Sql,
  o: { now: Date; instanceId: string; limit: number; leaseMs: number },
): Promise<ClaimedCheck[]> {
  return sql<ClaimedCheck[]>`
    WITH due AS (
      SELECT id, tenant_id FROM health_checks
      WHERE NOT paused AND type IN ('http', 'tcp') AND next_run_at <= ${o.now}
        AND (claimed_until IS NULL OR claimed_until <= ${o.now})
      ORDER BY next_run_at
      LIMIT ${o.limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE health_checks h
    SET claimed_until = date_trunc('milliseconds', ${new Date(o.now.getTime() + o.leaseMs)}::timestamptz),
        claimed_by = ${o.instanceId},
        -- JavaScript dates hold milliseconds: the finishing UPDATE compares both with what this returned
        next_run_at = date_trunc('milliseconds', h.next_run_at)
    FROM due, projects p
    WHERE h.tenant_id = due.tenant_id AND h.id = due.id AND p.tenant_id = h.tenant_id AND p.id = h.project_id
    RETURNING ${sql(DEFINITION_COLUMNS.map((c) => `h.${c}`))}, h.id, h.tenant_id, p.name AS project_name, p.client_id,
      h.status, h.consecutive_failures, h.recent_outcomes, h.flapping, h.cert_fingerprint,
      h.cert_notified_fingerprint, h.next_run_at, h.claimed_until`;
}

/** Hands back claims that were never started (clean stop): they are due again at once for anyone. */
export async function releaseClaims(sql: Sql, instanceId: string, checks: { id: string; tenant_id: string }[]) {
  if (checks.length === 0) return;
  await sql`
    UPDATE health_checks h SET claimed_until = NULL, claimed_by = NULL
    FROM unnest(${checks.map((c) => c.tenant_id)}::uuid[], ${checks.map((c) => c.id)}::uuid[]) AS v(tenant_id, id)
    WHERE h.tenant_id = v.tenant_id AND h.id = v.id AND h.claimed_by = ${instanceId}`;
}

/** Extends this process's leases on checks it is still probing or writing (the scheduler's heartbeat). */
export async function renewProbeClaims(
  sql: Sql,
  instanceId: string,
  checks: { id: string; tenant_id: string }[],
  until: Date,
): Promise<void> {
  if (checks.length === 0) return;
  await sql`
    UPDATE health_checks h SET claimed_until = greatest(h.claimed_until, ${until})
    FROM unnest(${checks.map((c) => c.tenant_id)}::uuid[], ${checks.map((c) => c.id)}::uuid[]) AS v(tenant_id, id)
    WHERE h.tenant_id = v.tenant_id AND h.id = v.id AND h.claimed_by = ${instanceId}`;
}

/** The state a finished run (or a heartbeat miss or ping) leaves behind. */
export interface StateUpdate {
  tenantId: string;
  id: string;
  status: CheckStatus;
  consecutiveFailures: number;
  recentOutcomes: string;
  flapping: boolean;
  checkedAt: Date;
  nextRunAt: Date;
  /** For probes: the claim being finished (its scheduled time and lease). */
  scheduledAt: Date | null;
  claimedUntil: Date | null;
  certExpiresAt: Date | null;
  certFingerprint: string | null;
  certNotifiedFingerprint: string | null;
}

const iso = (d: Date | null) => d === null ? null : d.toISOString();

/**
 * Writes finished probe runs in one statement and returns the runs it wrote,
 * as `runKey`s. A run is written while this process still holds its lease
 * (the claim or a renewal of it: renewals only move claimed_until later), or
 * when the lease was dropped by "run now"/pause and no later run was written
 * since (the result of a run in flight still counts); a run whose lease
 * expired and went to another process is not. A run already written is never
 * written again: a write that committed while its acknowledgement was lost
 * (the database killed at the commit) is retried, and taken twice it cleared
 * a fresh claim without moving next_run_at, so the check ran again at once,
 * and it re-applied the old state and its events (docs/scaling.md, F1).
 * next_run_at advances only if nobody moved it meanwhile ("run now" wins).
 */
export async function finishProbes(sql: Sql, instanceId: string, rows: StateUpdate[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const written = await sql<{ id: string; checked_at: Date }[]>`
    UPDATE health_checks h SET
      status = v.status, consecutive_failures = v.consecutive_failures, recent_outcomes = v.recent_outcomes,
      flapping = v.flapping = 1, last_checked_at = v.checked_at,
      status_changed_at = CASE WHEN v.status <> h.status THEN v.checked_at ELSE h.status_changed_at END,
      next_run_at = CASE WHEN h.next_run_at = v.scheduled_at THEN v.next_run_at ELSE h.next_run_at END,
      cert_expires_at = coalesce(v.cert_expires_at, h.cert_expires_at),
      cert_fingerprint = coalesce(v.cert_fingerprint, h.cert_fingerprint),
      cert_notified_fingerprint = coalesce(v.cert_notified_fingerprint, h.cert_notified_fingerprint),
      claimed_until = NULL, claimed_by = NULL
    FROM unnest(
      ${rows.map((r) => r.tenantId)}::uuid[], ${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.status)}::text[],
      ${rows.map((r) => r.consecutiveFailures)}::integer[], ${rows.map((r) => r.recentOutcomes)}::text[],
      ${rows.map((r) => r.flapping ? 1 : 0)}::integer[], ${rows.map((r) => iso(r.checkedAt))}::timestamptz[],
      ${rows.map((r) => iso(r.nextRunAt))}::timestamptz[], ${rows.map((r) => iso(r.scheduledAt))}::timestamptz[],
      ${rows.map((r) => iso(r.claimedUntil))}::timestamptz[], ${rows.map((r) => iso(r.certExpiresAt))}::timestamptz[],
      ${rows.map((r) => r.certFingerprint)}::text[], ${rows.map((r) => r.certNotifiedFingerprint)}::text[]
    ) AS v(tenant_id, id, status, consecutive_failures, recent_outcomes, flapping, checked_at, next_run_at,
           scheduled_at, claimed_until, cert_expires_at, cert_fingerprint, cert_notified_fingerprint)
    WHERE h.tenant_id = v.tenant_id AND h.id = v.id
      AND h.last_checked_at IS DISTINCT FROM v.checked_at
      AND ((h.claimed_by = ${instanceId} AND h.claimed_until >= v.claimed_until)
        OR (h.claimed_by IS NULL AND (h.last_checked_at IS NULL OR h.last_checked_at < v.checked_at)))
    RETURNING h.id, h.last_checked_at AS checked_at`;
  return new Set(written.map((r) => runKey(r.id, r.checked_at)));
}

/** One run of one check: a batch may hold two runs of a check (a retried write and a fresh claim's). */
export const runKey = (id: string, checkedAt: Date) => `${id}@${checkedAt.getTime()}`;

/** Current statuses of the checks others depend on (hold-back of their dependants' events). */
export async function statusesOf(sql: Sql, checks: { tenantId: string; id: string }[]): Promise<Map<string, string>> {
  if (checks.length === 0) return new Map();
  const rows = await sql<{ id: string; status: string }[]>`
    SELECT h.id, h.status FROM health_checks h
    JOIN unnest(${checks.map((c) => c.tenantId)}::uuid[], ${checks.map((c) => c.id)}::uuid[]) AS v(tenant_id, id)
      ON h.tenant_id = v.tenant_id AND h.id = v.id`;
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** A heartbeat check with what its deadline, state machine and events need. */
export type HeartbeatCheck =
  & Pick<
    HealthCheckRow,
    | "id"
    | "tenant_id"
    | "project_id"
    | "project_name"
    | "client_id"
    | "name"
    | "paused"
    | "interval_seconds"
    | "grace_seconds"
    | "cron"
    | "timezone"
    | "min_duration_ms"
    | "max_duration_ms"
    | "confirmations"
    | "depends_on_id"
    | "status"
    | "consecutive_failures"
    | "last_ping_at"
    | "last_start_at"
    | "next_run_at"
  >
  & { recent_outcomes: string; flapping: boolean };

const HEARTBEAT_COLUMNS = (sql: Sql) =>
  sql`h.id, h.tenant_id, h.project_id, p.name AS project_name, p.client_id, h.name, h.paused, h.interval_seconds,
    h.grace_seconds, h.cron, h.timezone, h.min_duration_ms, h.max_duration_ms, h.confirmations, h.depends_on_id,
    h.status, h.consecutive_failures, h.recent_outcomes, h.flapping, h.last_ping_at, h.last_start_at, h.next_run_at`;

/** Heartbeats past their deadline, locked for this transaction (others skip them). */
export function lockMissedHeartbeats(sql: Sql, now: Date, limit: number): Promise<HeartbeatCheck[]> {
  return sql<HeartbeatCheck[]>`
    SELECT ${HEARTBEAT_COLUMNS(sql)}
    FROM health_checks h JOIN projects p ON p.tenant_id = h.tenant_id AND p.id = h.project_id
    WHERE NOT h.paused AND h.type = 'heartbeat' AND h.last_ping_at IS NOT NULL AND h.next_run_at <= ${now}
    ORDER BY h.next_run_at
    LIMIT ${limit}
    FOR UPDATE OF h SKIP LOCKED`;
}

/**
 * The heartbeats some ping tokens belong to (SHA-256 in hex), each with its hash, locked
 * until the pings are recorded (in id order, so two batches never deadlock).
 * Cross-tenant on purpose: the token in the URL is the only credential.
 */
export async function lockHeartbeatsByTokens(
  sql: Sql,
  tokenHashesHex: string[],
): Promise<(HeartbeatCheck & { token_hash_hex: string })[]> {
  if (tokenHashesHex.length === 0) return [];
  return await sql<(HeartbeatCheck & { token_hash_hex: string })[]>`
    SELECT ${HEARTBEAT_COLUMNS(sql)}, encode(h.ping_token_hash, 'hex') AS token_hash_hex
    FROM health_checks h JOIN projects p ON p.tenant_id = h.tenant_id AND p.id = h.project_id
    WHERE h.ping_token_hash IN (SELECT decode(x, 'hex') FROM unnest(${tokenHashesHex}::text[]) AS x)
      AND h.type = 'heartbeat'
    ORDER BY h.id
    FOR UPDATE OF h`;
}

/**
 * Writes heartbeat states (after pings or misses) in one statement, or none
 * for no rows. Not yet sent (postgres.js queries run when awaited or
 * executed), so a pipelined transaction can send it in order (inPipelinedTransaction).
 */
export function updateHeartbeats(
  sql: Sql,
  rows: (StateUpdate & { pingAt: Date | null; startAt: Date | null })[],
): PendingQuery | null {
  if (rows.length === 0) return null;
  return sql`
    UPDATE health_checks h SET
      status = v.status, consecutive_failures = v.consecutive_failures, recent_outcomes = v.recent_outcomes,
      flapping = v.flapping = 1, last_checked_at = v.checked_at,
      status_changed_at = CASE WHEN v.status <> h.status THEN v.checked_at ELSE h.status_changed_at END,
      next_run_at = v.next_run_at, last_ping_at = coalesce(v.ping_at, h.last_ping_at), last_start_at = v.start_at
    FROM unnest(
      ${rows.map((r) => r.tenantId)}::uuid[], ${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.status)}::text[],
      ${rows.map((r) => r.consecutiveFailures)}::integer[], ${rows.map((r) => r.recentOutcomes)}::text[],
      ${rows.map((r) => r.flapping ? 1 : 0)}::integer[], ${rows.map((r) => iso(r.checkedAt))}::timestamptz[],
      ${rows.map((r) => iso(r.nextRunAt))}::timestamptz[], ${rows.map((r) => iso(r.pingAt))}::timestamptz[],
      ${rows.map((r) => iso(r.startAt))}::timestamptz[]
    ) AS v(tenant_id, id, status, consecutive_failures, recent_outcomes, flapping, checked_at, next_run_at, ping_at,
           start_at)
    WHERE h.tenant_id = v.tenant_id AND h.id = v.id`;
}

/** /start pings: only the start of each run is remembered. Not yet sent, as updateHeartbeats. */
export function markHeartbeatsStarted(
  sql: Sql,
  rows: { tenantId: string; id: string; at: Date }[],
): PendingQuery | null {
  if (rows.length === 0) return null;
  return sql`
    UPDATE health_checks h SET last_start_at = v.at
    FROM unnest(${rows.map((r) => r.tenantId)}::uuid[], ${rows.map((r) => r.id)}::uuid[],
                ${rows.map((r) => iso(r.at))}::timestamptz[]) AS v(tenant_id, id, at)
    WHERE h.tenant_id = v.tenant_id AND h.id = v.id`;
}
