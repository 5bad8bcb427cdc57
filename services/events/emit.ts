/**
 * Domain events (SPEC's event types) for notifications and webhooks. Emitting
 * one is an INSERT in the caller's transaction, next to the change and its
 * audit row: the event exists exactly when the change committed, and nothing
 * is sent from inside the request (a later dispatcher reads the rows).
 */
import type { Sql } from "../../db/client.ts";
import { type EventType, insertEvent } from "../../db/queries/events.ts";
import type { AuditContext } from "../audits/record.ts";

export interface DomainEvent {
  tenantId: string;
  type: EventType;
  subject: { type: string; id: string };
  projectId: string | null;
  /** What a message needs without reading anything else: names, titles, the decision. */
  payload: Record<string, unknown>;
}

/** Writes the event with who caused it and when (the audit context's actor and clock). */
export async function emitEvent(tx: Sql, ctx: AuditContext, event: DomainEvent): Promise<string> {
  const actor = ctx.actor
    ? { user_id: ctx.actor.userId, api_key_id: ctx.actor.apiKeyId ?? null, label: ctx.actor.name ?? ctx.actor.email }
    : null;
  return await insertEvent(tx, {
    tenantId: event.tenantId,
    type: event.type,
    subjectType: event.subject.type,
    subjectId: event.subject.id,
    projectId: event.projectId,
    payload: { ...event.payload, actor },
    createdAt: ctx.now,
  });
}
