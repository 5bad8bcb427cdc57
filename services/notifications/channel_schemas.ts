/** Notification channel shapes, shared by the JSON API and the page's forms. */
import { z } from "@hono/zod-openapi";
import { CHANNEL_KINDS, CHANNEL_TYPES } from "./channels/registry.ts";

const name = z.string().trim().min(1, "Give the channel a name").max(200).openapi({ example: "On-call Slack" });

const variant = (kind: typeof CHANNEL_KINDS[number]) =>
  z.strictObject({ name, type: z.literal(kind.type), config: kind.configSchema });

export const CreateChannelSchema = z.discriminatedUnion(
  "type",
  CHANNEL_KINDS.map(variant) as [ReturnType<typeof variant>, ...ReturnType<typeof variant>[]],
).openapi("NotificationChannelCreate");
export type CreateChannelInput = z.infer<typeof CreateChannelSchema>;

/**
 * `config` replaces the non-secret settings; a secret field left out keeps
 * the stored one. The type cannot change (create a new channel instead).
 */
export const UpdateChannelSchema = z.strictObject({
  name: name.optional(),
  config: z.record(z.string(), z.unknown()).optional().openapi({
    description: "As for the channel's type; omitted secret fields keep their stored value",
  }),
}).openapi("NotificationChannelUpdate");
export type UpdateChannelInput = z.infer<typeof UpdateChannelSchema>;

export const ChannelSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  type: z.enum(CHANNEL_TYPES),
  config: z.record(z.string(), z.unknown()).openapi({
    description: "The non-secret settings, plus `secret_hint` (a masked hint of the stored secret)",
    example: { channel: "C0123456789", mode: "bot", secret_hint: "xoxb-…abcd" },
  }),
  has_secret: z.boolean(),
  broken: z.boolean().openapi({ description: "A permanent failure (404/410, revoked token…): fix and save to clear" }),
  last_error: z.string().nullable(),
  last_error_at: z.string().nullable().openapi({ format: "date-time" }),
  last_success_at: z.string().nullable().openapi({ format: "date-time" }),
  created_at: z.string().openapi({ format: "date-time" }),
  updated_at: z.string().openapi({ format: "date-time" }),
}).openapi("NotificationChannel");

export const NewChannelSchema = ChannelSchema.extend({
  secret: z.string().optional().openapi({
    description: "Only when Opsdeck generated the webhook signing secret: shown this once",
    example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  }),
}).openapi("NewNotificationChannel");

export const ChannelTestResultSchema = z.object({
  delivery_id: z.uuid(),
  ok: z.boolean(),
  response_code: z.number().int().nullable(),
  error: z.string().nullable(),
  latency_ms: z.number().int(),
}).openapi("NotificationChannelTestResult");
