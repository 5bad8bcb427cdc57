/** Row ids are UUIDs; anything else is refused before it reaches a query (PostgreSQL would raise a type error). */
import { z } from "@hono/zod-openapi";

const Uuid = z.uuid();

/** Whether `value` is a UUID, as the API's `z.uuid()` path and body fields accept them. */
export function isUuid(value: string): boolean {
  return Uuid.safeParse(value).success;
}
