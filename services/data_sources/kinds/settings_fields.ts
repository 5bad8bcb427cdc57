/**
 * A kind's settings form, derived from its zod settings schema (through the
 * same OpenAPI generator the API document uses, so a field's type, bounds,
 * default, choices and description are the ones the API enforces): adding a
 * setting to a kind adds it to the form. A field whose description says
 * "secret" is a password box (or header lines) that an edit leaves empty to
 * keep the stored value. Also the plain-words messages for the schema's errors.
 */
import { OpenAPIHono, type z } from "@hono/zod-openapi";
import type { DataSourceKind } from "./types.ts";

export interface SettingField {
  /** The setting's key; the form names the control `config.<name>` so API field errors land next to it. */
  name: string;
  label: string;
  control: "text" | "url" | "number" | "password" | "select" | "lines";
  required: boolean;
  secret: boolean;
  options?: string[];
  default?: string;
  hint?: string;
  placeholder?: string;
}

interface JsonSchemaProperty {
  type?: string;
  format?: string;
  enum?: string[];
  default?: unknown;
  description?: string;
  example?: unknown;
}

const cache = new WeakMap<DataSourceKind, SettingField[]>();

const ACRONYMS: Record<string, string> = { url: "URL", ssl: "TLS" };

/** `timeout_seconds` → "Timeout seconds"; the few acronyms in capitals. */
const label = (name: string) =>
  name.split("_").map((w, i) => ACRONYMS[w] ?? (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join(" ");

function controlOf(p: JsonSchemaProperty, secret: boolean): SettingField["control"] {
  if (p.type === "object") return "lines";
  if (p.enum) return "select";
  if (p.type === "integer" || p.type === "number") return "number";
  if (secret) return "password";
  return p.format === "uri" ? "url" : "text";
}

/** The kind's settings as form fields, in the schema's order. */
export function settingFields(kind: DataSourceKind): SettingField[] {
  const known = cache.get(kind);
  if (known) return known;
  const app = new OpenAPIHono();
  app.openAPIRegistry.register("Settings", kind.configSchema);
  const doc = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "settings", version: "1" } });
  const schema = doc.components?.schemas?.Settings as {
    properties?: Record<string, JsonSchemaProperty>;
    required?: string[];
  };
  const fields = Object.entries(schema.properties ?? {}).map(([name, p]): SettingField => {
    const secret = /secret/i.test(p.description ?? "");
    const example = typeof p.example === "object" && p.example
      ? Object.entries(p.example).map(([k, v]) => `${k}: ${v}`).join("\n")
      : p.example === undefined
      ? undefined
      : String(p.example);
    return {
      name,
      label: label(name),
      control: controlOf(p, secret),
      required: schema.required?.includes(name) ?? false,
      secret,
      options: p.enum,
      default: p.default === undefined ? undefined : String(p.default),
      hint: p.description?.replace(/^Secret: /, ""),
      placeholder: example,
    };
  });
  cache.set(kind, fields);
  return fields;
}

/** "Name: value" lines ↔ a header object. */
function linesToRecord(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const at = line.indexOf(":");
    if (at < 1) return line; // the schema refuses a string here: "must be Name: value lines"
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

/**
 * The posted form (`config.<name>` controls) as the settings object the API takes. Empty controls are left out
 * (the schema's default applies, or an edit keeps the stored secret); text that is not a number stays text, so the
 * schema names the field rather than this function guessing.
 */
export function settingsFromForm(fields: SettingField[], form: Record<string, string>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = form[`config.${field.name}`];
    if (raw === undefined || raw.trim() === "") continue;
    if (field.control === "number") {
      const n = Number(raw.trim());
      config[field.name] = Number.isFinite(n) ? n : raw;
    } else if (field.control === "lines") {
      config[field.name] = linesToRecord(raw);
    } else {
      config[field.name] = field.secret ? raw : raw.trim();
    }
  }
  return config;
}

/** A stored source's settings as the form's values (secrets are never stored in config, so never shown). */
export function settingsToForm(fields: SettingField[], config: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of fields) {
    const v = config[field.name];
    if (v !== undefined && v !== null && typeof v !== "object") values[`config.${field.name}`] = String(v);
  }
  return values;
}

/** zod's issues in plain words, for the API's problem details and the form alike. */
export const plainSettingsError: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      if (issue.expected === "number" || issue.expected === "int") return "must be a whole number";
      if (issue.expected === "record" || issue.expected === "object") return "must be lines of Name: value";
      return `must be ${issue.expected === "string" ? "text" : `a ${issue.expected}`}`;
    case "too_small":
      return issue.origin === "string" ? "is required" : `must be at least ${issue.minimum}`;
    case "too_big":
      return issue.origin === "string"
        ? `must be at most ${issue.maximum} characters`
        : `must be at most ${issue.maximum}`;
    case "invalid_value":
      return `must be one of ${issue.values.join(", ")}`;
    case "invalid_format":
      return issue.format === "url" ? "must be a URL" : "is not in the expected form";
    case "unrecognized_keys":
      return `is not a setting of this kind: ${issue.keys.join(", ")}`;
    default:
      return undefined;
  }
};
