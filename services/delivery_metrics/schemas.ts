/** Delivery metrics (DORA) request and response shapes: one schema for the API and the page. */
import { z } from "@hono/zod-openapi";

export const WINDOWS = [7, 30, 90] as const;

export const DeliveryMetricsQuerySchema = z.object({
  project_id: z.uuid().optional().openapi({ description: "One project; without it, every visible project" }),
  environment: z.string().trim().min(1).max(100).optional().openapi({
    example: "production",
    description: "One environment (DORA usually means production); without it, all",
  }),
  days: z.enum(["7", "30", "90"]).default("30").transform(Number).openapi({
    description: "The window: the last 7, 30 or 90 days",
    example: "30",
  }),
});
export type DeliveryMetricsQuery = z.infer<typeof DeliveryMetricsQuerySchema>;

const Seconds = z.number().nullable().openapi({ description: "Seconds; null without samples" });

export const DeliveryMetricsSchema = z.object({
  project_id: z.uuid().nullable(),
  environment: z.string().nullable(),
  days: z.number().int().openapi({ example: 30 }),
  since: z.string().openapi({ format: "date-time" }),
  until: z.string().openapi({ format: "date-time" }),
  deployment_frequency: z.object({
    deployments: z.number().int().openapi({
      description: "Deployments that went out (succeeded or later rolled back)",
    }),
    per_day: z.number().openapi({ example: 1.4 }),
  }),
  lead_time_for_changes: z.object({
    median_seconds: Seconds,
    p90_seconds: Seconds,
    samples: z.number().int().openapi({ description: "Deployments that reported `committed_at`" }),
  }),
  change_failure_rate: z.object({
    failures: z.number().int().openapi({ description: "Failed or rolled back" }),
    finished: z.number().int(),
    rate: z.number().nullable().openapi({ example: 0.08, description: "failures / finished; null with none finished" }),
  }),
  time_to_restore: z.object({
    median_seconds: Seconds,
    samples: z.number().int().openapi({ description: "Failures followed by a success in the same environment" }),
  }),
  daily: z.array(z.object({
    day: z.string().openapi({ example: "2025-03-01" }),
    succeeded: z.number().int(),
    failed: z.number().int(),
  })).openapi({ description: "Every day of the window, oldest first (UTC)" }),
  projects: z.array(z.object({
    project_id: z.uuid(),
    project_name: z.string(),
    deployments: z.number().int(),
    failures: z.number().int(),
    finished: z.number().int(),
  })).openapi({ description: "Per project, most active first; empty when `project_id` is given" }),
}).openapi("DeliveryMetrics");
export type DeliveryMetrics = z.infer<typeof DeliveryMetricsSchema>;
