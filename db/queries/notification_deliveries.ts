/**
 * The notification outbox: fan-out inserts, the dispatcher's claims and
 * outcomes, and the delivery log. Claims and outcomes run on the owner role
 * across tenants (the dispatcher serves every tenant); every statement that
 * acts for a tenant names it.
 */
import type { Sql } from "../client.ts";

export type DeliveryStatus = "pending" | "sending" | "sent" | "failed" | "dead";
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ["pending", "sending", "sent", "failed", "dead"];

export interface FanOutEvent {
  id: string;
  tenantId: string;
  type: string;
  projectId: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
  /** An alert the event speaks about (kept only if it exists in the tenant). */
  alertId: string | null;
  /** The health check the event (or its alert) is about: rules about one check match only its events. */
  checkId: string | null;
}

/**
 * One statement: every enabled rule of the tenant (tenant-wide, or for the
 * event's project) listing the type, on a channel that is not broken, gives
 * one row per channel. When several rules hit a channel, an immediate one
 * wins over a digest, then the shortest digest. A digest row waits until the
 * end of its aligned window (buckets of digest_minutes since the epoch), so
 * all of a channel's rows of one window fall due together.
 */
export async function insertFanOut(sql: Sql, e: FanOutEvent): Promise<number> {
  const result = await sql`
    INSERT INTO notification_deliveries
      (tenant_id, channel_id, rule_id, event_id, event_type, mode, payload, next_attempt_at, created_at, alert_id)
    SELECT DISTINCT ON (r.channel_id)
      r.tenant_id, r.channel_id, r.id, ${e.id}, ${e.type}, r.mode, ${sql.json(e.payload as never)},
      CASE WHEN r.mode = 'digest'
        THEN to_timestamp((floor(extract(epoch FROM ${e.createdAt}::timestamptz) / (r.digest_minutes * 60)) + 1)
          * r.digest_minutes * 60)
        ELSE ${e.createdAt}::timestamptz END,
      ${e.createdAt},
      (SELECT a.id FROM alerts a WHERE a.tenant_id = ${e.tenantId} AND a.id = ${e.alertId}::uuid)
    FROM notification_rules r
    JOIN notification_channels c ON c.tenant_id = r.tenant_id AND c.id = r.channel_id AND NOT c.broken
    WHERE r.tenant_id = ${e.tenantId} AND r.enabled AND ${e.type} = ANY (r.event_types)
      AND (r.project_id IS NULL OR r.project_id = ${e.projectId}::uuid)
      AND (r.check_id IS NULL OR r.check_id = ${e.checkId}::uuid)
    ORDER BY r.channel_id, (r.mode = 'digest'), r.digest_minutes NULLS FIRST, r.id
    ON CONFLICT (tenant_id, channel_id, event_id) DO NOTHING`;
  return result.count;
}

export interface DeliveryInsert {
  tenantId: string;
  channelId: string;
  eventId: string;
  eventType: string;
  payload: Record<string, unknown>;
  alertId?: string | null;
  ruleId?: string | null;
  now: Date;
}

/** One immediate delivery; an existing one for the same (channel, event) is returned instead. */
export async function insertDelivery(sql: Sql, d: DeliveryInsert): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    WITH inserted AS (
      INSERT INTO notification_deliveries
        (tenant_id, channel_id, rule_id, event_id, event_type, mode, payload, next_attempt_at, created_at, alert_id)
      VALUES (${d.tenantId}, ${d.channelId}, ${d.ruleId ?? null}, ${d.eventId}, ${d.eventType}, 'immediate',
        ${sql.json(d.payload as never)}, ${d.now}, ${d.now}, ${d.alertId ?? null})
      ON CONFLICT (tenant_id, channel_id, event_id) DO NOTHING
      RETURNING id
    )
    SELECT id FROM inserted
    UNION ALL
    SELECT id FROM notification_deliveries
    WHERE tenant_id = ${d.tenantId} AND channel_id = ${d.channelId} AND event_id = ${d.eventId}`;
  return row.id;
}

/** A delivery as the dispatcher holds it after a claim. */
export interface ClaimedDelivery {
  id: string;
  tenant_id: string;
  channel_id: string;
  event_id: string;
  event_type: string;
  mode: "immediate" | "digest";
  payload: Record<string, unknown>;
  /** This attempt's number (the claim counted it). */
  attempts: number;
  next_attempt_at: Date;
  created_at: Date;
}

const claimedColumns = (sql: Sql) =>
  sql`d.id, d.tenant_id, d.channel_id, d.event_id, d.event_type, d.mode, d.payload, d.attempts,
    d.next_attempt_at, d.created_at`;

export interface Lease {
  now: Date;
  until: Date;
  by: string;
}

/**
 * Claims up to `limit` due deliveries (pending or failed and due, or sending
 * with an expired lease: their sender died) for this process. SKIP LOCKED
 * lets several dispatchers claim side by side without waiting or overlapping;
 * the claim counts the attempt, so a delivery that kills its sender every time
 * still reaches the attempt limit.
 */
export async function claimDue(sql: Sql, lease: Lease, limit: number): Promise<ClaimedDelivery[]> {
  return await sql<ClaimedDelivery[]>`
    WITH due AS (
      SELECT id FROM notification_deliveries
      WHERE (status IN ('pending', 'failed') AND next_attempt_at <= ${lease.now})
         OR (status = 'sending' AND locked_until < ${lease.now})
      ORDER BY next_attempt_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE notification_deliveries d
    SET status = 'sending', locked_until = ${lease.until}, locked_by = ${lease.by}, attempts = d.attempts + 1
    FROM due WHERE d.id = due.id
    RETURNING ${claimedColumns(sql)}`;
}

/** The other due digest rows of these channels, so a channel's window goes out as one message. */
export async function claimDigestRows(sql: Sql, channelIds: string[], lease: Lease): Promise<ClaimedDelivery[]> {
  return await sql<ClaimedDelivery[]>`
    WITH due AS (
      SELECT id FROM notification_deliveries
      WHERE channel_id = ANY (${channelIds}::uuid[]) AND mode = 'digest'
        AND status IN ('pending', 'failed') AND next_attempt_at <= ${lease.now}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE notification_deliveries d
    SET status = 'sending', locked_until = ${lease.until}, locked_by = ${lease.by}, attempts = d.attempts + 1
    FROM due WHERE d.id = due.id
    RETURNING ${claimedColumns(sql)}`;
}

/** Claims one delivery of a tenant whatever its schedule ("send test", re-send now); none if another holds it. */
export async function claimOne(sql: Sql, tenantId: string, id: string, lease: Lease): Promise<ClaimedDelivery[]> {
  return await sql<ClaimedDelivery[]>`
    WITH one AS (
      SELECT id FROM notification_deliveries
      WHERE tenant_id = ${tenantId} AND id = ${id}
        AND (status IN ('pending', 'failed') OR (status = 'sending' AND locked_until < ${lease.now}))
      FOR UPDATE SKIP LOCKED
    )
    UPDATE notification_deliveries d
    SET status = 'sending', locked_until = ${lease.until}, locked_by = ${lease.by}, attempts = d.attempts + 1
    FROM one WHERE d.id = one.id
    RETURNING ${claimedColumns(sql)}`;
}

/** Extends our lease before a late send; the ids still ours come back (a lost lease means: do not send). */
export async function renewLease(sql: Sql, ids: string[], lease: Lease): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    UPDATE notification_deliveries SET locked_until = ${lease.until}
    WHERE id = ANY (${ids}::uuid[]) AND status = 'sending' AND locked_by = ${lease.by}
    RETURNING id`;
  return rows.map((r) => r.id);
}

/**
 * Hands unsent claims back as they were, the claim's attempt uncounted (clean
 * stop), or postponed to `notBefore` (a Slack channel's pace is full).
 */
export async function releaseClaims(sql: Sql, ids: string[], by: string, notBefore?: Date): Promise<void> {
  await sql`
    UPDATE notification_deliveries
    SET status = CASE WHEN attempts > 1 THEN 'failed' ELSE 'pending' END,
      attempts = greatest(attempts - 1, 0), locked_until = NULL, locked_by = NULL,
      next_attempt_at = greatest(next_attempt_at, ${notBefore ?? null}::timestamptz)
    WHERE id = ANY (${ids}::uuid[]) AND status = 'sending' AND locked_by = ${by}`;
}

export interface AttemptRecord {
  attempt: number;
  attemptedAt: Date;
  responseCode: number | null;
  error: string | null;
  latencyMs: number;
}

export interface Outcome {
  status: "sent" | "failed" | "dead";
  nextAttemptAt: Date | null;
  error: string | null;
  sentAt: Date | null;
  digestId: string | null;
}

/**
 * Records one send of one or several deliveries (a digest): an attempt row
 * each and the new state, but only for rows whose lease is still ours (a
 * lost lease means another process owns the row now). Returns the ids written.
 */
export async function recordOutcome(
  sql: Sql,
  deliveries: { id: string }[],
  by: string,
  attempt: Omit<AttemptRecord, "attempt">,
  outcome: Outcome,
): Promise<string[]> {
  // One statement: the outcome and its attempt rows commit together, in one round trip.
  const rows = await sql<{ id: string }[]>`
    WITH updated AS (
      UPDATE notification_deliveries
      SET status = ${outcome.status},
        next_attempt_at = coalesce(${outcome.nextAttemptAt}::timestamptz, next_attempt_at),
        last_error = ${outcome.error}, sent_at = ${outcome.sentAt}, locked_until = NULL, locked_by = NULL,
        digest_id = ${outcome.digestId}
      WHERE id = ANY (${deliveries.map((d) => d.id)}::uuid[]) AND status = 'sending' AND locked_by = ${by}
      RETURNING id, tenant_id, attempts
    ), attempts AS (
      INSERT INTO notification_attempts (tenant_id, delivery_id, attempt, attempted_at, response_code, error, latency_ms)
      SELECT tenant_id, id, attempts, ${attempt.attemptedAt}, ${attempt.responseCode}, ${attempt.error},
        ${attempt.latencyMs}
      FROM updated
      ON CONFLICT (tenant_id, delivery_id, attempt) DO NOTHING
    )
    SELECT id FROM updated`;
  return rows.map((r) => r.id);
}

export interface AttemptRow {
  attempt: number;
  attempted_at: Date;
  response_code: number | null;
  error: string | null;
  latency_ms: number | null;
}

export interface DeliveryRow {
  id: string;
  tenant_id: string;
  channel_id: string;
  channel_name: string;
  channel_type: string;
  rule_id: string | null;
  alert_id: string | null;
  digest_id: string | null;
  event_id: string;
  event_type: string;
  mode: "immediate" | "digest";
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  sent_at: Date | null;
  created_at: Date;
  payload: Record<string, unknown>;
  attempt_log: AttemptRow[];
}

const deliveryColumns = (sql: Sql) =>
  sql`d.id, d.tenant_id, d.channel_id, c.name AS channel_name, c.type AS channel_type, d.rule_id, d.alert_id,
    d.digest_id, d.event_id, d.event_type, d.mode, d.status, d.attempts, d.next_attempt_at, d.last_error, d.sent_at,
    d.created_at, d.payload,
    coalesce((
      SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'attempted_at', a.attempted_at,
        'response_code', a.response_code, 'error', a.error, 'latency_ms', a.latency_ms) ORDER BY a.attempt)
      FROM notification_attempts a WHERE a.tenant_id = d.tenant_id AND a.delivery_id = d.id
    ), '[]'::jsonb) AS attempt_log`;

/** jsonb times come back as strings: make them Dates like the rest of the row. */
function withDates(row: DeliveryRow): DeliveryRow {
  row.attempt_log = row.attempt_log.map((a) => ({ ...a, attempted_at: new Date(a.attempted_at) }));
  return row;
}

export interface DeliveryFilter {
  channelId?: string;
  alertId?: string;
  status?: DeliveryStatus;
  eventType?: string;
  after?: [string, string];
  limit: number;
}

/** A tenant's deliveries, newest first, each with its attempts. */
export async function listDeliveries(sql: Sql, tenantId: string, f: DeliveryFilter): Promise<DeliveryRow[]> {
  const rows = await sql<DeliveryRow[]>`
    SELECT ${deliveryColumns(sql)}
    FROM notification_deliveries d
    JOIN notification_channels c ON c.tenant_id = d.tenant_id AND c.id = d.channel_id
    WHERE d.tenant_id = ${tenantId}
      ${f.channelId ? sql`AND d.channel_id = ${f.channelId}` : sql``}
      ${f.alertId ? sql`AND d.alert_id = ${f.alertId}` : sql``}
      ${f.status ? sql`AND d.status = ${f.status}` : sql``}
      ${f.eventType ? sql`AND d.event_type = ${f.eventType}` : sql``}
      ${f.after ? sql`AND (d.created_at, d.id) < (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)` : sql``}
    ORDER BY d.created_at DESC, d.id DESC
    LIMIT ${f.limit + 1}`;
  return rows.map(withDates);
}

export async function getDelivery(
  sql: Sql,
  tenantId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<DeliveryRow | undefined> {
  const [row] = await sql<DeliveryRow[]>`
    SELECT ${deliveryColumns(sql)}
    FROM notification_deliveries d
    JOIN notification_channels c ON c.tenant_id = d.tenant_id AND c.id = d.channel_id
    WHERE d.tenant_id = ${tenantId} AND d.id = ${id}
    ${options.forUpdate ? sql`FOR UPDATE OF d` : sql``}`;
  return row && withDates(row);
}

/** Back to pending, due now; the attempt count and log stay. */
export async function requeueDelivery(sql: Sql, tenantId: string, id: string, now: Date): Promise<void> {
  await sql`
    UPDATE notification_deliveries
    SET status = 'pending', next_attempt_at = ${now}, sent_at = NULL, last_error = NULL,
      locked_until = NULL, locked_by = NULL
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

/** A tenant's broken channels, for the notice that tells admins. */
export async function listBrokenChannels(
  sql: Sql,
  tenantId: string,
): Promise<{ id: string; name: string; type: string; last_error: string | null; last_error_at: Date | null }[]> {
  return await sql`
    SELECT id, name, type, last_error, last_error_at FROM notification_channels
    WHERE tenant_id = ${tenantId} AND broken
    ORDER BY name, id`;
}

/**
 * Deletes up to `limit` finished deliveries (sent or dead; their attempts go
 * with them) created before `cutoff`. Pending and failing ones are kept
 * whatever their age: they still have work to do.
 */
export async function deleteFinishedDeliveries(sql: Sql, cutoff: Date, limit: number): Promise<number> {
  const r = await sql`
    DELETE FROM notification_deliveries WHERE id IN (
      SELECT id FROM notification_deliveries
      WHERE status IN ('sent', 'dead') AND created_at < ${cutoff}
      LIMIT ${limit})`;
  return r.count;
}
