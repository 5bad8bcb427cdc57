/**
 * The sealer: packs every closed UTC day of raw check results into hourly
 * segments (db/queries/check_segments.ts, db/migrations/00200), then merges
 * the hours that got results after they were sealed. One process seals at a
 * time (a transaction-scoped advisory lock; the others skip the pass), so
 * several replicas can run it. Retention then drops the raw partitions that
 * are wholly sealed (services/workers/retention.ts).
 */
import type { Sql } from "../../db/client.ts";
import { mergeLateHours, nextResultDay, sealRange, sealState } from "../../db/queries/check_segments.ts";
import type { Logger } from "../platform/logger.ts";
import { type BackgroundDeps, type BackgroundWorker, runLoop } from "../workers/loop.ts";

export const SEAL_INTERVAL_MS = 5 * 60_000;
/** A day is sealed this long after it ends, so the batches still in flight at midnight land raw. */
export const SEAL_GRACE_MS = 15 * 60_000;
/** Arbitrary constant ("oseal"), distinct from the partition lock. */
const SEAL_LOCK_KEY = 0x6f7365616cn;
/** Bounds one pass (each range holds one day of results; a first run over a long history goes on in the next passes). */
const MAX_RANGES_PER_PASS = 31;
const LATE_BATCH = 500;
const MAX_LATE_BATCHES = 20;
const DAY_MS = 86_400_000;

export interface SealReport {
  /** Where sealing stands after the pass: every result before it is packed (null: nothing sealed yet). */
  sealedBefore: Date | null;
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
      const report: SealReport = {
        sealedBefore: (await sealState(deps.sql)).sealedBefore,
        segments: 0,
        mergedHours: 0,
      };
      // the last whole UTC day that ended at least the grace ago
      const limit = new Date(Math.floor((now.getTime() - SEAL_GRACE_MS) / DAY_MS) * DAY_MS);
      for (let i = 0; i < MAX_RANGES_PER_PASS; i++) {
        const from = report.sealedBefore ?? await nextResultDay(deps.sql, null);
        if (!from || from >= limit) break;
        // days without results are sealed together with the next day that has some
        const day = await nextResultDay(deps.sql, from);
        const to = day && day.getTime() + DAY_MS < limit.getTime() ? new Date(day.getTime() + DAY_MS) : limit;
        const segments = await sealRange(deps.sql, SEAL_LOCK_KEY, from, to);
        if (segments === null) break;
        report.sealedBefore = to;
        report.segments += segments;
      }
      for (let i = 0; i < MAX_LATE_BATCHES; i++) {
        const merged = await mergeLateHours(deps.sql, SEAL_LOCK_KEY, LATE_BATCH);
        report.mergedHours += merged;
        if (merged < LATE_BATCH) break;
      }
      if (report.segments > 0 || report.mergedHours > 0) deps.logger.info("results sealed", { ...report });
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
