/**
 * From request input to a stored check definition: defaults, which fields
 * apply to which type, and the rules that span fields. Create starts from the
 * defaults, PATCH from the stored check, so both judge the check as it will
 * be stored. Every refusal names its field.
 */
import type { CheckType, HealthCheckDefinition, HealthCheckRow } from "../../db/queries/health_checks.ts";
import { DEFINITION_COLUMNS } from "../../db/queries/health_checks.ts";
import type { FieldError } from "../platform/errors.ts";
import { ValidationError } from "../platform/errors.ts";
import { CRON_ALIASES, parseCron } from "./cron.ts";
import { deadlineAfter } from "./heartbeats.ts";
import type { CreateHealthCheckInput, UpdateHealthCheckInput } from "./schemas.ts";

type Field = keyof HealthCheckDefinition;

const HTTP: CheckType[] = ["http"];
const PROBES: CheckType[] = ["http", "tcp"];
const HEARTBEAT: CheckType[] = ["heartbeat"];

/** Fields that mean something for some types only; sending one for another type is a 422, not silently ignored. */
const APPLIES: Partial<Record<Field, CheckType[]>> = {
  url: HTTP,
  method: HTTP,
  expected_status: HTTP,
  keyword: HTTP,
  keyword_invert: HTTP,
  json_path: HTTP,
  json_expected: HTTP,
  headers: HTTP,
  body: HTTP,
  follow_redirects: HTTP,
  verify_tls: HTTP,
  cert_expiry_days: HTTP,
  host: ["tcp"],
  port: ["tcp"],
  timeout_ms: PROBES,
  confirmations: PROBES,
  degraded_latency_ms: PROBES,
  grace_seconds: HEARTBEAT,
  cron: HEARTBEAT,
  timezone: HEARTBEAT,
  min_duration_ms: HEARTBEAT,
  max_duration_ms: HEARTBEAT,
};

/** Does `field` mean something for a check of `type`? (Fields for every type do.) */
export function appliesTo(field: string, type: CheckType): boolean {
  return APPLIES[field as Field]?.includes(type) ?? true;
}

/** What a new check gets for a field it does not send (the columns' defaults). */
export function defaultDefinition(projectId: string, name: string, type: CheckType): HealthCheckDefinition {
  return {
    project_id: projectId,
    name,
    type,
    url: null,
    host: null,
    port: null,
    method: "GET",
    expected_status: [200],
    keyword: null,
    keyword_invert: false,
    json_path: null,
    json_expected: null,
    headers: {},
    body: null,
    interval_seconds: 60,
    grace_seconds: 0,
    timeout_ms: 10_000,
    confirmations: 1,
    degraded_latency_ms: null,
    follow_redirects: true,
    verify_tls: true,
    cert_expiry_days: 14,
    cron: null,
    timezone: "UTC",
    min_duration_ms: null,
    max_duration_ms: null,
    paused: false,
    depends_on_id: null,
    environment_id: null,
    public_targets_only: false,
  };
}

export function definitionOf(row: HealthCheckRow): HealthCheckDefinition {
  return Object.fromEntries(DEFINITION_COLUMNS.map((c) => [c, row[c]])) as unknown as HealthCheckDefinition;
}

/**
 * `base` with `input` applied, checked as a whole; throws a ValidationError
 * listing every problem. Project, dependency and target checks that need
 * the database or the probe policy come after this (services/checks/health_checks.ts).
 */
export function applyInput(
  base: HealthCheckDefinition,
  input: CreateHealthCheckInput | UpdateHealthCheckInput,
): HealthCheckDefinition {
  const errors: FieldError[] = [];
  const type = base.type;
  const def = { ...base } as Record<Field, unknown>;
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || key === "type") continue;
    const field = key as Field;
    const applies = APPLIES[field];
    if (applies && !applies.includes(type) && value !== null) {
      errors.push({ path: field, message: `only for ${applies.join(" and ")} checks, not ${type}` });
      continue;
    }
    def[field] = value;
  }
  const d = def as unknown as HealthCheckDefinition;
  if (d.cron) {
    // Aliases are stored as their five fields: the column keeps one spelling (and its CHECK wants 9+ characters).
    d.cron = CRON_ALIASES[d.cron.toLowerCase()] ?? d.cron.replace(/\s+/g, " ");
    try {
      parseCron(d.cron);
    } catch (error) {
      errors.push({ path: "cron", message: (error as Error).message });
    }
  }
  errors.push(...crossFieldProblems(d, input));
  if (errors.length) throw new ValidationError(errors);
  return d;
}

function crossFieldProblems(d: HealthCheckDefinition, input: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  // Blame the field the caller sent when it was one of a pair.
  const blame = (a: Field, b: Field) => (input[b] !== undefined && input[a] === undefined ? b : a);
  if (d.type === "http" && !d.url) errors.push({ path: "url", message: "is required for http checks" });
  if (d.type === "tcp") {
    if (!d.host) errors.push({ path: "host", message: "is required for tcp checks" });
    if (!d.port) errors.push({ path: "port", message: "is required for tcp checks" });
  }
  if (d.type === "http") {
    if ((d.json_path === null) !== (d.json_expected === null)) {
      const missing = d.json_path === null ? "json_path" : "json_expected";
      errors.push({ path: missing, message: "json_path and json_expected go together" });
    }
    if (d.keyword_invert && !d.keyword) errors.push({ path: "keyword_invert", message: "needs a keyword" });
    if (d.body !== null && (d.method === "GET" || d.method === "HEAD")) {
      errors.push({ path: blame("body", "method"), message: `a ${d.method} request has no body` });
    }
  }
  if (d.type !== "heartbeat") {
    if (d.timeout_ms > d.interval_seconds * 1000) {
      errors.push({ path: blame("timeout_ms", "interval_seconds"), message: "must not be longer than the interval" });
    }
    if (d.degraded_latency_ms !== null && d.degraded_latency_ms >= d.timeout_ms) {
      errors.push({ path: blame("degraded_latency_ms", "timeout_ms"), message: "must be below timeout_ms" });
    }
  }
  if (d.min_duration_ms !== null && d.max_duration_ms !== null && d.min_duration_ms >= d.max_duration_ms) {
    errors.push({ path: blame("max_duration_ms", "min_duration_ms"), message: "must be above min_duration_ms" });
  }
  return errors;
}

/** Did anything the probe connects to or sends change (then whoever changed it owns the target)? */
export function targetChanged(before: HealthCheckDefinition, after: HealthCheckDefinition): boolean {
  return before.url !== after.url || before.host !== after.host || before.port !== after.port;
}

/** A heartbeat's deadline counted from `from`: the period or the next cron time, plus the grace. */
const TIMING: Field[] = ["interval_seconds", "grace_seconds", "cron", "timezone", "url", "host", "port"];

/**
 * When the check is next due after an edit: a probe whose target or interval
 * changed runs at once (the new settings show their first result now), a
 * heartbeat whose schedule changed gets its deadline again from its last
 * ping; otherwise null (unchanged).
 */
export function nextRunAfterEdit(
  before: HealthCheckDefinition,
  after: HealthCheckDefinition,
  lastPingAt: Date | null,
  now: Date,
): Date | null {
  if (!TIMING.some((f) => before[f] !== after[f])) return null;
  return after.type === "heartbeat" ? deadlineAfter(after, lastPingAt ?? now) : now;
}
