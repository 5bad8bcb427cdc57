/**
 * Named, typed query parameters. `{{name}}` in the text becomes the dialect's
 * bind marker ($n for PostgreSQL, ? for MySQL) and the value travels as a
 * bind parameter, never spliced into the text. (A `{{name}}` inside a string
 * literal becomes a literal `$1`, harmless, and is documented.)
 */
import { z } from "@hono/zod-openapi";
import { type FieldError, ValidationError } from "../platform/errors.ts";
import type { Dialect } from "./sql_guard.ts";

export const PARAMETER_TYPES = ["text", "integer", "number", "boolean", "timestamp", "enum"] as const;

export const ParameterSchema = z.strictObject({
  name: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be lower-case letters, digits and _").openapi({
    example: "from",
  }),
  type: z.enum(PARAMETER_TYPES),
  values: z.array(z.string().min(1).max(200)).min(1).max(100).optional().openapi({ description: "enum only" }),
  default: z.union([z.string().max(1000), z.number(), z.boolean()]).optional(),
}).superRefine((p, ctx) => {
  if (p.type === "enum" && !p.values) ctx.addIssue({ code: "custom", path: ["values"], message: "lists the choices" });
}).openapi("QueryParameter");
export type Parameter = z.infer<typeof ParameterSchema>;

export const ParameterValuesSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .openapi({ example: { from: "2026-01-01T00:00:00Z", country: "DE" } });
export type ParameterValues = z.infer<typeof ParameterValuesSchema>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The names used in the text, in order of first use. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/** Every placeholder must be declared; 422 on `query_text` names the first that is not. */
export function assertDeclared(text: string, parameters: Parameter[]): void {
  const declared = new Set(parameters.map((p) => p.name));
  const missing = placeholders(text).filter((name) => !declared.has(name));
  if (missing.length > 0) {
    throw new ValidationError([{
      path: "query_text",
      message: `uses {{${missing[0]}}}, which is not among the parameters`,
    }]);
  }
}

/** The text with bind markers, and the parameter name behind each marker in order. */
export function compile(text: string, dialect: Dialect): { text: string; order: string[] } {
  const order: string[] = [];
  const compiled = text.replace(PLACEHOLDER, (_, name: string) => {
    if (dialect === "mysql") {
      order.push(name);
      return "?";
    }
    let index = order.indexOf(name);
    if (index < 0) index = order.push(name) - 1;
    return `$${index + 1}`;
  });
  return { text: compiled, order };
}

/** Typed values for `order`, from the caller's values or the defaults; 422 naming `parameters.<name>`. */
export function bind(parameters: Parameter[], order: string[], values: ParameterValues): unknown[] {
  const errors: FieldError[] = [];
  const byName = new Map(parameters.map((p) => [p.name, p]));
  const out = order.map((name) => {
    const p = byName.get(name)!;
    const raw = values[name] ?? p.default;
    if (raw === undefined || raw === null || raw === "") {
      errors.push({ path: `parameters.${name}`, message: "is required" });
      return null;
    }
    const value = coerce(p, raw);
    if (value === undefined) errors.push({ path: `parameters.${name}`, message: expected(p) });
    return value;
  });
  const unknown = Object.keys(values).filter((name) => !byName.has(name));
  for (const name of unknown) errors.push({ path: `parameters.${name}`, message: "is not a parameter of this query" });
  if (errors.length > 0) throw new ValidationError(errors);
  return out;
}

function coerce(p: Parameter, raw: string | number | boolean): unknown {
  const text = String(raw).trim();
  switch (p.type) {
    case "text":
      return text.length <= 1000 ? String(raw) : undefined;
    case "integer":
      return /^-?\d{1,15}$/.test(text) ? Number(text) : undefined;
    case "number":
      return text !== "" && Number.isFinite(Number(text)) ? Number(text) : undefined;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : undefined;
    case "timestamp": {
      if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return undefined;
      const d = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
      return Number.isNaN(d.getTime()) ? undefined : d;
    }
    case "enum":
      return p.values!.includes(text) ? text : undefined;
  }
}

function expected(p: Parameter): string {
  switch (p.type) {
    case "enum":
      return `must be one of ${p.values!.join(", ")}`;
    case "timestamp":
      return "must be a date or an ISO 8601 timestamp";
    case "text":
      return "must be at most 1000 characters";
    default:
      return `must be ${p.type === "integer" ? "an integer" : `a ${p.type}`}`;
  }
}

/** Values stored for later runs (an alert rule's): each declared parameter must bind; 422 as `bind`'s. */
export function checkValues(parameters: Parameter[], values: ParameterValues): void {
  bind(parameters, parameters.map((p) => p.name), values);
}
