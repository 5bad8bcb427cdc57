/** JSON rows as a result table: the array at a path, its objects' keys as columns (in order of first appearance). */
import type { Column, QueryResult } from "../types.ts";
import { AppError } from "../../../platform/errors.ts";

type Segment = string | number;

export function rowsAt(body: unknown, path: Segment[], text: string): unknown[] {
  let value = body;
  for (const segment of path) {
    const container = value as Record<string | number, unknown> | null;
    const present = typeof segment === "number"
      ? Array.isArray(container) && segment < container.length
      : container !== null && typeof container === "object" && !Array.isArray(container) &&
        Object.hasOwn(container, segment);
    if (!present) throw new AppError(422, "No rows at path", `${text} is not in the API's answer`);
    value = container![segment];
  }
  if (!Array.isArray(value)) throw new AppError(422, "No rows at path", `${text} is not an array in the API's answer`);
  return value;
}

function typeOf(values: unknown[]): string {
  const seen = new Set(values.filter((v) => v !== null && v !== undefined).map((v) => typeof v));
  if (seen.size !== 1) return seen.size === 0 ? "text" : "json";
  const [t] = seen;
  return t === "number" ? "number" : t === "boolean" ? "boolean" : t === "string" ? "text" : "json";
}

/** Objects become rows by key; anything else is one `value` column. Stops at the row and byte caps. */
export function tabulate(items: unknown[], maxRows: number, maxBytes: number): QueryResult {
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  const names: string[] = [];
  const known = new Set<string>();
  const taken = items.slice(0, maxRows);
  for (const item of taken) {
    for (const key of isRecord(item) ? Object.keys(item) : ["value"]) {
      if (!known.has(key)) known.add(key), names.push(key);
    }
  }
  const result: QueryResult = { columns: [], rows: [], truncated: items.length > taken.length, bytes: 0 };
  for (const item of taken) {
    const row = names.map((n) => (isRecord(item) ? item[n] ?? null : n === "value" ? item : null));
    const size = JSON.stringify(row).length + 1;
    if (result.bytes + size > maxBytes) {
      result.truncated = true;
      break;
    }
    result.rows.push(row);
    result.bytes += size;
  }
  result.columns = names.map((name, i): Column => ({ name, type: typeOf(result.rows.map((r) => r[i])) }));
  return result;
}
