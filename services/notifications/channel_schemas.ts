/** Notification channel shapes, shared by the JSON API and the page's forms. */
import { z } from "@hono/zod-openapi";
import { CHANNEL_KINDS } from "./channels/registry.ts";

const name = z.string().trim().min(1, "Give the channel a name").max(200).openapi({ example: "On-call Slack" });

/** One variant per kind, each a named schema, so the document can say `oneOf` with a `type` discriminator. */
const variant = (kind: typeof CHANNEL_KINDS[number]) =>
  z.strictObject({ name, type: z.literal(kind.type), config: kind.configSchema })
    .openapi(`${kind.type[0].toUpperCase()}${kind.type.slice(1)}ChannelCreate`);

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

const secretHint = z.string().optional().openapi({ description: "A masked hint of the stored secret" });

/** What is stored and shown of each type's settings: never the secret itself. */
const StoredConfig = {
  slack: z.object({
    mode: z.enum(["bot", "webhook"]),
    channel: z.string().optional().openapi({ example: "C0123456789" }),
    secret_hint: secretHint.openapi({ example: "xoxb-…abcd" }),
  }).openapi("SlackChannelSettings"),
  email: z.object({ to: z.array(z.string()).openapi({ example: ["oncall@example.com"] }) })
    .openapi("EmailChannelSettings"),
  webhook: z.object({
    url: z.string().openapi({ example: "https://hooks.example.com/opsdeck" }),
    secret_hint: secretHint.openapi({ example: "whsec_…aSw" }),
  }).openapi("WebhookChannelSettings"),
};

const ChannelFields = z.object({
  id: z.uuid(),
  name: z.string(),
  has_secret: z.boolean(),
  broken: z.boolean().openapi({ description: "A permanent failure (404/410, revoked token…): fix and save to clear" }),
  last_error: z.string().nullable(),
  last_error_at: z.string().nullable().openapi({ format: "date-time" }),
  last_success_at: z.string().nullable().openapi({ format: "date-time" }),
  created_at: z.string().openapi({ format: "date-time" }),
  updated_at: z.string().openapi({ format: "date-time" }),
});

const SlackChannel = ChannelFields.extend({ type: z.literal("slack"), config: StoredConfig.slack })
  .openapi("SlackChannel");
const EmailChannel = ChannelFields.extend({ type: z.literal("email"), config: StoredConfig.email })
  .openapi("EmailChannel");
const WebhookChannel = ChannelFields.extend({ type: z.literal("webhook"), config: StoredConfig.webhook })
  .openapi("WebhookChannel");

export const ChannelSchema = z.discriminatedUnion("type", [SlackChannel, EmailChannel, WebhookChannel])
  .openapi("NotificationChannel");
export type ChannelJson = z.infer<typeof ChannelSchema>;

/** A generated webhook signing secret is returned once, with the channel that got it. */
export const NewChannelSchema = z.discriminatedUnion("type", [
  SlackChannel,
  EmailChannel,
  WebhookChannel.extend({
    secret: z.string().optional().openapi({
      description: "Only when Opsdeck generated the webhook signing secret: shown this once",
      example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    }),
  }).openapi("NewWebhookChannel"),
]).openapi("NewNotificationChannel");

export const ChannelTestResultSchema = z.object({
  delivery_id: z.uuid(),
  ok: z.boolean(),
  response_code: z.number().int().nullable(),
  error: z.string().nullable(),
  latency_ms: z.number().int(),
}).openapi("NotificationChannelTestResult");
