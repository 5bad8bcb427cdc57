/**
 * The retention worker, the one owner of everything that expires: keeps the
 * dated partitions of the time series created ahead (partitions.ts), drops
 * the partitions whose whole month is older than OPSDECK_RETENTION_DAYS
 * (single check results, packed in segments: OPSDECK_RAW_RETENTION_DAYS; a
 * raw day of check_results goes as soon as the sealer, services/checks/sealer.ts,
 * has packed all of it), deletes stray DEFAULT-partition rows as old and
 * roll-up rows a month older, finished notification deliveries and events past
 * the same age, idempotency keys past their own expiry, and approval requests
 * past theirs (services/approvals). Runs at start,
 * then every few hours; dropping a partition is instant and leaves no dead
 * rows to vacuum, unlike DELETE.
 */
import type { Sql } from "../../db/client.ts";
import {
  deleteExpiredRows,
  dropPartition,
  listDatedPartitions,
  PARTITIONED,
  type PartitionedTable,
  rawPartitionFreed,
  relationExists,
} from "../../db/queries/check_results.ts";
import { sealState } from "../../db/queries/check_segments.ts";
import { deleteEventsBefore } from "../../db/queries/events.ts";
import { purgeExpiredIdempotencyKeys } from "../../db/queries/idempotency.ts";
import { expireDueApprovals } from "../approvals/approvals.ts";
import { deleteFinishedMail } from "../../db/queries/mail_outbox.ts";
import { dropExpiredFiles } from "../../db/queries/reports.ts";
import { deleteFinishedDeliveries } from "../../db/queries/notification_deliveries.ts";
import type { Config } from "../platform/config.ts";
import type { Logger } from "../platform/logger.ts";
import { type BackgroundDeps, type BackgroundWorker, runLoop } from "./loop.ts";
import { ensurePartitions, type PartitionChange, partitionRange, withPartitionLock } from "./partitions.ts";

export const RETENTION_INTERVAL_MS = 6 * 3600_000;
const DAY_MS = 86_400_000;
/** lock_timeout expired (rawPartitionFreed). */
const LOCK_NOT_AVAILABLE = "55P03";

export interface RetentionReport {
  created: PartitionChange[];
  dropped: string[];
  deletedRows: number;
  expiredIdempotencyKeys: number;
}

export interface RetentionRunner {
  runOnce(now?: Date): Promise<RetentionReport>;
}

export interface RetentionDeps {
  sql: Sql;
  config: Pick<Config, "retentionDays" | "rawRetentionDays">;
  logger: Logger;
  now: () => Date;
}

/** The work without timers: tests call `runOnce(now)` with the clock they want. */
export function createRetention(deps: RetentionDeps): RetentionRunner {
  return {
    async runOnce(now = deps.now()) {
      const created = await ensurePartitions(deps.sql, now, deps.logger);
      const cutoff = new Date(now.getTime() - deps.config.retentionDays * DAY_MS);
      const rawCutoff = new Date(now.getTime() - deps.config.rawRetentionDays * DAY_MS);
      const { sealedBefore } = await sealState(deps.sql);
      // raw rows go once sealed (their results live on in segments), and in any case with the segments
      const rawEnd = sealedBefore && sealedBefore > rawCutoff ? sealedBefore : rawCutoff;
      const cutoffOf = (t: PartitionedTable) =>
        t.table === "check_results" ? rawEnd : t.table === "check_result_segments" ? rawCutoff : cutoff;
      const dropped = await dropExpiredPartitions(deps.sql, cutoffOf, deps.logger);
      // A month's rows stay until the whole month has expired; roll-ups stay a month longer than the
      // setting so that every raw row still stored has its roll-ups (uptime subtracts one from the other).
      // stray rows in check_results' DEFAULT may be late results waiting for their merge: they go with the segments
      const deletedRows = await deleteExpiredRows(
        deps.sql,
        (t) => t.table === "check_results" ? rawCutoff : cutoffOf(t),
        new Date(cutoff.getTime() - 32 * DAY_MS),
      );
      const feedRows = await deleteExpiredFeed(deps.sql, cutoff);
      // report files go by their own report's keep_days (expires_at), not the global setting
      await dropExpiredFiles(deps.sql, now);
      if (deletedRows + feedRows > 0) {
        deps.logger.info("retention deleted rows", { rows: deletedRows + feedRows, before: cutoff });
      }
      const expiredIdempotencyKeys = await purgeExpiredIdempotencyKeys(deps.sql, now);
      await expireDueApprovals(deps.sql, now);
      return { created, dropped, deletedRows: deletedRows + feedRows, expiredIdempotencyKeys };
    },
  };
}

const FEED_BATCH = 5_000;
/** Upper bound per run, so one run never holds the database for long; the next run goes on. */
const FEED_MAX_BATCHES = 200;

/** Finished notification deliveries (with their attempts), sent mail and events past retention, in bounded batches. */
async function deleteExpiredFeed(sql: Sql, cutoff: Date): Promise<number> {
  let total = 0;
  for (const remove of [deleteFinishedDeliveries, deleteFinishedMail, deleteEventsBefore]) {
    for (let batch = 0; batch < FEED_MAX_BATCHES; batch++) {
      const n = await remove(sql, cutoff, FEED_BATCH);
      total += n;
      if (n < FEED_BATCH) break;
    }
  }
  return total;
}

/**
 * Drops every dated partition that ends at or before its table's cutoff (it holds nothing
 * newer); a raw one only once no late result in it waits to be merged into its segment.
 */
async function dropExpiredPartitions(
  sql: Sql,
  cutoffOf: (t: PartitionedTable) => Date,
  logger: Logger,
): Promise<string[]> {
  const dropped: string[] = [];
  for (const t of PARTITIONED) {
    const cutoff = cutoffOf(t);
    for (const name of await listDatedPartitions(sql, t)) {
      const range = partitionRange(name);
      if (!range || range.end > cutoff) continue;
      const done = await withPartitionLock(sql, async (tx) => {
        if (!(await relationExists(tx, name))) return false;
        if (t.table === "check_results" && !(await rawPartitionFreed(tx, range.start, range.end))) return false;
        await dropPartition(tx, name);
        return true;
      }).catch((error) => {
        if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
        logger.info("partition drop postponed: table busy", { table: t.table, partition: name });
        return false;
      });
      if (!done) continue;
      logger.info("partition dropped", { table: t.table, partition: name, retention_cutoff: cutoff });
      dropped.push(name);
    }
  }
  return dropped;
}

export function startRetention(deps: BackgroundDeps): BackgroundWorker {
  const runner = createRetention(deps);
  const loop = runLoop({
    logger: deps.logger,
    failure: "retention failed",
    failureWaitMs: RETENTION_INTERVAL_MS,
    pass: async () => (await runner.runOnce(), RETENTION_INTERVAL_MS),
    passed: () => deps.telemetry?.tick("retention"),
  });
  return { name: "retention", stop: () => loop.stop() };
}
