import { assert, assertEquals } from "@std/assert";
import {
  BACKOFF_CAP_MS,
  backoffCeilingMs,
  parseRetryAfter,
  retryDelayMs,
} from "../../services/notifications/backoff.ts";

Deno.test("backoff: the ceiling doubles from 10 s and stops at 1 h; full jitter stays within [1 s, ceiling]", () => {
  assertEquals([1, 2, 3, 4].map(backoffCeilingMs), [10_000, 20_000, 40_000, 80_000]);
  assertEquals(backoffCeilingMs(30), BACKOFF_CAP_MS);
  assertEquals(retryDelayMs(3, () => 0), 1000, "never sooner than a second");
  assertEquals(retryDelayMs(3, () => 0.5), 20_000);
  for (let i = 0; i < 200; i++) {
    const wait = retryDelayMs(5);
    assert(wait >= 1000 && wait <= backoffCeilingMs(5));
  }
});

Deno.test("Retry-After: seconds, an HTTP date, a past date, garbage, and the 1 h cap", () => {
  const now = new Date("2026-03-01T12:00:00Z");
  assertEquals(parseRetryAfter("30", now), 30_000);
  assertEquals(parseRetryAfter("Sun, 01 Mar 2026 12:02:00 GMT", now), 120_000);
  assertEquals(parseRetryAfter("Sun, 01 Mar 2026 11:00:00 GMT", now), 0);
  assertEquals(parseRetryAfter("soon", now), undefined);
  assertEquals(parseRetryAfter(null, now), undefined);
  assertEquals(parseRetryAfter("86400", now), 3_600_000);
});
