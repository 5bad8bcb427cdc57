/** Insights request and response shapes, one schema for the API and the pages. */
import { z } from "@hono/zod-openapi";
import { COMPONENTS } from "./score_formula.ts";

export const PeriodQuerySchema = z.object({
  period: z.enum(["week", "month"]).default("week").openapi({ description: "Weekly or monthly scores" }),
});

const Component = z.object({
  score: z.number().int().nullable().openapi({ description: "0–100; null when the period had no data for it" }),
  weight: z.number().int(),
  value: z.number().nullable().openapi({ description: "The measured value (see docs/insights.md for its unit)" }),
});

export const ScoreSchema = z.object({
  period: z.enum(["week", "month"]),
  period_start: z.string().openapi({ format: "date" }),
  period_end: z.string().openapi({ format: "date", description: "Exclusive" }),
  score: z.number().int().nullable().openapi({ example: 82 }),
  components: z.object(Object.fromEntries(COMPONENTS.map((c) => [c, Component])) as Record<
    typeof COMPONENTS[number],
    typeof Component
  >),
  inputs: z.record(z.string(), z.number()).openapi({ description: "The counts and sums the score came from" }),
  time_saved_hours: z.number(),
  active_tools_count: z.number().int(),
  formula_version: z.number().int(),
  final: z.boolean().openapi({ description: "Computed after the period ended: never recomputed" }),
  computed_at: z.string().openapi({ format: "date-time" }),
}).openapi("OpsScore");

export const ScorePageSchema = z.object({
  scope_type: z.enum(["project", "client"]),
  scope_id: z.uuid(),
  name: z.string(),
  period: z.enum(["week", "month"]),
  latest: ScoreSchema.nullable(),
  history: z.array(ScoreSchema).openapi({ description: "Oldest first, up to 12 periods" }),
}).openapi("OpsScorePage");

export const LeagueSchema = z.object({
  period: z.enum(["week", "month"]),
  rows: z.array(z.object({
    scope_type: z.enum(["project", "client"]),
    scope_id: z.uuid(),
    name: z.string(),
    client_name: z.string().nullable(),
    score: z.number().int().nullable(),
    period_start: z.string().openapi({ format: "date" }),
    time_saved_hours: z.number(),
  })),
}).openapi("OpsScoreLeague");

export const QUICK_WIN_STATUSES = ["open", "completed", "dismissed", "cleared"] as const;

export const QuickWinListQuerySchema = z.object({
  project_id: z.uuid().optional(),
  client_id: z.uuid().optional(),
  status: z.enum([...QUICK_WIN_STATUSES, "all"]).default("open"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type QuickWinListQuery = z.infer<typeof QuickWinListQuerySchema>;

export const QuickWinSchema = z.object({
  id: z.uuid(),
  rule: z.string().openapi({ example: "check_without_alert_rule" }),
  subject_type: z.string(),
  subject_id: z.uuid(),
  project_id: z.uuid().nullable(),
  project_name: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  category: z.enum(["reliability", "alerting", "delivery", "security", "hygiene"]),
  impact: z.enum(["low", "medium", "high"]),
  effort: z.enum(["low", "medium", "high"]),
  estimated_minutes_saved: z.number().int().openapi({ description: "Minutes a month (the rule's assumption)" }),
  fix_path: z.string().nullable().openapi({ description: "The page that fixes it" }),
  status: z.enum(QUICK_WIN_STATUSES),
  dismiss_reason: z.string().nullable(),
  first_seen_at: z.string().openapi({ format: "date-time" }),
  last_seen_at: z.string().openapi({ format: "date-time" }),
}).openapi("QuickWin");

export const QuickWinDecisionSchema = z.strictObject({
  status: z.enum(["open", "completed", "dismissed"]).openapi({
    description: "completed: you fixed it (the next evaluation re-opens it if the condition still holds); " +
      "dismissed: hide it until its condition clears and comes back; open: undo either",
  }),
  reason: z.string().trim().min(1, "Say why it is dismissed").max(500).optional(),
}).superRefine((v, ctx) => {
  if (v.status === "dismissed" && !v.reason) {
    ctx.addIssue({ code: "custom", path: ["reason"], message: "Say why it is dismissed" });
  }
}).openapi("QuickWinDecision");
export type QuickWinDecision = z.infer<typeof QuickWinDecisionSchema>;

export const USAGE_STATUSES = ["optimal", "needs_attention", "underutilized", "moderate"] as const;

export const UsageSchema = z.object({
  period_start: z.string().nullable().openapi({ format: "date" }),
  period_end: z.string().nullable().openapi({ format: "date" }),
  platforms: z.array(z.object({
    platform: z.enum(["slack", "email", "webhook", "github", "data_sources", "api_keys"]),
    usage_percentage: z.number().int(),
    status: z.enum(USAGE_STATUSES),
    configured: z.number().int(),
    active: z.number().int(),
    failing: z.number().int(),
  })),
}).openapi("UsageAnalytics");

export const FeedQuerySchema = z.object({
  source: z.enum(["all", "audit", "event"]).default("all"),
  project_id: z.uuid().optional(),
  actor_id: z.uuid().optional().openapi({ description: "Audits by this user" }),
  type: z.string().trim().min(1).max(100).optional().openapi({
    description: "An audit action or event type prefix, e.g. `alert.` or `check.update`",
  }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type FeedQuery = z.infer<typeof FeedQuerySchema>;

export const FeedEntrySchema = z.object({
  source: z.enum(["audit", "event"]),
  id: z.string(),
  at: z.string().openapi({ format: "date-time" }),
  type: z.string().openapi({ example: "health_check.down" }),
  actor: z.string().nullable(),
  description: z.string().openapi({ description: "One human-readable line" }),
  project_id: z.uuid().nullable(),
  link: z.string().nullable(),
}).openapi("ActivityLogEntry");

export const ActivityQuerySchema = z.object({
  user_id: z.uuid().optional(),
  resource_type: z.string().trim().min(1).max(100).optional(),
  resource_id: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ActivityQuery = z.infer<typeof ActivityQuerySchema>;

export const ActivitySchema = z.object({
  summary: z.array(z.object({
    user_id: z.uuid(),
    user_label: z.string(),
    events: z.number().int(),
    sessions: z.number().int(),
    last_at: z.string().openapi({ format: "date-time" }),
  })).openapi({ description: "Per user over the last 30 days, most active first" }),
  recent: z.array(z.object({
    user_id: z.uuid(),
    session_id: z.string().nullable(),
    activity_type: z.string(),
    resource_type: z.string(),
    resource_id: z.string().nullable(),
    at: z.string().openapi({ format: "date-time" }),
  })),
}).openapi("UserActivity");
