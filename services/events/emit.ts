/**
 * Domain events (SPEC's event types) for notifications and webhooks. Emitting
 * one is an INSERT in the caller's transaction, next to the change and its
 * audit row: the event exists exactly when the change committed. In the same
 * transaction the event opens or closes alerts and is fanned out into the
 * notification outbox, so nothing is sent from inside the request and nothing
 * caused by a committed change can be lost.
 */
import type { Sql } from "../../db/client.ts";
import { type EventType, insertEvent } from "../../db/queries/events.ts";
import type { AuditContext } from "../audits/record.ts";
import { fanOutEvent } from "../notifications/fan_out.ts";
import { evaluateEventForAlerts } from "../alerts/on_event.ts";

export interface DomainEvent {
  tenantId: string;
  type: EventType;
  subject: { type: string; id: string };
  projectId: string | null;
  /** What a message needs without reading anything else: names, titles, the decision. */
  payload: Record<string, unknown>;
  /**
   * Why this event must not page anyone although it is recorded: the check it
   * is about depends on one that is down, or a maintenance window covers it.
   * Recoveries are never held back.
   */
  heldBack?: "dependency" | "maintenance";
}

/** The event as stored, handed to the alert evaluator and the outbox. */
export interface StoredEvent {
  id: string;
  tenantId: string;
  type: EventType;
  subjectType: string;
  subjectId: string;
  projectId: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/** Writes the event with who caused it and when (the audit context's actor and clock). */
export async function emitEvent(tx: Sql, ctx: AuditContext, event: DomainEvent): Promise<string> {
  const actor = ctx.actor
    ? { user_id: ctx.actor.userId, api_key_id: ctx.actor.apiKeyId ?? null, label: ctx.actor.name ?? ctx.actor.email }
    : null;
  const stored: Omit<StoredEvent, "id"> = {
    tenantId: event.tenantId,
    type: event.type,
    subjectType: event.subject.type,
    subjectId: event.subject.id,
    projectId: event.projectId,
    payload: { ...event.payload, actor, ...(event.heldBack ? { held_back: event.heldBack } : {}) },
    createdAt: ctx.now,
  };
  const id = await insertEvent(tx, stored);
  await evaluateEventForAlerts(tx, ctx, { id, ...stored });
  await fanOutEvent(tx, { id, ...stored });
  return id;
}
