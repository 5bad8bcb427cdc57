/**
 * Request and response shapes for health checks: one schema for the API and
 * the create/edit form. Rules that depend on the check's type or on several
 * fields (a TCP check has no URL, a timeout must fit the interval) live in
 * services/checks/definition.ts, because PATCH can only judge them against
 * the stored check.
 */
import { z } from "@hono/zod-openapi";
import {
  CHECK_STATUSES,
  CHECK_TYPES,
  type HealthCheckDefinition,
  type HealthCheckRow,
  HTTP_METHODS,
} from "../../db/queries/health_checks.ts";
import { PageQuerySchema } from "../platform/pagination.ts";
import { isValidTimezone } from "./cron.ts";
import { NOTIFY_GAPS, type NotifyGap } from "../notifications/coverage.ts";

const max = (n: number) => `must be at most ${n} characters`;
const int = (min: number, maxValue: number, unit = "") =>
  z.number({ error: "must be a number" }).int("must be a whole number").min(min, `must be at least ${min}${unit}`)
    .max(maxValue, `must be at most ${maxValue}${unit}`);

/** Header names a check may not set: the probe's HTTP client owns framing and the Host of the checked address. */
export const RESERVED_HEADERS = ["host", "content-length", "transfer-encoding", "connection", "upgrade", "te"];
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

const Headers = z.record(z.string(), z.string().max(4096, max(4096))).superRefine((headers, ctx) => {
  const names = Object.keys(headers);
  if (names.length > 50) ctx.addIssue({ code: "custom", message: "at most 50 headers" });
  for (const name of names) {
    if (!TOKEN.test(name)) ctx.addIssue({ code: "custom", path: [name], message: "is not a valid header name" });
    else if (RESERVED_HEADERS.includes(name.toLowerCase())) {
      ctx.addIssue({ code: "custom", path: [name], message: "is set by the probe and cannot be overridden" });
    } else if (/[\r\n\0]/.test(headers[name])) {
      ctx.addIssue({ code: "custom", path: [name], message: "must not contain line breaks" });
    }
  }
});

/**
 * The definition fields a caller may write (all of HealthCheckDefinition but public_targets_only, which the
 * service sets); `nullable` ones can be cleared by PATCH with null.
 */
const fields = {
  project_id: z.uuid().openapi({ example: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19" }),
  name: z.string().trim().min(1, "is required").max(200, max(200)).openapi({ example: "Storefront home page" }),
  type: z.enum(CHECK_TYPES).openapi({ example: "http" }),
  url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).max(2048, max(2048))
    .openapi({ example: "https://shop.example.com/healthz", description: "http checks" }),
  host: z.string().trim().min(1, "is required").max(253, max(253))
    .regex(/^[A-Za-z0-9.:\-\[\]]+$/, "must be a host name or an IP address")
    .openapi({ example: "db.internal.example.com", description: "tcp checks" }),
  port: int(1, 65535).openapi({ example: 5432, description: "tcp checks" }),
  method: z.enum(HTTP_METHODS).openapi({ example: "GET" }),
  expected_status: z.array(int(100, 599)).min(1, "give at least one status code").max(50, "at most 50 status codes")
    .openapi({ example: [200], description: "Accepted status codes (default [200])" }),
  keyword: z.string().min(1, "must not be empty").max(500, max(500)).nullable()
    .openapi({ example: "ok", description: "A plain substring the body must contain (no regular expressions)" }),
  keyword_invert: z.boolean().openapi({ description: 'The keyword must NOT appear (e.g. "error")' }),
  json_path: z.string().min(2).max(200, max(200)).regex(/^\$/, "must start with $, like $.status or $.checks[0].ok")
    .nullable().openapi({ example: "$.status" }),
  json_expected: z.string().max(500, max(500)).nullable()
    .openapi({ example: "ok", description: "Compared as text with the value at json_path" }),
  headers: Headers.openapi({ example: { Accept: "application/json" } }),
  body: z.string().max(65536, max(65536)).nullable(),
  interval_seconds: int(5, 2_592_000, " seconds").openapi({
    example: 60,
    description: "How often a probe runs; for heartbeats the expected period between pings (default 60)",
  }),
  grace_seconds: int(0, 2_592_000, " seconds").openapi({
    example: 300,
    description: "Heartbeats: how late a ping may be before the check is down",
  }),
  timeout_ms: int(100, 120_000, " ms").openapi({ example: 10000 }),
  confirmations: int(1, 20).openapi({ example: 2, description: "Consecutive failures before the check is down" }),
  degraded_latency_ms: int(1, 120_000, " ms").nullable()
    .openapi({ example: 1500, description: "Slower than this, but otherwise fine, is `degraded`" }),
  follow_redirects: z.boolean().openapi({ description: "Follow up to 3 redirects (default true)" }),
  verify_tls: z.boolean().openapi({ description: "false accepts self-signed certificates (default true)" }),
  cert_expiry_days: int(1, 365, " days").openapi({
    example: 14,
    description: "certificate.expiring is sent this many days before the certificate expires",
  }),
  cron: z.string().trim().min(1, "is required").max(200, max(200)).nullable().openapi({
    example: "0 3 * * *",
    description: "Heartbeats: a 5-field cron expression (or @hourly, @daily, @weekly, @monthly, @yearly) " +
      "replacing interval_seconds",
  }),
  timezone: z.string().trim().min(1).max(64).refine(isValidTimezone, "must be an IANA time zone like Europe/Berlin")
    .openapi({ example: "Europe/Berlin", description: "The cron expression's time zone (default UTC)" }),
  min_duration_ms: int(0, 2_592_000_000, " ms").nullable().openapi({
    description: "Heartbeats: a run (from /start to the success ping) shorter than this counts as failed",
  }),
  max_duration_ms: int(1, 2_592_000_000, " ms").nullable().openapi({
    description: "Heartbeats: a run longer than this counts as failed",
  }),
  paused: z.boolean(),
  depends_on_id: z.uuid().nullable().openapi({
    description: "A check this one depends on: while that one is down, this one's alerts are held back",
  }),
  environment_id: z.uuid().nullable().openapi({
    description: "One of the check's own project's environments (its id in the project's `environments`), or null. " +
      "Another project's environment is a 422 naming this field; moving the check to another project needs a new " +
      "one (or null) in the same call",
  }),
} satisfies Record<Exclude<keyof HealthCheckDefinition, "public_targets_only">, z.ZodType>;

/** Everything but the three a new check needs is optional (the columns' defaults, services/checks/definition.ts). */
const OPTIONAL_ON_CREATE = Object.fromEntries(
  Object.keys(fields).filter((k) => !["project_id", "name", "type"].includes(k)).map((k) => [k, true as const]),
) as { [K in Exclude<keyof typeof fields, "project_id" | "name" | "type">]: true };

/** Not a column of the check: kept as notification rules about this check (services/checks/notify.ts). */
const notifyChannelIds = z.array(z.uuid()).max(50).optional().openapi({
  description: "Channels this check's alerts go to (kept as notification rules about this check). " +
    "Absent on create: none (the page ticks the organisation's default channels); " +
    "on update, absent keeps them and [] clears them.",
  example: ["0b7f4c2e-9a51-4d8e-b6f3-2c1d0e9a8b7c"],
});

export const CreateHealthCheckSchema = z.strictObject({ ...fields, notify_channel_ids: notifyChannelIds })
  .partial(OPTIONAL_ON_CREATE).openapi("HealthCheckCreate", {
    example: {
      project_id: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19",
      name: "Storefront home page",
      type: "http",
      url: "https://shop.example.com/healthz",
      expected_status: [200],
      keyword: "ok",
      interval_seconds: 60,
      timeout_ms: 5000,
      confirmations: 2,
    },
  });
export type CreateHealthCheckInput = z.infer<typeof CreateHealthCheckSchema>;

/** PATCH: any definition field but the type (a check keeps its type; create a new one instead). */
export const UpdateHealthCheckSchema = CreateHealthCheckSchema.omit({ type: true }).partial()
  .openapi("HealthCheckUpdate", { example: { name: "Storefront home page", interval_seconds: 30 } });
export type UpdateHealthCheckInput = z.infer<typeof UpdateHealthCheckSchema>;

export const BOARD_STATUSES = [...CHECK_STATUSES, "paused"] as const;

export const ListHealthChecksQuerySchema = PageQuerySchema.extend({
  project_id: z.uuid().optional(),
  status: z.enum(CHECK_STATUSES).optional(),
  type: z.enum(CHECK_TYPES).optional(),
});
export type ListHealthChecksQuery = z.infer<typeof ListHealthChecksQuerySchema>;

const Time = z.iso.datetime({ offset: true, error: "must be an RFC 3339 time like 2025-03-01T09:30:00Z" })
  .openapi({ format: "date-time", example: "2025-03-01T09:30:00Z" });

export const RESULT_STATUSES = ["up", "down", "degraded"] as const;

export const ListResultsQuerySchema = PageQuerySchema.extend({
  since: Time.optional().openapi({ description: "Results checked at or after this time" }),
  until: Time.optional().openapi({ description: "Results checked before this time" }),
  status: z.enum(RESULT_STATUSES).optional(),
});
export type ListResultsQuery = z.infer<typeof ListResultsQuerySchema>;

const NullableTime = z.string().nullable().openapi({ format: "date-time" });
const Percent = z.number().nullable().openapi({ example: 99.95, description: "null without data" });

export const UptimeSchema = z.object({ h24: Percent, d7: Percent, d30: Percent, d90: Percent })
  .openapi("Uptime", { description: "Percent of results up or degraded; maintenance windows are left out" });

export const CheckResultSchema = z.object({
  checked_at: z.string().openapi({ format: "date-time" }),
  status: z.enum(RESULT_STATUSES),
  latency_ms: z.number().int().nullable(),
  status_code: z.number().int().nullable(),
  detail: z.string().nullable(),
}).openapi("CheckResult");

export const HealthCheckSchema = z.object({
  id: z.uuid(),
  project_id: z.uuid(),
  project_name: z.string().openapi({ example: "Storefront" }),
  client_id: z.uuid(),
  name: z.string().openapi({ example: "Storefront home page" }),
  type: z.enum(CHECK_TYPES),
  url: z.string().nullable(),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  method: z.enum(HTTP_METHODS),
  expected_status: z.array(z.number().int()),
  keyword: z.string().nullable(),
  keyword_invert: z.boolean(),
  json_path: z.string().nullable(),
  json_expected: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
  body: z.string().nullable(),
  interval_seconds: z.number().int(),
  grace_seconds: z.number().int(),
  timeout_ms: z.number().int(),
  confirmations: z.number().int(),
  degraded_latency_ms: z.number().int().nullable(),
  follow_redirects: z.boolean(),
  verify_tls: z.boolean(),
  cert_expiry_days: z.number().int(),
  cert_expires_at: NullableTime,
  cron: z.string().nullable(),
  timezone: z.string(),
  min_duration_ms: z.number().int().nullable(),
  max_duration_ms: z.number().int().nullable(),
  paused: z.boolean(),
  depends_on_id: z.uuid().nullable(),
  environment_id: z.uuid().nullable(),
  environment_name: z.string().nullable().openapi({ example: "production" }),
  public_targets_only: z.boolean().openapi({
    description: "Set when a client user wrote the target: the probe may then reach public addresses only",
  }),
  status: z.enum(CHECK_STATUSES).openapi({ example: "up" }),
  consecutive_failures: z.number().int(),
  flapping: z.boolean().openapi({
    description: "The outcomes change too often to trust one status: at least 30 % of the last 20 changes of outcome " +
      "(until it falls below 15 %). `status` is then held at what it was and no down/up events are sent",
  }),
  notify_gap: z.enum(NOTIFY_GAPS).nullable().openapi({
    description: "Why nobody would be told when this check goes down, or null when someone would (and for paused " +
      "checks, client users and readers who cannot read notification rules). `no_channel`: the organisation has no " +
      "notification channel. `channels_broken`: every channel its alerts or down events would go to is broken. " +
      "`no_alert_rule`: no enabled alert rule opens an alert when it goes down, and no rule sends its down event. " +
      "`no_route`: an alert would open, but no notification rule sends it to a channel",
  }),
  status_changed_at: NullableTime,
  last_checked_at: NullableTime,
  last_ping_at: NullableTime,
  next_run_at: z.string().openapi({ format: "date-time", description: "Next probe, or a heartbeat's deadline" }),
  last_result: CheckResultSchema.nullable(),
  uptime: UptimeSchema,
  created_at: z.string().openapi({ format: "date-time" }),
  updated_at: z.string().openapi({ format: "date-time" }),
}).openapi("HealthCheck");
export type HealthCheckJson = z.infer<typeof HealthCheckSchema>;

export const HealthCheckWithPingUrlSchema = HealthCheckSchema.extend({
  ping_url: z.string().nullable().openapi({
    example: "https://opsdeck.example.com/api/v1/heartbeats/hb_Vx3…",
    description: "Heartbeat checks only, shown in this answer only (only the token's hash is stored)",
  }),
}).openapi("HealthCheckWithPingUrl");

export type Uptime = z.infer<typeof UptimeSchema>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function healthCheckJson(
  { check: h, uptime, gap = null }: { check: HealthCheckRow; uptime: Uptime; gap?: NotifyGap | null },
): HealthCheckJson {
  return {
    id: h.id,
    project_id: h.project_id,
    project_name: h.project_name,
    client_id: h.client_id,
    name: h.name,
    type: h.type,
    url: h.url,
    host: h.host,
    port: h.port,
    method: h.method as HealthCheckJson["method"],
    expected_status: h.expected_status,
    keyword: h.keyword,
    keyword_invert: h.keyword_invert,
    json_path: h.json_path,
    json_expected: h.json_expected,
    headers: h.headers,
    body: h.body,
    interval_seconds: h.interval_seconds,
    grace_seconds: h.grace_seconds,
    timeout_ms: h.timeout_ms,
    confirmations: h.confirmations,
    degraded_latency_ms: h.degraded_latency_ms,
    follow_redirects: h.follow_redirects,
    verify_tls: h.verify_tls,
    cert_expiry_days: h.cert_expiry_days,
    cert_expires_at: iso(h.cert_expires_at),
    cron: h.cron,
    timezone: h.timezone,
    min_duration_ms: h.min_duration_ms,
    max_duration_ms: h.max_duration_ms,
    paused: h.paused,
    depends_on_id: h.depends_on_id,
    environment_id: h.environment_id,
    environment_name: h.environment_name,
    public_targets_only: h.public_targets_only,
    status: h.status,
    consecutive_failures: h.consecutive_failures,
    flapping: h.flapping,
    notify_gap: gap,
    status_changed_at: iso(h.status_changed_at),
    last_checked_at: iso(h.last_checked_at),
    last_ping_at: iso(h.last_ping_at),
    next_run_at: h.next_run_at.toISOString(),
    last_result: h.last_result_at && h.last_result_status
      ? {
        checked_at: h.last_result_at.toISOString(),
        status: h.last_result_status,
        latency_ms: h.last_latency_ms,
        status_code: h.last_status_code,
        detail: h.last_detail,
      }
      : null,
    uptime,
    created_at: h.created_at.toISOString(),
    updated_at: h.updated_at.toISOString(),
  };
}
