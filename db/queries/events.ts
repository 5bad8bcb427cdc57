import type { Sql } from "../client.ts";

/** SPEC's event types; db/migrations/00009_events.sql checks the same list. */
export const EVENT_TYPES = [
  "health_check.down",
  "health_check.up",
  "health_check.degraded",
  "heartbeat.missed",
  "certificate.expiring",
  "deployment.started",
  "deployment.succeeded",
  "deployment.failed",
  "alert.triggered",
  "alert.acknowledged",
  "alert.resolved",
  "change_request.created",
  "change_request.decided",
  "incident.created",
  "incident.updated",
  "incident.resolved",
  "approval.requested",
  "approval.decided",
  "report.ready",
  "integration.broken",
] as const;
export type EventType = typeof EVENT_TYPES[number];

export interface EventInsert {
  tenantId: string;
  type: EventType;
  subjectType: string;
  subjectId: string;
  projectId: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export async function insertEvent(sql: Sql, e: EventInsert): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO events (tenant_id, type, subject_type, subject_id, project_id, payload, created_at)
    VALUES (${e.tenantId}, ${e.type}, ${e.subjectType}, ${e.subjectId}, ${e.projectId}, ${
    sql.json(e.payload as never)
  }, ${e.createdAt})
    RETURNING id`;
  return row.id;
}

/** Deletes up to `limit` events older than `cutoff` (their deliveries were fanned out when they were written). */
export async function deleteEventsBefore(sql: Sql, cutoff: Date, limit: number): Promise<number> {
  const r = await sql`
    DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < ${cutoff} LIMIT ${limit})`;
  return r.count;
}
