/**
 * The insights worker: every INTERVAL, per tenant with projects, scores the
 * running and the previous week and month (a previous period's row becomes
 * final), evaluates the quick-win rules and the month's usage analytics.
 * Replicas share it through a per-tenant transaction-level advisory lock: a
 * tenant another process is computing is skipped until the next pass.
 */
import { inTransaction, type Sql } from "../../db/client.ts";
import { tenantsWithProjects } from "../../db/queries/insights_scores.ts";
import { type BackgroundDeps, type Loop, runLoop } from "../workers/loop.ts";
import { type Period, periodContaining, PERIODS } from "./periods.ts";
import { evaluateQuickWins } from "./quick_wins/quick_wins.ts";
import { computeTenantScores } from "./scores.ts";
import { computeUsage } from "./usage.ts";

export const INSIGHTS_INTERVAL_MS = 15 * 60_000;
/** First key of the two-int advisory lock ("ins"); the second is the tenant's hash. */
const LOCK_CLASS = 0x696e73;

export interface InsightsTick {
  tenants: number;
  skipped: number;
}

/** The running period of each kind and the one before it. */
export function periodsToScore(now: Date): Period[] {
  return PERIODS.flatMap((kind) => {
    const current = periodContaining(kind, now);
    return [periodContaining(kind, new Date(current.start.getTime() - 1)), current];
  });
}

/** One tenant's insights in one transaction holding its lock; false when another process holds it. */
export async function computeTenantInsights(sql: Sql, tenantId: string, now: Date): Promise<boolean> {
  return await inTransaction(sql, async (tx) => {
    const [{ locked }] = await tx<{ locked: boolean }[]>`
      SELECT pg_try_advisory_xact_lock(${LOCK_CLASS}, hashtext(${tenantId})) AS locked`;
    if (!locked) return false;
    await computeTenantScores(tx, tenantId, periodsToScore(now), now);
    await evaluateQuickWins(tx, tenantId, now);
    await computeUsage(tx, tenantId, now);
    return true;
  });
}

export function createInsightsWorker(deps: BackgroundDeps) {
  let loop: Loop | undefined;
  async function tick(now = deps.now()): Promise<InsightsTick> {
    const result = { tenants: 0, skipped: 0 };
    for (const tenantId of await tenantsWithProjects(deps.sql)) {
      if (await computeTenantInsights(deps.sql, tenantId, now)) result.tenants++;
      else result.skipped++;
    }
    return result;
  }
  return {
    tick,
    start() {
      loop ??= runLoop({
        logger: deps.logger,
        failure: "insights worker pass failed",
        failureWaitMs: INSIGHTS_INTERVAL_MS,
        pass: async () => (await tick(), INSIGHTS_INTERVAL_MS),
        passed: () => deps.telemetry?.tick("insights"),
      });
    },
    async stop() {
      await loop?.stop();
    },
  };
}
