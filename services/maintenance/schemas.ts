/** Request and response shapes for maintenance windows: one schema for the API and the page's form. */
import { z } from "@hono/zod-openapi";
import { PageQuerySchema } from "../platform/pagination.ts";

const max = (n: number) => `must be at most ${n} characters`;
const Time = z.iso.datetime({ offset: true, error: "must be an RFC 3339 time like 2025-03-01T09:30:00Z" })
  .openapi({ format: "date-time", example: "2025-03-01T22:00:00Z" });
const LocalTime = z.string().regex(
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/,
  "must be a local date and time like 2025-03-02T02:00 (no offset: the timezone says where)",
);

const fields = {
  title: z.string().trim().min(1, "is required").max(200, max(200)).openapi({ example: "Weekly database upkeep" }),
  description: z.string().trim().max(2000, max(2000)).nullable().optional(),
  project_id: z.uuid({ error: "must be a project id (UUID)" }).nullable().optional().openapi({
    description: "The project covered; null or absent: every project of the organisation",
    example: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19",
  }),
  environment: z.string().trim().min(1).max(100, max(100)).nullable().optional().openapi({
    description: "Informational (deployments set it): checks have no environment, so a window covers its " +
      "project's checks whatever the environment",
    example: "production",
  }),
  starts_at: Time.optional().openapi({ description: "One-off windows: default now" }),
  ends_at: Time.optional().openapi({ description: "One-off windows: give this or `duration_minutes`" }),
  duration_minutes: z.number().int().min(1, "must be at least 1").max(44_640, "must be at most 31 days")
    .optional().openapi({ example: 120, description: "Length of a one-off window, or of each occurrence" }),
  rrule: z.string().trim().min(1).max(500, max(500)).optional().openapi({
    description: "Makes the window recurring: RFC 5545 RRULE subset FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY " +
      "(1MO / -1FR with MONTHLY), BYMONTHDAY, BYHOUR, BYMINUTE, COUNT, UNTIL",
    example: "FREQ=WEEKLY;BYDAY=SU",
  }),
  dtstart: LocalTime.optional().openapi({
    description: "Recurring windows: the first occurrence's LOCAL start in `timezone` (default: `starts_at`, or " +
      "now, in that zone)",
    example: "2025-03-02T02:00",
  }),
  timezone: z.string().trim().min(1).max(64, max(64)).optional().openapi({
    description: "IANA zone the recurrence is computed in (default UTC)",
    example: "Europe/Berlin",
  }),
};

export const CreateWindowSchema = z.strictObject(fields).openapi("MaintenanceWindowCreate");
export type CreateWindowInput = z.infer<typeof CreateWindowSchema>;

export const UpdateWindowSchema = z.strictObject({
  ...fields,
  title: fields.title.optional(),
  rrule: fields.rrule.nullable().openapi({ description: "null turns a recurring window into a one-off one" }),
}).openapi("MaintenanceWindowUpdate");
export type UpdateWindowInput = z.infer<typeof UpdateWindowSchema>;

export const ListWindowsQuerySchema = PageQuerySchema.extend({
  project_id: z.uuid().optional().openapi({ description: "Only this project's windows (not tenant-wide ones)" }),
  state: z.enum(["current", "past", "all"]).default("all").openapi({
    description: "`current`: not over yet (running or to come); `past`: over",
  }),
});
export type ListWindowsQuery = z.infer<typeof ListWindowsQuerySchema>;

const Interval = z.object({
  starts_at: z.string().openapi({ format: "date-time" }),
  ends_at: z.string().openapi({ format: "date-time" }),
});

export const WindowSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string().nullable(),
  project_id: z.uuid().nullable(),
  environment: z.string().nullable(),
  kind: z.enum(["one_off", "recurring"]),
  starts_at: z.string().openapi({ format: "date-time", description: "Recurring: the first occurrence's start" }),
  ends_at: z.string().nullable().openapi({
    format: "date-time",
    description: "Recurring: the last occurrence's end; null for a series without COUNT/UNTIL that was not ended",
  }),
  rrule: z.string().nullable(),
  dtstart: z.string().nullable().openapi({ example: "2025-03-02T02:00:00" }),
  timezone: z.string(),
  duration_minutes: z.number().int().nullable(),
  active: z.boolean().openapi({ description: "In effect right now" }),
  next_occurrences: z.array(Interval).openapi({
    description: "Up to 5 stretches not over yet, the running one first",
  }),
  created_at: z.string().openapi({ format: "date-time" }),
  updated_at: z.string().openapi({ format: "date-time" }),
}).openapi("MaintenanceWindow");
export type WindowJson = z.infer<typeof WindowSchema>;
