/**
 * The before/after diff of an audit row, computed server-side for the detail
 * page. Nested objects are flattened to dotted paths (`config.channel`) so a
 * change deep inside shows as one line; arrays and scalars compare whole.
 */

export type DiffKind = "added" | "removed" | "changed" | "unchanged";

export interface DiffLine {
  path: string;
  kind: DiffKind;
  before?: unknown;
  after?: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `{ a: { b: 1 }, c: [1] }` → `{ "a.b": 1, c: [1] }`; an empty object stays a leaf. */
export function flatten(value: Record<string, unknown>, prefix = "", into = new Map<string, unknown>()) {
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(child) && Object.keys(child).length > 0) flatten(child, path, into);
    else into.set(path, child);
  }
  return into;
}

/** Deep equality for JSON values (key order does not matter). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameJson(a[k], b[k]));
  }
  return false;
}

/**
 * Every path in before or after, sorted, with what happened to it. A missing
 * side (a create has no before, a delete no after) counts as an empty object;
 * a side that is not an object at all is compared as one value at path "".
 */
export function diffDetails(before: unknown, after: unknown): DiffLine[] {
  if ((before !== undefined && !isPlainObject(before)) || (after !== undefined && !isPlainObject(after))) {
    if (sameJson(before, after)) return [{ path: "", kind: "unchanged", before, after }];
    const kind = before === undefined ? "added" : after === undefined ? "removed" : "changed";
    return [{ path: "", kind, before, after }];
  }
  const old = flatten(before ?? {});
  const now = flatten(after ?? {});
  const paths = [...new Set([...old.keys(), ...now.keys()])].sort();
  return paths.map((path): DiffLine => {
    if (!old.has(path)) return { path, kind: "added", after: now.get(path) };
    if (!now.has(path)) return { path, kind: "removed", before: old.get(path) };
    const [b, a] = [old.get(path), now.get(path)];
    return { path, kind: sameJson(b, a) ? "unchanged" : "changed", before: b, after: a };
  });
}
