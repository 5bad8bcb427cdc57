/**
 * When to try a failed delivery again. Exponential backoff with full jitter
 * (a uniformly random wait between 0 and 10 s × 2^(n-1), capped at 1 h): many
 * deliveries failing together at one receiver do not all come back at the
 * same moment. A receiver's 429 Retry-After is honoured instead.
 */

export const BACKOFF_BASE_MS = 10_000;
export const BACKOFF_CAP_MS = 60 * 60_000;
/** A Retry-After longer than this is cut to it, so one answer cannot park a delivery for days. */
export const RETRY_AFTER_CAP_MS = 60 * 60_000;

/** The ceiling of the wait after the `attempt`-th failed attempt (1-based). */
export function backoffCeilingMs(attempt: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
}

/** The wait after the `attempt`-th failed attempt: full jitter, at least one second. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  return Math.max(1000, Math.floor(random() * backoffCeilingMs(attempt)));
}

/**
 * A Retry-After header (delay-seconds or an HTTP date) as milliseconds from
 * `now`; undefined when absent or unreadable. A date in the past is 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, RETRY_AFTER_CAP_MS);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now.getTime()), RETRY_AFTER_CAP_MS);
}

/** setTimeout as a promise that an abort ends early (resolving false). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (finished: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(finished);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener("abort", onAbort);
  });
}
