/** Report shapes, shared by the JSON API and the pages. */
import { z } from "@hono/zod-openapi";
import { isValidTimezone, parseCron } from "../../checks/cron.ts";
import { FiltersSchema } from "../schemas.ts";

export const REPORT_FORMATS = ["pdf", "excel", "csv"] as const;
export const MAX_RECIPIENTS = 500;
export const MAX_CHANNELS = 20;
export const NO_RECIPIENT = "Name at least one recipient: an e-mail address or a notification channel";

/** A 5-field cron (or @alias) that fires at most once an hour: exactly one minute value. */
const cron = z.string().trim().min(1).max(100).superRefine((value, ctx) => {
  try {
    const schedule = parseCron(value);
    if (schedule.minutes.size !== 1) {
      ctx.addIssue({ code: "custom", message: "runs more often than hourly: give the minute as one number" });
    }
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
  }
}).openapi({ example: "0 8 * * 1" });

const timezone = z.string().max(64).refine(isValidTimezone, "is not an IANA time zone").openapi({
  example: "Europe/Berlin",
});
const recipients = z.array(z.email("is not an e-mail address").max(254)).max(
  MAX_RECIPIENTS,
  `At most ${MAX_RECIPIENTS} recipients`,
);
const channelIds = z.array(z.uuid("is not a channel id")).max(MAX_CHANNELS, `At most ${MAX_CHANNELS} channels`)
  .openapi({ description: "Notification channels told when a run is ready (a link to the file, not the file)" });
const keepDays = z.int().min(1).max(365);

const ReportFields = z.strictObject({
  name: z.string().trim().min(1, "Give it a name").max(200),
  cron,
  timezone,
  recipients,
  channel_ids: channelIds,
  format: z.enum(REPORT_FORMATS),
  filters: FiltersSchema.optional().openapi({ description: "Left out: the dashboard's own filters" }),
  keep_days: keepDays,
  is_active: z.boolean(),
});

export const CreateReportSchema = ReportFields.extend({
  dashboard_id: z.uuid(),
  timezone: timezone.default("UTC"),
  recipients: recipients.default([]),
  channel_ids: channelIds.default([]),
  keep_days: keepDays.default(30),
  is_active: z.boolean().default(true),
}).refine((r) => r.recipients.length + r.channel_ids.length > 0, { path: ["recipients"], message: NO_RECIPIENT })
  .openapi("ReportCreate");
export type CreateReportInput = z.infer<typeof CreateReportSchema>;
/** Without defaults: a field left out keeps its stored value. */
export const UpdateReportSchema = ReportFields.partial().openapi("ReportUpdate");
export type UpdateReportInput = z.infer<typeof UpdateReportSchema>;

export const ReportSchema = z.object({
  id: z.uuid(),
  dashboard_id: z.uuid(),
  name: z.string(),
  cron: z.string(),
  timezone: z.string(),
  recipients: z.array(z.string()),
  channel_ids: z.array(z.uuid()),
  format: z.enum(REPORT_FORMATS),
  keep_days: z.int(),
  is_active: z.boolean(),
  last_sent: z.string().nullable(),
  next_run_at: z.string(),
}).openapi("Report");

export const RunSchema = z.object({
  id: z.uuid(),
  trigger: z.enum(["schedule", "manual"]),
  status: z.enum(["pending", "sent", "failed"]),
  filename: z.string().nullable(),
  has_file: z.boolean(),
  error: z.string().nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  expires_at: z.string(),
  mail: z.array(z.object({ to: z.string(), status: z.string(), attempts: z.int() })).optional(),
}).openapi("ReportRun");
