/**
 * The sealer: packs every closed UTC day of raw check results into hourly
 * segments (db/queries/check_segments.ts, db/migrations/00200), then merges
 * the hours that got results after they were sealed. One process seals at a
 * time (a transaction-scoped advisory lock; the others skip the pass), so
 * several replicas can run it. Retention then drops the raw partitions that
 * are wholly sealed (services/workers/retention.ts).
 */
import type { Sql } from "../../db/client.ts";
import { mergeLateHours, oldestResultDay, sealDay, sealState } from "../../db/queries/check_segments.ts";
import type { Logger } from "../platform/logger.ts";
import { type BackgroundDeps, type BackgroundWorker, runLoop } from "../workers/loop.ts";

export const SEAL_INTERVAL_MS = 5 * 60_000;
/** A day is sealed this long after it ends, so the batches still in flight at midnight land raw. */
export const SEAL_GRACE_MS = 15 * 60_000;
/** Arbitrary constant ("oseal"), distinct from the partition lock. */
const SEAL_LOCK_KEY = 0x6f7365616cn;
/** Bounds one pass (a first run over a long history goes on in the next passes). */
const MAX_DAYS_PER_PASS = 62;
const LATE_BATCH = 500;
const MAX_LATE_BATCHES = 20;
const DAY_MS = 86_400_000;

export interface SealReport {
  /** The UTC days sealed, as dates (YYYY-MM-DD). */
  days: string[];
  /** Check-hours written. */
  segments: number;
  /** Late check-hours merged into their segments. */
  mergedHours: number;
}

export interface SealerDeps {
  sql: Sql;
  logger: Logger;
  now: () => Date;
}

/** The work without timers: tests call `runOnce(now)` with the clock they want. */
export function createSealer(deps: SealerDeps) {
  return {
    async runOnce(now = deps.now()): Promise<SealReport> {
      const report: SealReport = { days: [], segments: 0, mergedHours: 0 };
      for (let i = 0; i < MAX_DAYS_PER_PASS; i++) {
        const day = (await sealState(deps.sql)).sealedBefore ?? await oldestResultDay(deps.sql);
        if (!day || day.getTime() + DAY_MS + SEAL_GRACE_MS > now.getTime()) break;
        const segments = await sealDay(deps.sql, SEAL_LOCK_KEY, day);
        if (segments === null) break;
        report.days.push(day.toISOString().slice(0, 10));
        report.segments += segments;
      }
      for (let i = 0; i < MAX_LATE_BATCHES; i++) {
        const merged = await mergeLateHours(deps.sql, SEAL_LOCK_KEY, LATE_BATCH);
        report.mergedHours += merged;
        if (merged < LATE_BATCH) break;
      }
      if (report.days.length > 0 || report.mergedHours > 0) deps.logger.info("results sealed", { ...report });
      return report;
    },
  };
}

export function startSealer(deps: BackgroundDeps): BackgroundWorker {
  const sealer = createSealer(deps);
  const loop = runLoop({
    logger: deps.logger,
    failure: "sealing results failed",
    failureWaitMs: SEAL_INTERVAL_MS,
    pass: async () => (await sealer.runOnce(), SEAL_INTERVAL_MS),
    passed: () => deps.telemetry?.tick("sealer"),
  });
  return { name: "sealer", stop: () => loop.stop() };
}
