/**
 * The shape every bulk endpoint shares (checks, alerts): up to 100 ids, each
 * done by the single-item service exactly as its own call would be (its own
 * transaction, audit row and permission check), and answered per id. A
 * refusal (not found, not allowed, conflict) is reported for its id and stops
 * nothing else; anything worse than a refusal still fails the whole call.
 */
import { z } from "@hono/zod-openapi";
import { AppError } from "./errors.ts";

export const BULK_MAX = 100;

/** The `ids` field: one to 100 uuids of `noun`s ("check", "alert"). */
export const bulkIds = (noun: string) =>
  z.array(z.uuid({ error: `must be ${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun} id` }))
    .min(1, `choose at least one ${noun}`)
    .max(BULK_MAX, `at most ${BULK_MAX} ${noun}s at once`);

/** The per-id answer, named for the OpenAPI document. */
export const bulkResultSchema = (name: string, statusText: string) =>
  z.object({
    results: z.array(z.object({
      id: z.uuid(),
      ok: z.boolean(),
      status: z.number().int().openapi({ description: statusText }),
      detail: z.string().nullable(),
    })),
  }).openapi(name);
export type BulkResult = z.infer<ReturnType<typeof bulkResultSchema>>;

/** Runs `one` for each distinct id in turn; `okStatus` is what the single call answers on success. */
export async function eachId(
  ids: string[],
  okStatus: number,
  one: (id: string) => Promise<unknown>,
): Promise<BulkResult> {
  const results: BulkResult["results"] = [];
  for (const id of [...new Set(ids)]) {
    try {
      await one(id);
      results.push({ id, ok: true, status: okStatus, detail: null });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      results.push({ id, ok: false, status: error.status, detail: error.message });
    }
  }
  return { results };
}
