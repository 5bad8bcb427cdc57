/** Request and response shapes for alert rules and alerts: one schema for the API and the pages. */
import { z } from "@hono/zod-openapi";
import { type AlertRuleRow, OPERATORS, QUERY_MEASURES, RULE_KINDS, SEVERITIES } from "../../db/queries/alert_rules.ts";
import { ALERT_STATUSES, type AlertRow, type HistoryRow } from "../../db/queries/alerts.ts";
import { PageQuerySchema } from "../platform/pagination.ts";

const Uuid = z.uuid().openapi({ example: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19" });
const Minutes = z.number().int().min(1).max(10080);

/** The fields of a rule; which ones a kind needs is checked by `ruleProblems`. */
const ruleFields = {
  name: z.string().trim().min(1).max(200).openapi({ example: "Storefront down" }),
  project_id: Uuid.nullable().optional().openapi({ description: "Absent or null: every project of the tenant" }),
  check_id: Uuid.nullable().optional().openapi({
    description: "check_down, check_degraded, heartbeat_missed, certificate_expiring: one check only",
  }),
  severity: z.enum(SEVERITIES).optional().openapi({ description: "Defaults to `warning`", example: "critical" }),
  enabled: z.boolean().optional().openapi({ description: "Defaults to true" }),
  metric_type: z.string().regex(/^[a-z][a-z0-9_.]{0,99}$/, "must be a metric type such as cpu.load")
    .nullable().optional().openapi({ example: "http.p95_ms" }),
  operator: z.enum(OPERATORS).nullable().optional().openapi({ example: "above" }),
  threshold: z.number().finite().nullable().optional().openapi({
    description: "above|below: the value; change_percent: the change in % (positive: a rise, negative: a drop)",
    example: 800,
  }),
  window_seconds: z.number().int().min(60).max(604800).nullable().optional().openapi({
    description: "metric_threshold: averaged over this window (default 300)",
    example: 300,
  }),
  days_before: z.number().int().min(1).max(365).nullable().optional().openapi({
    description: "certificate_expiring: fire when the certificate expires within this many days (default 14)",
  }),
  environment: z.string().trim().min(1).max(100).nullable().optional().openapi({
    description: "deployment_failed: this environment only (any case); absent: every environment",
    example: "production",
  }),
  repeat_interval_minutes: Minutes.nullable().optional().openapi({
    description: "Re-notify every N minutes while the alert is triggered and unacknowledged",
    example: 60,
  }),
  escalate_after_minutes: Minutes.nullable().optional().openapi({
    description: "Escalate once when still unacknowledged after N minutes",
    example: 15,
  }),
  escalation_channel_id: Uuid.nullable().optional().openapi({
    description: "Escalation notifies this channel; absent: escalation re-notifies through the notification rules",
  }),
  query_id: Uuid.nullable().optional().openapi({ description: "query_threshold: the saved query to run" }),
  query_measure: z.enum(QUERY_MEASURES).nullable().optional().openapi({
    description: "query_threshold: `value` (first column of the first row, default) or `row_count`",
    example: "value",
  }),
  query_parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable()
    .optional().openapi({
      description: "query_threshold: values of the query's {{parameters}} (defaults fill the rest)",
      example: { country: "DE" },
    }),
  interval_seconds: z.number().int().min(60).max(604800).nullable().optional().openapi({
    description: "query_threshold: run the query every N seconds (at least 60; default 300)",
    example: 300,
  }),
};

export const CreateAlertRuleSchema = z.strictObject({
  ...ruleFields,
  kind: z.enum(RULE_KINDS).openapi({ example: "check_down" }),
}).openapi("AlertRuleCreate");
export type CreateAlertRuleInput = z.infer<typeof CreateAlertRuleSchema>;

/** The kind is fixed once created: a rule of another kind is another rule. */
export const UpdateAlertRuleSchema = z.strictObject({ ...ruleFields, name: ruleFields.name.optional() })
  .openapi("AlertRuleUpdate");
export type UpdateAlertRuleInput = z.infer<typeof UpdateAlertRuleSchema>;

export const ListAlertRulesQuerySchema = PageQuerySchema.extend({
  project_id: z.uuid().optional(),
  kind: z.enum(RULE_KINDS).optional(),
  enabled: z.enum(["true", "false"]).optional(),
});
export type ListAlertRulesQuery = z.infer<typeof ListAlertRulesQuerySchema>;

const Time = z.string().openapi({ format: "date-time", example: "2026-03-01T09:30:00.000Z" });
const NullableTime = z.string().nullable().openapi({ format: "date-time" });

export const AlertRuleSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(RULE_KINDS),
  project_id: z.uuid().nullable(),
  project_name: z.string().nullable(),
  check_id: z.uuid().nullable(),
  check_name: z.string().nullable(),
  severity: z.enum(SEVERITIES),
  enabled: z.boolean(),
  metric_type: z.string().nullable(),
  operator: z.enum(OPERATORS).nullable(),
  threshold: z.number().nullable(),
  window_seconds: z.number().int().nullable(),
  days_before: z.number().int().nullable(),
  environment: z.string().nullable(),
  repeat_interval_minutes: z.number().int().nullable(),
  escalate_after_minutes: z.number().int().nullable(),
  escalation_channel_id: z.uuid().nullable(),
  escalation_channel_name: z.string().nullable(),
  query_id: z.uuid().nullable(),
  query_name: z.string().nullable(),
  query_measure: z.enum(QUERY_MEASURES).nullable(),
  query_parameters: z.record(z.string(), z.unknown()).nullable(),
  interval_seconds: z.number().int().nullable(),
  last_value: z.number().nullable().openapi({ description: "query_threshold: the number the last good run read" }),
  last_error: z.string().nullable().openapi({
    description: "query_threshold: why the last run failed (the rule is in error: it opens nothing until it runs)",
  }),
  last_evaluated_at: NullableTime,
  created_at: Time,
  updated_at: Time,
}).openapi("AlertRule");

export function alertRuleJson(r: AlertRuleRow): z.infer<typeof AlertRuleSchema> {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    project_id: r.project_id,
    project_name: r.project_name,
    check_id: r.check_id,
    check_name: r.check_name,
    severity: r.severity,
    enabled: r.enabled,
    metric_type: r.metric_type,
    operator: r.operator,
    threshold: r.threshold,
    window_seconds: r.window_seconds,
    days_before: r.days_before,
    environment: r.environment,
    repeat_interval_minutes: r.repeat_interval_minutes,
    escalate_after_minutes: r.escalate_after_minutes,
    escalation_channel_id: r.escalation_channel_id,
    escalation_channel_name: r.escalation_channel_name,
    query_id: r.query_id,
    query_name: r.query_name,
    query_measure: r.query_measure,
    query_parameters: r.query_parameters,
    interval_seconds: r.interval_seconds,
    last_value: r.last_value,
    last_error: r.last_error,
    last_evaluated_at: r.last_evaluated_at?.toISOString() ?? null,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

const Comment = z.string().trim().max(2000).optional().openapi({
  description: "Kept in the alert's history and sent with its notification",
  example: "Looking into it: the database failed over.",
});

export const AcknowledgeSchema = z.strictObject({ comment: Comment }).openapi("AlertAcknowledge");
export type AcknowledgeInput = z.infer<typeof AcknowledgeSchema>;
export const ResolveSchema = z.strictObject({ comment: Comment }).openapi("AlertResolve");
export type ResolveInput = z.infer<typeof ResolveSchema>;

export const SnoozeSchema = z.strictObject({
  until: z.iso.datetime({ offset: true }).optional().openapi({ example: "2026-03-02T09:00:00Z" }),
  minutes: z.number().int().min(1).max(43200).optional().openapi({ example: 60 }),
  comment: Comment,
}).refine((s) => (s.until === undefined) !== (s.minutes === undefined), {
  path: ["until"],
  message: "give either until or minutes",
}).openapi("AlertSnooze", { example: { minutes: 60, comment: "Vendor fix expected within the hour." } });
export type SnoozeInput = z.infer<typeof SnoozeSchema>;

export const ListAlertsQuerySchema = PageQuerySchema.extend({
  status: z.enum([...ALERT_STATUSES, "open"]).optional().openapi({
    description: "`open`: triggered, acknowledged or snoozed",
  }),
  severity: z.enum(SEVERITIES).optional(),
  project_id: z.uuid().optional(),
  rule_id: z.uuid().optional(),
  since: z.iso.datetime({ offset: true }).optional().openapi({ description: "Triggered at or after" }),
});
export type ListAlertsQuery = z.infer<typeof ListAlertsQuerySchema>;

export const AlertSchema = z.object({
  id: z.uuid(),
  rule_id: z.uuid(),
  rule_name: z.string(),
  rule_kind: z.enum(RULE_KINDS),
  project_id: z.uuid().nullable(),
  project_name: z.string().nullable(),
  check_id: z.uuid().nullable(),
  subject_key: z.string().openapi({ example: "check:5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19" }),
  status: z.enum(ALERT_STATUSES),
  severity: z.enum(SEVERITIES),
  summary: z.string().openapi({ example: "Storefront homepage is down: HTTP 503" }),
  value: z.number().nullable().openapi({ description: "The observed value that fired a metric rule" }),
  triggered_at: Time,
  acknowledged_at: NullableTime,
  acknowledged_by: z.uuid().nullable(),
  snoozed_until: NullableTime,
  resolved_at: NullableTime,
  escalated_at: NullableTime,
  path: z.string().openapi({ example: "/alerts/5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19" }),
}).openapi("Alert");

const HistoryEntrySchema = z.object({
  from_status: z.enum(ALERT_STATUSES).nullable(),
  to_status: z.enum(ALERT_STATUSES),
  action: z.enum(["transition", "renotified", "escalated"]),
  actor_id: z.uuid().nullable().openapi({ description: "null: the system" }),
  actor_name: z.string().nullable(),
  comment: z.string().nullable(),
  at: Time,
});

export const AlertWithHistorySchema = AlertSchema.extend({ history: z.array(HistoryEntrySchema) })
  .openapi("AlertWithHistory");

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function alertJson(a: AlertRow): z.infer<typeof AlertSchema> {
  return {
    id: a.id,
    rule_id: a.rule_id,
    rule_name: a.rule_name,
    rule_kind: a.rule_kind,
    project_id: a.project_id,
    project_name: a.project_name,
    check_id: a.check_id,
    subject_key: a.subject_key,
    status: a.status,
    severity: a.severity,
    summary: a.summary,
    value: a.value,
    triggered_at: a.triggered_at.toISOString(),
    acknowledged_at: iso(a.acknowledged_at),
    acknowledged_by: a.acknowledged_by,
    snoozed_until: iso(a.snoozed_until),
    resolved_at: iso(a.resolved_at),
    escalated_at: iso(a.escalated_at),
    path: `/alerts/${a.id}`,
  };
}

export function historyJson(h: HistoryRow): z.infer<typeof HistoryEntrySchema> {
  return {
    from_status: h.from_status,
    to_status: h.to_status,
    action: h.action,
    actor_id: h.actor_user_id,
    actor_name: h.actor_name,
    comment: h.comment,
    at: h.created_at.toISOString(),
  };
}
