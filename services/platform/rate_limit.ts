/**
 * The API's request budget: fixed one-minute windows counted in this
 * process's memory, per API key (or session) and per client IP. In memory on
 * purpose: a check costs a Map lookup instead of a database write on every
 * API request, and an overshoot of "limit × replicas" is acceptable for a
 * budget meant to stop runaway scripts (docs/security.md). The sign-in
 * throttle, which must hold across replicas, lives in PostgreSQL instead.
 * Memory is bounded: only the current window's counters are kept.
 */
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

export class RateLimiter {
  #window = -1;
  #counts = new Map<string, number>();
  constructor(readonly policy: RatePolicy) {}

  /** Counts one request for `key` at `nowMs` and says whether it fits the budget. */
  take(key: string, nowMs: number): RateDecision {
    const windowMs = this.policy.windowSeconds * 1000;
    const window = Math.floor(nowMs / windowMs);
    if (window !== this.#window) {
      this.#window = window;
      this.#counts.clear();
    }
    const used = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, used);
    return {
      policy: this.policy,
      remaining: Math.max(0, this.policy.limit - used),
      resetSeconds: Math.max(1, Math.ceil(((window + 1) * windowMs - nowMs) / 1000)),
      allowed: used <= this.policy.limit,
    };
  }
}

/** `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers): every policy in force. */
export function policyHeader(policies: RatePolicy[]): string {
  return policies.map((p) => `"${p.name}";q=${p.limit};w=${p.windowSeconds}`).join(", ");
}

/** `RateLimit`: the policy closest to its limit, with what is left and when it resets. */
export function limitHeader(decision: RateDecision): string {
  return `"${decision.policy.name}";r=${decision.remaining};t=${decision.resetSeconds}`;
}
