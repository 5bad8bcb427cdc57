/**
 * Monthly partitions of check_results and metric_snapshots (UTC months,
 * named <table>_pYYYY_MM): created ahead of time so writes never land in the
 * DEFAULT partition, and dropped whole once expired (retention.ts).
 */
import { inTransaction, type Sql } from "../../db/client.ts";
import {
  advisoryXactLock,
  createMonthlyPartition,
  lockAndProbeDefault,
  PARTITIONED,
  relationExists,
} from "../../db/queries/check_results.ts";
import type { Logger } from "../platform/logger.ts";

/** The current month and this many after it exist at all times. */
export const MONTHS_AHEAD = 2;

/**
 * Serialises partition work across Opsdeck processes on one database
 * (pg_advisory_xact_lock). Arbitrary constant: "opsdeck:partitions" would not fit a bigint.
 */
const PARTITION_LOCK_KEY = 0x6f70617274n;

/** `fn` in a transaction holding the partition lock: creating, moving into and dropping partitions take turns. */
export async function withPartitionLock<T>(sql: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return await inTransaction(sql, async (tx) => {
    await advisoryXactLock(tx, PARTITION_LOCK_KEY);
    return await fn(tx);
  });
}

export function monthStart(d: Date, addMonths = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + addMonths, 1));
}

export function partitionName(table: string, month: Date): string {
  return `${table}_p${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** The first instant after the month a partition name covers; null for a name that is not one of ours. */
export function partitionEnd(name: string): Date | null {
  const m = name.match(/_p(\d{4})_(\d{2})$/);
  if (!m) return null;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]), 1));
}

export interface PartitionChange {
  table: string;
  partition: string;
  /** Rows moved out of DEFAULT into the new partition. */
  moved: number;
}

/**
 * Creates the missing partitions for the month of `now` and the next
 * MONTHS_AHEAD, each in its own transaction under the advisory lock; a second
 * process waiting on the lock then finds the partition there and does nothing.
 */
export async function ensurePartitions(sql: Sql, now: Date, logger: Logger): Promise<PartitionChange[]> {
  const created: PartitionChange[] = [];
  for (const t of PARTITIONED) {
    for (let i = 0; i <= MONTHS_AHEAD; i++) {
      const from = monthStart(now, i);
      const to = monthStart(now, i + 1);
      const name = partitionName(t.table, from);
      if (await relationExists(sql, name)) continue;
      const moved = await withPartitionLock(sql, async (tx) => {
        if (await relationExists(tx, name)) return null;
        const inDefault = await lockAndProbeDefault(tx, t, from, to);
        return await createMonthlyPartition(tx, t, name, from, to, inDefault);
      }) as number | null;
      if (moved === null) continue;
      logger.info("partition created", { table: t.table, partition: name, moved_from_default: moved });
      created.push({ table: t.table, partition: name, moved });
    }
  }
  return created;
}
