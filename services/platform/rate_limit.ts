/**
 * The API's request budget: fixed one-minute windows per API key (or
 * session) and per client IP, shared by every replica. A request costs a Map
 * lookup, not a database write: each process counts in memory and, at most
 * once a second (on the next request), adds its counts to PostgreSQL and
 * reads back every replica's totals for those keys (db/queries/rate_limits.ts).
 * The budget can overshoot by about a second of traffic across replicas,
 * which is fine for a budget meant to stop runaway scripts (docs/security.md);
 * the sign-in throttle, which must be exact, writes every failure instead.
 * Memory is bounded: only the current window's counters are kept.
 */
import type { Sql } from "../../db/client.ts";
import { addRateCounts } from "../../db/queries/rate_limits.ts";

export interface RatePolicy {
  /** Names the policy in the RateLimit headers: "key" or "ip". */
  name: string;
  /** Requests per window; 0 turns the policy off. */
  limit: number;
  windowSeconds: number;
}

export interface RateDecision {
  policy: RatePolicy;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
  allowed: boolean;
}

/** Adds this process's counts of a window, returns all replicas' totals for those keys (purge: first of a window). */
export type ShareCounts = (
  windowStart: Date,
  counts: [string, number][],
  purge: boolean,
) => Promise<Map<string, number>>;

const SHARE_EVERY_MS = 1_000;

export class RateLimiter {
  #window = -1;
  /** Counted here since the last share. */
  #local = new Map<string, number>();
  /** Handed to the database, its answer not back yet. */
  #handed = new Map<string, number>();
  /** Every replica's totals at the last share. */
  #shared = new Map<string, number>();
  #sharedAt = -Infinity;
  #sharing = false;
  #purged = -1;
  constructor(readonly policy: RatePolicy, private readonly share?: ShareCounts) {}

  /** Counts one request for `key` at `nowMs` and says whether it fits the budget. */
  take(key: string, nowMs: number): RateDecision {
    const windowMs = this.policy.windowSeconds * 1000;
    const window = Math.floor(nowMs / windowMs);
    if (window !== this.#window) {
      this.#window = window;
      this.#local.clear();
      this.#handed.clear();
      this.#shared.clear();
      this.#sharedAt = -Infinity;
    }
    const local = (this.#local.get(key) ?? 0) + 1;
    this.#local.set(key, local);
    const used = (this.#shared.get(key) ?? 0) + (this.#handed.get(key) ?? 0) + local;
    if (this.share && !this.#sharing && nowMs - this.#sharedAt >= SHARE_EVERY_MS) this.#shareNow(window, nowMs);
    return {
      policy: this.policy,
      remaining: Math.max(0, this.policy.limit - used),
      resetSeconds: Math.max(1, Math.ceil(((window + 1) * windowMs - nowMs) / 1000)),
      allowed: used <= this.policy.limit,
    };
  }

  /** Hands the local counts over; on failure they are counted locally again (nothing lost, nothing thrown). */
  #shareNow(window: number, nowMs: number) {
    this.#sharing = true;
    this.#sharedAt = nowMs;
    const counts = [...this.#local].map(([k, n]) => [`${this.policy.name}:${k}`, n] as [string, number]);
    const handed = this.#local;
    this.#handed = handed;
    this.#local = new Map();
    const purge = this.#purged !== window;
    this.share!(new Date(window * this.policy.windowSeconds * 1000), counts, purge).then((totals) => {
      if (purge) this.#purged = window;
      if (this.#window !== window) return;
      for (const [key] of handed) {
        this.#shared.set(key, totals.get(`${this.policy.name}:${key}`) ?? this.#shared.get(key) ?? 0);
      }
    }, () => {
      if (this.#window !== window) return;
      for (const [key, n] of handed) this.#local.set(key, (this.#local.get(key) ?? 0) + n);
    }).finally(() => {
      if (this.#handed === handed) this.#handed = new Map();
      this.#sharing = false;
    });
  }
}

/** A limiter whose counts are shared with every replica through PostgreSQL. */
export function sharedRateLimiter(sql: Sql, policy: RatePolicy): RateLimiter {
  return new RateLimiter(policy, (windowStart, counts, purge) => addRateCounts(sql, windowStart, counts, purge));
}

/** `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers): every policy in force. */
export function policyHeader(policies: RatePolicy[]): string {
  return policies.map((p) => `"${p.name}";q=${p.limit};w=${p.windowSeconds}`).join(", ");
}

/** `RateLimit`: the policy closest to its limit, with what is left and when it resets. */
export function limitHeader(decision: RateDecision): string {
  return `"${decision.policy.name}";r=${decision.remaining};t=${decision.resetSeconds}`;
}
