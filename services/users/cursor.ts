/** Keyset cursors whose last part is a row id (users, roles, tenants lists). */
import { BadRequestError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { decodeCursor } from "../pagination.ts";

/**
 * decodeCursor, plus a check that the id is a UUID: a forged cursor must be a
 * 400, not a type error from PostgreSQL.
 */
export function decodeIdCursor<T extends (string | number)[]>(
  cursor: string | undefined,
  shape: readonly ("string" | "number")[],
): T | undefined {
  if (!cursor) return undefined;
  const key = decodeCursor(cursor, shape);
  if (!isUuid(String(key[key.length - 1]))) throw new BadRequestError("cursor: not a cursor returned by this list");
  return key as T;
}
