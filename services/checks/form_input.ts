/**
 * The create/edit form's text fields as the API's JSON body, so the same zod
 * schema and rules judge both. Fields of other check types are dropped (the
 * form shows them all when CSS cannot hide them). A blank field is absent on
 * create and cleared (null) on edit where the field can be cleared.
 */
import type { CheckType, HealthCheckRow } from "../../db/queries/health_checks.ts";
import { appliesTo } from "./definition.ts";

type Form = Record<string, string | undefined>;

const NUMBERS = [
  "port",
  "interval_seconds",
  "grace_seconds",
  "timeout_ms",
  "confirmations",
  "degraded_latency_ms",
  "cert_expiry_days",
  "min_duration_ms",
  "max_duration_ms",
];
const TEXTS = ["name", "url", "host", "method", "keyword", "json_path", "json_expected", "body", "cron", "timezone"];
const BOOLEANS = ["keyword_invert", "follow_redirects", "verify_tls"];
const CLEARABLE = new Set([
  "keyword",
  "json_path",
  "json_expected",
  "body",
  "degraded_latency_ms",
  "cron",
  "min_duration_ms",
  "max_duration_ms",
  "depends_on_id",
  "environment_id",
]);

/** "200, 204" → [200, 204]; a word that is not a number stays as text so the schema names it. */
function statusList(text: string): unknown[] {
  return text.split(/[\s,]+/).filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** "Name: value" lines → an object; a line without a colon becomes a header name the schema refuses. */
function headerLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    const colon = line.indexOf(":");
    if (colon < 0) out[line] = "";
    else out[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return out;
}

export function formToInput(form: Form, type: CheckType, mode: "create" | "edit"): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const blank = (field: string) => {
    if (mode === "edit" && CLEARABLE.has(field)) input[field] = null;
  };
  const set = (field: string, value: unknown) => {
    if (appliesTo(field, type)) input[field] = value;
  };
  for (const field of [...TEXTS, ...NUMBERS, "depends_on_id", "environment_id", "project_id"]) {
    if (!appliesTo(field, type)) continue;
    const raw = form[field]?.trim() ?? "";
    if (raw === "") blank(field);
    else if (NUMBERS.includes(field)) input[field] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    else input[field] = field === "method" ? raw.toUpperCase() : raw;
  }
  for (const field of BOOLEANS) set(field, form[field] === "true");
  const statuses = form.expected_status?.trim();
  if (statuses) set("expected_status", statusList(statuses));
  const headers = form.headers?.trim();
  if (headers) set("headers", headerLines(headers));
  else if (mode === "edit") set("headers", {});
  return input;
}

/** A stored check as the form's text fields. */
export function formValues(c: HealthCheckRow): Record<string, string> {
  const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));
  const values: Record<string, string> = {
    type: c.type,
    project_id: c.project_id,
    depends_on_id: text(c.depends_on_id),
    environment_id: text(c.environment_id),
  };
  for (const field of [...TEXTS, ...NUMBERS]) values[field] = text(c[field as keyof HealthCheckRow]);
  for (const field of BOOLEANS) values[field] = c[field as keyof HealthCheckRow] ? "true" : "";
  values.expected_status = c.expected_status.join(", ");
  values.headers = Object.entries(c.headers).map(([k, v]) => `${k}: ${v}`).join("\n");
  return values;
}

/** The form's values for a new check: the defaults, so unticked boxes mean what they say. */
export function newFormValues(projectId: string | undefined): Record<string, string> {
  return {
    type: "http",
    project_id: projectId ?? "",
    method: "GET",
    expected_status: "200",
    follow_redirects: "true",
    verify_tls: "true",
  };
}
