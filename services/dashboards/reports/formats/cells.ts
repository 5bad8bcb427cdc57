/** Cell text for spreadsheets: what Excel or a CSV reader would run as a formula gets a leading '. */
import type { Dataset } from "../../schemas.ts";

export type Cell = Dataset["rows"][number][number];

const FORMULA = /^[=+\-@\t\r]/;

export function safeText(value: string): string {
  return FORMULA.test(value) ? `'${value}` : value;
}

/** Numbers stay numbers; text is neutralised. */
export function safeCell(value: Cell): string | number | null {
  if (value === null || typeof value === "number") return value;
  return safeText(value);
}

export function filtersLine(
  f: { range: string; project_id: string | null; environment: string | null; params: Record<string, string> },
) {
  const parts = [`range ${f.range}`];
  if (f.project_id) parts.push(`project ${f.project_id}`);
  if (f.environment) parts.push(`environment ${f.environment}`);
  for (const [k, v] of Object.entries(f.params)) parts.push(`${k} = ${v}`);
  return parts.join(", ");
}
