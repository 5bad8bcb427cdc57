/**
 * The JSON a webhook receives: `{ type, timestamp, data }` (Standard Webhooks'
 * recommended envelope). `data` is the event's payload as its emitter wrote
 * it for messages (names, ids, paths; documented per event type in
 * docs/channels.md) plus `event_id`, the same for every channel. A digest is
 * `{ type: "digest", timestamp, data: { items: [...] } }`, one envelope per
 * grouped event.
 */
import type { EventInput } from "../describe.ts";

export interface WebhookEnvelope {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export function webhookEnvelope(e: EventInput & { eventId: string }): WebhookEnvelope {
  return {
    type: e.eventType,
    timestamp: e.createdAt.toISOString(),
    data: { event_id: e.eventId, ...e.payload },
  };
}

export function webhookDigest(items: (EventInput & { eventId: string })[], now: Date): WebhookEnvelope {
  return { type: "digest", timestamp: now.toISOString(), data: { items: items.map(webhookEnvelope) } };
}
