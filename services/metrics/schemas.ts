/** Request and response shapes for metrics: one schema for the API and the explorer page. */
import { z } from "@hono/zod-openapi";
import { MAX_RANGE_DAYS, STEP_PATTERN } from "./steps.ts";

export const MAX_POINTS = 10_000;
export const CHECK_LATENCY_TYPE = "check.latency_ms";
export const AGGREGATIONS = ["avg", "min", "max", "p95", "count"] as const;
export type Aggregation = typeof AGGREGATIONS[number];

const Time = z.iso.datetime({ offset: true, error: "must be an RFC 3339 time like 2025-03-01T09:30:00Z" })
  .openapi({ format: "date-time", example: "2025-03-01T09:30:00Z" });
const METRIC_TYPE_PATTERN = /^[a-z][a-z0-9_.]{0,99}$/;
export const MetricType = z.string().regex(
  METRIC_TYPE_PATTERN,
  "must start with a letter and use only a-z, 0-9, '_' and '.' (at most 100 characters)",
).openapi({ example: "cpu.load" });

export const PointSchema = z.strictObject({
  project_id: z.uuid({ error: "must be a project id (UUID)" }).openapi({
    example: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19",
  }),
  type: MetricType,
  value: z.number({ error: "must be a finite number" }).refine(Number.isFinite, "must be a finite number")
    .openapi({ example: 0.42 }),
  recorded_at: Time.optional().openapi({ description: "Defaults to the time the batch arrives" }),
}).openapi("MetricPoint");

export const IngestSchema = z.strictObject({
  points: z.array(PointSchema).min(1, "must hold at least one point")
    .max(MAX_POINTS, `at most ${MAX_POINTS.toLocaleString("en")} points per request`),
}).openapi("MetricBatch");
export type IngestInput = z.infer<typeof IngestSchema>;

const POINT_KEYS = new Set(Object.keys(PointSchema.shape));
// The very patterns the schema tests (zod keeps a string format's regex in `_zod.pattern`).
const UUID_PATTERN = PointSchema.shape.project_id._zod.pattern;
const TIME_PATTERN = Time._zod.pattern;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * IngestSchema's verdict on a batch it accepts as it is, without its cost:
 * zod took 20–70 ms per 10,000 points here, more than JSON.parse and about
 * as much as the insert. True only when every point passes the same tests
 * with the same patterns; anything else (a bad or unusual batch) is left to
 * the schema, so every answer, and every error, is the schema's.
 */
export function plainlyValidBatch(body: unknown): body is IngestInput {
  if (!isRecord(body) || !Array.isArray(body.points)) return false;
  for (const key in body) if (key !== "points") return false;
  const points: unknown[] = body.points;
  if (points.length < 1 || points.length > MAX_POINTS) return false;
  for (const p of points) {
    if (!isRecord(p)) return false;
    for (const key in p) if (!POINT_KEYS.has(key)) return false;
    const { project_id, type, value, recorded_at } = p;
    if (typeof project_id !== "string" || !UUID_PATTERN.test(project_id)) return false;
    if (typeof type !== "string" || !METRIC_TYPE_PATTERN.test(type)) return false;
    if (typeof value !== "number" || !Number.isFinite(value)) return false;
    if (recorded_at !== undefined && (typeof recorded_at !== "string" || !TIME_PATTERN.test(recorded_at))) {
      return false;
    }
  }
  return true;
}

export const IngestResultSchema = z.object({
  accepted: z.number().int().openapi({ example: 10000, description: "Points stored (new or updated)" }),
  project_ids: z.array(z.uuid()).openapi({ example: ["5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19"] }),
}).openapi("MetricIngestResult");
export type IngestResult = z.infer<typeof IngestResultSchema>;

export const QuerySchema = z.object({
  project_id: z.uuid({ error: "must be a project id (UUID)" }).optional().openapi({
    description: "Required, except for `check.latency_ms` where `check_id` names the series",
    example: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19",
  }),
  type: MetricType,
  check_id: z.uuid({ error: "must be a health check id (UUID)" }).optional().openapi({
    description: "With `type=check.latency_ms`: the health check whose result latencies to aggregate",
  }),
  from: Time.optional().openapi({ description: "Default: `to` minus 24 hours" }),
  to: Time.optional().openapi({ description: "Default: now" }),
  step: z.string().regex(STEP_PATTERN, "must be a duration such as 30s, 5m, 1h or 1d").optional().openapi({
    description: "Bucket size. Default: the smallest of 10s, 30s, 1m, 5m, 10m, 15m, 30m, 1h, 2h, 3h, 6h, 12h, 1d, " +
      "7d giving at most 300 buckets",
    example: "5m",
  }),
  agg: z.enum(AGGREGATIONS).default("avg").openapi({
    description: "Which aggregate `value` carries (every bucket has all of them)",
  }),
}).openapi({ description: `Ranges up to ${MAX_RANGE_DAYS} days` });
export type MetricQuery = z.infer<typeof QuerySchema>;

export const BucketSchema = z.object({
  start: z.string().openapi({ format: "date-time", example: "2025-03-01T09:30:00.000Z" }),
  value: z.number().openapi({ example: 0.41, description: "The aggregate named by `agg`" }),
  count: z.number().int().openapi({ example: 60 }),
  avg: z.number().openapi({ example: 0.41 }),
  min: z.number().openapi({ example: 0.1 }),
  max: z.number().openapi({ example: 0.97 }),
  p95: z.number().openapi({ example: 0.9, description: "Continuous 95th percentile (percentile_cont)" }),
}).openapi("MetricBucket");

export const SeriesSchema = z.object({
  project_id: z.uuid(),
  type: z.string(),
  check_id: z.uuid().nullable(),
  from: z.string().openapi({ format: "date-time" }),
  to: z.string().openapi({ format: "date-time" }),
  step: z.string().openapi({ example: "5m" }),
  step_seconds: z.number().int().openapi({ example: 300 }),
  agg: z.enum(AGGREGATIONS),
  buckets: z.array(BucketSchema).openapi({ description: "Non-empty buckets only, oldest first" }),
}).openapi("MetricSeries");
export type SeriesJson = z.infer<typeof SeriesSchema>;

export const TypesQuerySchema = z.object({
  project_id: z.uuid({ error: "must be a project id (UUID)" }).openapi({
    example: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19",
  }),
});

export const TypesSchema = z.object({
  data: z.array(z.object({
    type: z.string().openapi({ example: "cpu.load" }),
    check_id: z.uuid().nullable().openapi({ description: "Set for check.latency_ms series" }),
    label: z.string().openapi({ example: "cpu.load" }),
  })),
}).openapi("MetricTypes");
export type TypesJson = z.infer<typeof TypesSchema>;
