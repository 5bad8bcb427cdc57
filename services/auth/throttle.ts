/**
 * Login throttling per account and per IP: a failure count in a sliding
 * window; past the limit a caller waits (429 + Retry-After) until the oldest
 * failure ages out. Nothing locks an account for good, so an attacker cannot
 * shut the real owner out for longer than the window. Kept in memory, per
 * process (docs/security.md says what that means for several processes).
 */
export interface ThrottleRule {
  limit: number;
  windowMs: number;
}

export class Throttle {
  #failures = new Map<string, number[]>();
  constructor(readonly rule: ThrottleRule) {}

  /** Milliseconds until `key` may try again; 0 when it may try now. */
  retryAfterMs(key: string, now: number): number {
    const recent = this.#recent(key, now);
    if (recent.length < this.rule.limit) return 0;
    return recent[recent.length - this.rule.limit] + this.rule.windowMs - now;
  }

  fail(key: string, now: number): void {
    const recent = this.#recent(key, now);
    recent.push(now);
    this.#failures.set(key, recent);
    if (this.#failures.size > 100_000) this.#sweep(now);
  }

  clear(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => t > now - this.rule.windowMs);
  }

  #sweep(now: number) {
    for (const key of this.#failures.keys()) {
      if (this.#recent(key, now).length === 0) this.#failures.delete(key);
    }
  }
}

export interface LoginThrottles {
  account: Throttle;
  ip: Throttle;
}

export function createLoginThrottles(): LoginThrottles {
  return {
    account: new Throttle({ limit: 5, windowMs: 15 * 60_000 }),
    ip: new Throttle({ limit: 30, windowMs: 15 * 60_000 }),
  };
}
