/** Newest-first keyset cursors, (created_at, id), for the SOW and change request lists. */
import { BadRequestError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { decodeCursor } from "../pagination.ts";

const FORGED = "cursor: not a cursor returned by this list";

/** The cursor after `row`; created_at comes from the app clock, so milliseconds are exact. */
export function timeCursorKey(row: { created_at: Date; id: string }): [string, string] {
  return [row.created_at.toISOString(), row.id];
}

/** The (created_at, id) a cursor stands for; a forged one is a 400, never a database type error. */
export function decodeTimeCursor(cursor: string | undefined): [Date, string] | undefined {
  if (!cursor) return undefined;
  const [at, id] = decodeCursor(cursor, ["string", "string"]) as [string, string];
  const time = new Date(at);
  if (Number.isNaN(time.getTime()) || !isUuid(id)) throw new BadRequestError(FORGED);
  return [time, id];
}
