/** Notification rule shapes: one schema for the API and the page. */
import { z } from "@hono/zod-openapi";
import { EVENT_TYPES } from "../../db/queries/events.ts";
import type { RuleRow } from "../../db/queries/notification_rules.ts";
import { PageQuerySchema } from "../platform/pagination.ts";

export const RULE_MODES = ["immediate", "digest"] as const;

const EventTypes = z.array(z.enum(EVENT_TYPES)).min(1).max(EVENT_TYPES.length)
  .refine((types) => new Set(types).size === types.length, "Each event type once")
  .openapi({ description: "SPEC's event types this rule forwards", example: ["health_check.down", "alert.triggered"] });

const DigestMinutes = z.number().int().min(1).max(10080).openapi({
  description: "With `mode: digest`: the window in minutes (aligned to the clock); the channel gets one message " +
    "per window listing every event in it",
  example: 15,
});

const fields = {
  project_id: z.uuid().nullable().optional().openapi({
    description: "Only this project's events; absent or null: " +
      "every event of the organisation",
  }),
  event_types: EventTypes,
  channel_id: z.uuid().openapi({ description: "A channel of your organisation" }),
  mode: z.enum(RULE_MODES).default("immediate").openapi({ example: "immediate" }),
  digest_minutes: DigestMinutes.nullable().optional(),
  enabled: z.boolean().default(true),
};

type DigestShape = { mode?: string; digest_minutes?: number | null };
const digestCheck = (v: DigestShape, ctx: z.RefinementCtx) => {
  if (v.mode === "digest" && !v.digest_minutes) {
    ctx.addIssue({ code: "custom", path: ["digest_minutes"], message: "A digest needs its window in minutes" });
  }
  if (v.mode === "immediate" && v.digest_minutes) {
    ctx.addIssue({ code: "custom", path: ["digest_minutes"], message: "Only a digest has a window" });
  }
};

export const CreateRuleSchema = z.strictObject(fields).superRefine(digestCheck).openapi("NotificationRuleCreate");
export type CreateRuleInput = z.infer<typeof CreateRuleSchema>;

/** PATCH: any field; the result must still be a valid rule (checked against the stored one). */
export const UpdateRuleSchema = z.strictObject({
  project_id: fields.project_id,
  event_types: EventTypes.optional(),
  channel_id: fields.channel_id.optional(),
  mode: z.enum(RULE_MODES).optional(),
  digest_minutes: DigestMinutes.nullable().optional(),
  enabled: z.boolean().optional(),
}).openapi("NotificationRuleUpdate");
export type UpdateRuleInput = z.infer<typeof UpdateRuleSchema>;

export const ListRulesQuerySchema = PageQuerySchema.extend({
  channel_id: z.uuid().optional(),
  project_id: z.uuid().optional(),
});
export type ListRulesQuery = z.infer<typeof ListRulesQuerySchema>;

export const RuleSchema = z.object({
  id: z.uuid(),
  project_id: z.uuid().nullable(),
  project_name: z.string().nullable().openapi({ example: "Acme shop" }),
  channel_id: z.uuid(),
  channel_name: z.string().openapi({ example: "#ops" }),
  channel_type: z.string().openapi({ example: "slack" }),
  event_types: z.array(z.string()).openapi({ example: ["health_check.down"] }),
  mode: z.enum(RULE_MODES),
  digest_minutes: z.number().int().nullable(),
  enabled: z.boolean(),
  created_at: z.string().openapi({ format: "date-time" }),
  updated_at: z.string().openapi({ format: "date-time" }),
}).openapi("NotificationRule");

export function ruleJson(r: RuleRow): z.infer<typeof RuleSchema> {
  return {
    id: r.id,
    project_id: r.project_id,
    project_name: r.project_name,
    channel_id: r.channel_id,
    channel_name: r.channel_name,
    channel_type: r.channel_type,
    event_types: r.event_types,
    mode: r.mode,
    digest_minutes: r.digest_minutes,
    enabled: r.enabled,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}
