/**
 * Install-wide counts for the domain gauges of /metrics, read at scrape time
 * on the owner connection (across tenants, no row-level security).
 */
import type { Sql } from "../client.ts";

export interface CheckQueueCounts {
  /** Probe checks whose next_run_at has come and that no process holds. */
  due: number;
  /** Checks a process holds a lease on. */
  claimed: number;
  /** Due for longer than 60 s and unclaimed: the scheduler is behind or not running. */
  overdue: number;
}

/** Uses health_checks_due_idx (the scheduler's own claim index): WHERE NOT paused AND type IN ('http','tcp'). */
export async function countCheckQueue(sql: Sql, now: Date): Promise<CheckQueueCounts> {
  const [row] = await sql<CheckQueueCounts[]>`
    SELECT
      count(*) FILTER (WHERE next_run_at <= ${now} AND (claimed_until IS NULL OR claimed_until < ${now}))::int AS due,
      count(*) FILTER (WHERE claimed_until >= ${now})::int AS claimed,
      count(*) FILTER (
        WHERE next_run_at <= ${now}::timestamptz - interval '60 seconds'
          AND (claimed_until IS NULL OR claimed_until < ${now})
      )::int AS overdue
    FROM health_checks
    WHERE NOT paused AND type IN ('http', 'tcp')`;
  return row;
}

export interface OutboxCount {
  kind: string;
  status: string;
  count: number;
}

/** Deliveries not yet sent, by channel kind and status (sent rows are history, kept out). */
export function countOutbox(sql: Sql): Promise<OutboxCount[]> {
  return sql<OutboxCount[]>`
    SELECT c.type AS kind, d.status, count(*)::int AS count
    FROM notification_deliveries d
    JOIN notification_channels c ON c.tenant_id = d.tenant_id AND c.id = d.channel_id
    WHERE d.status IN ('pending', 'sending', 'failed', 'dead')
    GROUP BY 1, 2`;
}

export interface OpenAlertCount {
  severity: string;
  count: number;
}

export function countOpenAlerts(sql: Sql): Promise<OpenAlertCount[]> {
  return sql<OpenAlertCount[]>`
    SELECT severity, count(*)::int AS count FROM alerts WHERE status <> 'resolved' GROUP BY 1`;
}
