/**
 * `Idempotency-Key` for POST routes (Stripe's model): the first request with a
 * key runs and its response is stored in the same transaction as its effects;
 * a retry with the same key and the same request gets that response replayed
 * (nothing runs twice); the same key with a different request is a 422.
 *
 * Concurrency comes from the unique index: a duplicate arriving while the first
 * is still running waits on the index until the first commits, then replays
 * its answer. If the first fails, its transaction (key included) rolls back,
 * so a failed request never "uses up" a key.
 */
import type { Sql } from "../../db/client.ts";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  deleteIdempotencyKey,
  getIdempotencyKey,
} from "../../db/queries/idempotency.ts";
import { sha256, timingSafeEqual } from "../auth/tokens.ts";
import { ConflictError, ValidationError } from "./errors.ts";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface IdempotentRequest {
  tenantId: string;
  /** The header's value; undefined runs the request without the key store. */
  key: string | undefined;
  method: string;
  path: string;
  /** The parsed input: whitespace and key order of the raw body do not matter. */
  input: unknown;
  now: Date;
}

export interface StoredResponse<T> {
  status: number;
  body: T;
  /** True when this is a replay of an earlier request's answer. */
  replayed: boolean;
}

/** Validates the header's value; 422 naming the header when it is unusable. */
export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!KEY_PATTERN.test(key)) {
    throw new ValidationError([{
      path: IDEMPOTENCY_HEADER,
      message: "must be 1–255 printable ASCII characters without spaces (a UUID is a good key)",
    }]);
  }
  return key;
}

/** Runs `run` in `tx` at most once per key; see the module comment. */
export async function idempotent<T>(
  tx: Sql,
  request: IdempotentRequest,
  run: () => Promise<{ status: number; body: T }>,
): Promise<StoredResponse<T>> {
  const key = checkIdempotencyKey(request.key);
  if (key === undefined) return { ...(await run()), replayed: false };
  const requestHash = await sha256(`${request.method} ${request.path}\n${JSON.stringify(request.input)}`);
  const claim = { tenantId: request.tenantId, key, method: request.method, path: request.path, requestHash };
  if (!(await claimIdempotencyKey(tx, { ...claim, now: request.now }))) {
    const existing = await getIdempotencyKey(tx, request.tenantId, key);
    if (existing && existing.expires_at <= request.now) {
      await deleteIdempotencyKey(tx, request.tenantId, existing.id);
      return await idempotent(tx, request, run);
    }
    if (!existing || existing.response_status === null) {
      // Only reachable if the key's row vanished or is mid-flight in a way the index wait did not cover.
      throw new ConflictError(`${IDEMPOTENCY_HEADER}: a request with this key is still in progress; retry shortly`);
    }
    if (!timingSafeEqual(new Uint8Array(existing.request_hash), requestHash)) {
      throw new ValidationError([{
        path: IDEMPOTENCY_HEADER,
        message: "was already used for a different request; use a new key for a new request",
      }]);
    }
    return { status: existing.response_status, body: existing.response_body as T, replayed: true };
  }
  const response = await run();
  await completeIdempotencyKey(tx, request.tenantId, key, { ...response, now: request.now });
  return { ...response, replayed: false };
}
