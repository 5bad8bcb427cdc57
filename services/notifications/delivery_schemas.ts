/** Delivery log shapes: one schema for the API and the page. */
import { z } from "@hono/zod-openapi";
import { EVENT_TYPES } from "../../db/queries/events.ts";
import { DELIVERY_STATUSES, type DeliveryRow } from "../../db/queries/notification_deliveries.ts";
import { PageQuerySchema } from "../platform/pagination.ts";

const DELIVERY_EVENT_TYPES = [...EVENT_TYPES, "channel.test"] as const;

export const ListDeliveriesQuerySchema = PageQuerySchema.extend({
  channel_id: z.uuid().optional(),
  alert_id: z.uuid().optional(),
  status: z.enum(DELIVERY_STATUSES as [string, ...string[]]).optional().openapi({
    description: "`pending`, `sending`, `sent`, `failed` (will retry) or `dead` (gave up)",
  }),
  event_type: z.enum(DELIVERY_EVENT_TYPES).optional(),
});

export const AttemptSchema = z.object({
  attempt: z.number().int().openapi({ example: 1 }),
  attempted_at: z.string().openapi({ format: "date-time" }),
  response_code: z.number().int().nullable().openapi({ example: 503 }),
  error: z.string().nullable().openapi({ example: "HTTP 503" }),
  latency_ms: z.number().int().nullable().openapi({ example: 182 }),
}).openapi("NotificationAttempt");

export const DeliverySchema = z.object({
  id: z.uuid().openapi({ description: "Stable across retries: sent as the message id (`webhook-id`)" }),
  channel_id: z.uuid(),
  channel_name: z.string(),
  channel_type: z.string().openapi({ example: "webhook" }),
  rule_id: z.uuid().nullable(),
  alert_id: z.uuid().nullable(),
  digest_id: z.uuid().nullable().openapi({ description: "The delivery whose message carried this one in a digest" }),
  event_id: z.uuid(),
  event_type: z.string().openapi({ example: "health_check.down" }),
  mode: z.enum(["immediate", "digest"]),
  status: z.enum(DELIVERY_STATUSES as [string, ...string[]]).openapi({ example: "sent" }),
  attempt_count: z.number().int(),
  next_attempt_at: z.string().nullable().openapi({ format: "date-time", description: "When pending or failed" }),
  last_error: z.string().nullable(),
  sent_at: z.string().nullable().openapi({ format: "date-time" }),
  created_at: z.string().openapi({ format: "date-time" }),
  payload: z.record(z.string(), z.unknown()),
  attempts: z.array(AttemptSchema),
}).openapi("NotificationDelivery");

export function deliveryJson(d: DeliveryRow): z.infer<typeof DeliverySchema> {
  return {
    id: d.id,
    channel_id: d.channel_id,
    channel_name: d.channel_name,
    channel_type: d.channel_type,
    rule_id: d.rule_id,
    alert_id: d.alert_id,
    digest_id: d.digest_id,
    event_id: d.event_id,
    event_type: d.event_type,
    mode: d.mode,
    status: d.status,
    attempt_count: d.attempts,
    next_attempt_at: d.status === "pending" || d.status === "failed" ? d.next_attempt_at.toISOString() : null,
    last_error: d.last_error,
    sent_at: d.sent_at?.toISOString() ?? null,
    created_at: d.created_at.toISOString(),
    payload: d.payload,
    attempts: d.attempt_log.map((a) => ({ ...a, attempted_at: a.attempted_at.toISOString() })),
  };
}
