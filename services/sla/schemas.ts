/** SLA target and report shapes, shared by the JSON API and the pages. */
import { z } from "@hono/zod-openapi";

export const SlaTargetInputSchema = z.strictObject({
  sow_id: z.uuid(),
  check_id: z.uuid().nullish().transform((v) => v ?? null).openapi({
    description: "One check; null or absent: every check of the SOW's project",
  }),
  uptime_percent: z.number().gt(0).max(100).openapi({ example: 99.9 }),
  response_p95_ms: z.int().min(1).max(600_000).nullish().transform((v) => v ?? null),
  first_response_hours: z.number().positive().max(10_000).nullish().transform((v) => v ?? null).openapi({
    description: "Change requests decided within this many hours of being filed",
  }),
  resolution_hours: z.number().positive().max(100_000).nullish().transform((v) => v ?? null),
  credit_tiers: z.array(z.strictObject({
    below: z.number().gt(0).max(100).openapi({ description: "Uptime below this percentage…" }),
    credit_percent: z.number().min(0).max(100).openapi({ description: "…earns this credit on the month's fee" }),
  })).max(10).default([]),
}).openapi("SlaTargetInput");
export type SlaTargetInput = z.infer<typeof SlaTargetInputSchema>;

export const SlaTargetSchema = z.object({
  id: z.uuid(),
  project_id: z.uuid(),
  sow_id: z.uuid(),
  check_id: z.uuid().nullable(),
  uptime_percent: z.number(),
  response_p95_ms: z.int().nullable(),
  first_response_hours: z.number().nullable(),
  resolution_hours: z.number().nullable(),
  credit_tiers: z.array(z.object({ below: z.number(), credit_percent: z.number() })),
}).openapi("SlaTarget");

export const SlaReportSchema = z.object({
  id: z.uuid(),
  client_id: z.uuid(),
  month: z.string().openapi({ example: "2026-11" }),
  timezone: z.string(),
  generated_at: z.string(),
  summary: z.record(z.string(), z.unknown()),
}).openapi("SlaReport");

export const SlaReportCreateSchema = z.strictObject({
  client_id: z.uuid(),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "A month as YYYY-MM"),
}).openapi("SlaReportCreate");
