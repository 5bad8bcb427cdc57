/** Notification channel shapes, shared by the JSON API and the page's forms. */
import { z } from "@hono/zod-openapi";
import { CHANNEL_KINDS } from "./channels/registry.ts";

const capitalised = (type: string) => `${type[0].toUpperCase()}${type.slice(1)}`;
/** The registry's kinds as the non-empty tuple a discriminated union takes. */
const asUnion = <T>(variants: T[]) => variants as [T, ...T[]];

const name = z.string().trim().min(1, "Give the channel a name").max(200).openapi({ example: "On-call Slack" });

/** One variant per kind, each a named schema, so the document can say `oneOf` with a `type` discriminator. */
const variant = (kind: typeof CHANNEL_KINDS[number]) =>
  z.strictObject({ name, type: z.literal(kind.type), config: kind.configSchema })
    .openapi(`${capitalised(kind.type)}ChannelCreate`);

export const CreateChannelSchema = z.discriminatedUnion("type", asUnion(CHANNEL_KINDS.map(variant)))
  .openapi("NotificationChannelCreate");
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

/** A stored channel of one kind, as the API shows it (`SlackChannel`, with `SlackChannelSettings`). */
const stored = (kind: typeof CHANNEL_KINDS[number]) =>
  ChannelFields.extend({
    type: z.literal(kind.type),
    config: kind.storedSchema.openapi(`${capitalised(kind.type)}ChannelSettings`),
  }).openapi(`${capitalised(kind.type)}Channel`);

type StoredVariant = ReturnType<typeof stored>;
export const ChannelSchema = z.discriminatedUnion("type", asUnion(CHANNEL_KINDS.map(stored)))
  .openapi("NotificationChannel");
export type ChannelJson = z.infer<typeof ChannelSchema>;

/** A secret Opsdeck generated (a webhook signing secret) is returned once, with the channel that got it. */
const created = (kind: typeof CHANNEL_KINDS[number]): StoredVariant =>
  kind.generatesSecret
    ? stored(kind).extend({
      secret: z.string().optional().openapi({
        description: "Only when Opsdeck generated the signing secret: shown this once",
        example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      }),
    }).openapi(`New${capitalised(kind.type)}Channel`)
    : stored(kind);

export const NewChannelSchema = z.discriminatedUnion("type", asUnion(CHANNEL_KINDS.map(created)))
  .openapi("NewNotificationChannel");

export const ChannelTestResultSchema = z.object({
  delivery_id: z.uuid(),
  ok: z.boolean(),
  response_code: z.number().int().nullable(),
  error: z.string().nullable(),
  latency_ms: z.number().int(),
}).openapi("NotificationChannelTestResult");
