/**
 * Turns a committed event into outbox rows: one per channel of the matching
 * notification rules. It runs inside the event's transaction (the scheduler's,
 * a deployment's, a request's), so it is one statement, and an event whose
 * transaction rolls back leaves no delivery behind.
 */
import type { Sql } from "../../db/client.ts";
import { insertFanOut } from "../../db/queries/notification_deliveries.ts";
import type { StoredEvent } from "../events/emit.ts";
import { isUuid } from "../platform/ids.ts";

/**
 * Held-back events (a dependency is down, a maintenance window covers the
 * check) are recorded but page nobody. The alert an event speaks about, if
 * any, is remembered for the per-alert delivery log.
 */
export async function fanOutEvent(tx: Sql, event: StoredEvent): Promise<number> {
  if (event.payload.held_back) return 0;
  return await insertFanOut(tx, {
    id: event.id,
    tenantId: event.tenantId,
    type: event.type,
    projectId: event.projectId,
    payload: event.payload,
    createdAt: event.createdAt,
    alertId: alertOf(event),
    checkId: checkOf(event),
  });
}

function checkOf(event: StoredEvent): string | null {
  if (event.subjectType === "health_check") return event.subjectId;
  const id = event.payload.check_id;
  return typeof id === "string" && isUuid(id) ? id : null;
}

function alertOf(event: StoredEvent): string | null {
  if (event.subjectType === "alert") return event.subjectId;
  const id = event.payload.alert_id;
  return typeof id === "string" && isUuid(id) ? id : null;
}
