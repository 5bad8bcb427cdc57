/** Notification channel shapes, shared by the JSON API and the page's forms. */
import { z } from "@hono/zod-openapi";

export const CHANNEL_TYPES = ["slack", "email", "webhook"] as const;
export const EMAIL_RECIPIENTS_MAX = 20;

const httpUrl = (what: string) =>
  z.string().trim().max(2000).refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
    } catch {
      return false;
    }
  }, `must be an http(s) URL for ${what}, without user:password@`);

/** Either a bot token and a channel (buttons, edits) or an incoming-webhook URL (post only). */
export const SlackConfigSchema = z.strictObject({
  bot_token: z.string().trim().regex(/^xox[bp]-[A-Za-z0-9-]{8,250}$/, "must be a Slack bot token (xoxb-…)")
    .optional().openapi({ description: "Secret: stored encrypted, never returned", example: "xoxb-1234-5678-abcd" }),
  channel: z.string().trim().regex(/^#?[A-Za-z0-9._-]{1,80}$/, "must be a channel id (C0123…) or #name").optional()
    .openapi({ description: "Where the bot posts; invite the bot to it", example: "C0123456789" }),
  webhook_url: httpUrl("the incoming webhook").optional().openapi({
    description: "Secret: an incoming-webhook URL (no buttons, no edits); stored encrypted, never returned",
    example: "https://hooks.slack.com/services/T000/B000/XXXX",
  }),
}).openapi("SlackChannelConfig");

export const EmailConfigSchema = z.strictObject({
  to: z.array(z.email("must be an e-mail address").max(254)).min(1, "Add at least one recipient")
    .max(EMAIL_RECIPIENTS_MAX).openapi({ example: ["oncall@example.com"] }),
}).openapi("EmailChannelConfig");

export const WebhookConfigSchema = z.strictObject({
  url: httpUrl("the receiver").openapi({ example: "https://hooks.example.com/opsdeck" }),
  secret: z.string().trim().regex(
    /^whsec_[A-Za-z0-9+/]{32,172}={0,2}$/,
    "must be whsec_ followed by base64 (24 to 128 bytes)",
  ).optional().openapi({
    description: "Standard Webhooks signing secret; generated (and shown once) when absent. Never returned.",
    example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  }),
}).openapi("WebhookChannelConfig");

const name = z.string().trim().min(1, "Give the channel a name").max(200).openapi({ example: "On-call Slack" });

/** One variant per type, each a named schema, so the document can say `oneOf` with a `type` discriminator. */
export const CreateChannelSchema = z.discriminatedUnion("type", [
  z.strictObject({ name, type: z.literal("slack"), config: SlackConfigSchema }).openapi("SlackChannelCreate"),
  z.strictObject({ name, type: z.literal("email"), config: EmailConfigSchema }).openapi("EmailChannelCreate"),
  z.strictObject({ name, type: z.literal("webhook"), config: WebhookConfigSchema }).openapi("WebhookChannelCreate"),
]).openapi("NotificationChannelCreate");
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
