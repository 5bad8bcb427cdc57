/**
 * Sign-in throttling, shared by every Opsdeck process through PostgreSQL
 * (db/migrations/00020_login_throttles.sql): failures are counted in a
 * sliding window per (account, client IP) and per client IP; past a limit
 * the caller waits (429 + Retry-After) until the oldest counted failure ages
 * out. No key is the account alone, so nobody can lock an owner out of their
 * own address by failing for their e-mail from elsewhere; guessing one
 * account from many addresses is bounded by each address's own limits (and
 * by the cost of password hashing). The client IP is the one read through
 * trusted proxies (routes/client.ts).
 */
import type { Sql } from "../../db/client.ts";
import { forgetFailures, purgeIdleThrottles, recentFailures, recordFailure } from "../../db/queries/login_throttles.ts";

export interface ThrottleRule {
  limit: number;
  windowMs: number;
}

export interface ThrottleRules {
  /** One account from one address. */
  accountIp: ThrottleRule;
  /** One address, whatever the accounts. */
  ip: ThrottleRule;
}

/** Who is trying: the account's e-mail (as typed, normalised) and the client IP (null in-process). */
export interface Attempt {
  email: string;
  ip: string | null;
}

export interface LoginThrottles {
  rules: ThrottleRules;
  /** Milliseconds until this attempt may be made; 0 when it may be made now. */
  retryAfterMs(sql: Sql, attempt: Attempt, now: Date): Promise<number>;
  fail(sql: Sql, attempt: Attempt, now: Date): Promise<void>;
  /** A success forgets this address's failures for the account. */
  succeed(sql: Sql, attempt: Attempt): Promise<void>;
}

export const DEFAULT_THROTTLE_RULES: ThrottleRules = {
  accountIp: { limit: 5, windowMs: 15 * 60_000 },
  ip: { limit: 30, windowMs: 15 * 60_000 },
};

/** Idle rows deleted per failure: enough to keep up, small enough to stay cheap. */
const PURGE_BATCH = 100;

export function createLoginThrottles(rules: ThrottleRules = DEFAULT_THROTTLE_RULES): LoginThrottles {
  const keyed = (a: Attempt) =>
    [
      [`account_ip:${a.email} ${a.ip ?? "-"}`, rules.accountIp],
      [`ip:${a.ip ?? "-"}`, rules.ip],
    ] as const;
  const longest = Math.max(rules.accountIp.windowMs, rules.ip.windowMs);
  return {
    rules,
    async retryAfterMs(sql, attempt, now) {
      const keys = keyed(attempt);
      const failures = await recentFailures(sql, keys.map(([k]) => k), new Date(now.getTime() - longest));
      return Math.max(0, ...keys.map(([key, rule]) => waitFor(failures.get(key) ?? [], rule, now.getTime())));
    },
    async fail(sql, attempt, now) {
      await Promise.all([
        ...keyed(attempt).map(([key, rule]) =>
          recordFailure(sql, key, now, new Date(now.getTime() - rule.windowMs), rule.limit)
        ),
        purgeIdleThrottles(sql, new Date(now.getTime() - longest), PURGE_BATCH),
      ]);
    },
    async succeed(sql, attempt) {
      await forgetFailures(sql, [keyed(attempt)[0][0]]);
    },
  };
}

function waitFor(failures: number[], rule: ThrottleRule, now: number): number {
  const recent = failures.filter((t) => t > now - rule.windowMs);
  if (recent.length < rule.limit) return 0;
  return Math.max(0, recent[recent.length - rule.limit] + rule.windowMs - now);
}
