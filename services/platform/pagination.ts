/**
 * Keyset pagination with opaque cursors, for every list. A cursor is the sort
 * key of the last row of a page, base64url-encoded JSON; clients must not
 * build their own, and a forged one is a 400, never a database type error.
 */
import { z } from "@hono/zod-openapi";
import { BadRequestError } from "./errors.ts";
import { isUuid } from "./ids.ts";

const FORGED = "cursor: not a cursor returned by this list";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT).openapi({
    description: `Page size (1–${MAX_LIMIT}, default ${DEFAULT_LIMIT})`,
    example: 50,
  }),
  cursor: z.string().max(512).optional().openapi({ description: "Opaque cursor from a previous page's `next_cursor`" }),
});

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** The list envelope every list route returns, with `item` as the row schema. */
export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z.object({
    data: z.array(item),
    next_cursor: z.string().nullable().openapi({
      description: "Pass as `?cursor=` for the next page; null on the last page",
    }),
  }).openapi(name);
}

export function encodeCursor(key: readonly (string | number)[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(key));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Decodes a cursor into its key; `shape` says how many parts and of what type. */
export function decodeCursor(cursor: string, shape: readonly ("string" | "number")[]): (string | number)[] {
  try {
    const base64 = cursor.replaceAll("-", "+").replaceAll("_", "/");
    const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
    const key = JSON.parse(new TextDecoder().decode(bytes));
    if (Array.isArray(key) && key.length === shape.length && key.every((part, i) => typeof part === shape[i])) {
      return key;
    }
  } catch {
    // fall through to the one error below
  }
  throw new BadRequestError(FORGED);
}

/** decodeCursor for keys whose last part is a row id (users, roles, tenants, channels… lists). */
export function decodeIdCursor<T extends (string | number)[]>(
  cursor: string | undefined,
  shape: readonly ("string" | "number")[],
): T | undefined {
  if (!cursor) return undefined;
  const key = decodeCursor(cursor, shape);
  if (!isUuid(String(key[key.length - 1]))) throw new BadRequestError(FORGED);
  return key as T;
}

/** The newest-first (created_at, id) key after `row`; created_at comes from the app clock, so milliseconds are exact. */
export function timeCursorKey(row: { created_at: Date; id: string }): [string, string] {
  return [row.created_at.toISOString(), row.id];
}

/** The (created_at, id) a timeCursorKey cursor stands for. */
export function decodeTimeCursor(cursor: string | undefined): [Date, string] | undefined {
  if (!cursor) return undefined;
  const [at, id] = decodeCursor(cursor, ["string", "string"]) as [string, string];
  const time = new Date(at);
  if (Number.isNaN(time.getTime()) || !isUuid(id)) throw new BadRequestError(FORGED);
  return [time, id];
}

/**
 * Fetch `limit + 1` rows sorted by the key, then call this: it trims the
 * extra row and makes the cursor from the last row kept.
 */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => (string | number)[]): Page<T> {
  const data = rows.slice(0, limit);
  const next = rows.length > limit ? encodeCursor(keyOf(data[data.length - 1])) : null;
  return { data, next_cursor: next };
}
