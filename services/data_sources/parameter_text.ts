/**
 * The query editor's plain-text forms of parameters (`name type`, `name enum
 * a,b,c`, optional `= default`) and values (`name=value`), one per line, so
 * the page works without JavaScript. Parsed into the API's shapes; mistakes
 * are 422s naming `parameters` or `values`.
 */
import { ValidationError } from "../platform/errors.ts";
import { type Parameter, PARAMETER_TYPES, ParameterSchema, type ParameterValues } from "./parameters.ts";

export function parseParameterLines(text: string): Parameter[] {
  return lines(text).map((line) => {
    const [decl, fallback] = line.split(/\s*=\s*(.*)$/s, 2);
    const [name, type, choices] = decl.split(/\s+/, 3);
    const parsed = ParameterSchema.safeParse({
      name,
      type,
      ...(type === "enum" ? { values: (choices ?? "").split(",").map((v) => v.trim()).filter(Boolean) } : {}),
      ...(fallback ? { default: fallback } : {}),
    });
    if (!parsed.success) {
      throw new ValidationError([{
        path: "parameters",
        message: `"${line}" is not "name type" with a type among ${PARAMETER_TYPES.join(", ")}`,
      }]);
    }
    return parsed.data;
  });
}

export function parameterLines(parameters: Parameter[]): string {
  return parameters.map((p) =>
    [p.name, p.type, p.values?.join(",")].filter(Boolean).join(" ") +
    (p.default !== undefined ? ` = ${p.default}` : "")
  ).join("\n");
}

export function parseValueLines(text: string): ParameterValues {
  const out: ParameterValues = {};
  for (const line of lines(text)) {
    const at = line.indexOf("=");
    if (at < 1) throw new ValidationError([{ path: "values", message: `"${line}" is not name=value` }]);
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}
