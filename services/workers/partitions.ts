/**
 * Dated partitions of the time series (UTC months, named <table>_pYYYY_MM;
 * check_results by UTC day, <table>_pYYYY_MM_DD, since 00200): created ahead
 * of time so writes never land in the DEFAULT partition, and dropped whole
 * once expired (retention.ts).
 */
import { inTransaction, type Sql } from "../../db/client.ts";
import {
  advisoryXactLock,
  createMonthlyPartition,
  lockAndProbeDefault,
  PARTITIONED,
  type PartitionedTable,
  relationExists,
} from "../../db/queries/check_results.ts";
import type { Logger } from "../platform/logger.ts";

/** The current month and this many after it exist at all times. */
export const MONTHS_AHEAD = 2;
/** Likewise the current day and this many after it, for a table partitioned by day. */
export const DAYS_AHEAD = 2;

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

export function dayStart(d: Date, addDays = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + addDays));
}

export function partitionName(table: string, start: Date, unit: "month" | "day" = "month"): string {
  const month = `${table}_p${start.getUTCFullYear()}_${String(start.getUTCMonth() + 1).padStart(2, "0")}`;
  return unit === "day" ? `${month}_${String(start.getUTCDate()).padStart(2, "0")}` : month;
}

/** The range a partition name covers, [start, end); null for a name that is not one of ours. */
export function partitionRange(name: string): { start: Date; end: Date } | null {
  const m = name.match(/_p(\d{4})_(\d{2})(?:_(\d{2}))?$/);
  if (!m) return null;
  const [year, month] = [Number(m[1]), Number(m[2]) - 1];
  if (m[3] === undefined) {
    return { start: new Date(Date.UTC(year, month, 1)), end: new Date(Date.UTC(year, month + 1, 1)) };
  }
  const day = Number(m[3]);
  return { start: new Date(Date.UTC(year, month, day)), end: new Date(Date.UTC(year, month, day + 1)) };
}

/**
 * The partitions `t` must have at `now`: this month and MONTHS_AHEAD more, or
 * for a daily table this day and DAYS_AHEAD more, except days that a monthly
 * partition made before the table went daily already covers.
 */
function partitionsAhead(t: PartitionedTable, now: Date) {
  if (!("unit" in t && t.unit === "day")) {
    return Array.from({ length: MONTHS_AHEAD + 1 }, (_, i) => ({
      name: partitionName(t.table, monthStart(now, i)),
      from: monthStart(now, i),
      to: monthStart(now, i + 1),
      coveredBy: null,
    }));
  }
  return Array.from({ length: DAYS_AHEAD + 1 }, (_, i) => ({
    name: partitionName(t.table, dayStart(now, i), "day"),
    from: dayStart(now, i),
    to: dayStart(now, i + 1),
    coveredBy: partitionName(t.table, monthStart(dayStart(now, i))),
  }));
}

export interface PartitionChange {
  table: string;
  partition: string;
  /** Rows moved out of DEFAULT into the new partition. */
  moved: number;
}

/**
 * Creates the missing partitions ahead of `now` (partitionsAhead), each in its
 * own transaction under the advisory lock; a second process waiting on the
 * lock then finds the partition there and does nothing.
 */
export async function ensurePartitions(sql: Sql, now: Date, logger: Logger): Promise<PartitionChange[]> {
  const created: PartitionChange[] = [];
  for (const t of PARTITIONED) {
    for (const { name, from, to, coveredBy } of partitionsAhead(t, now)) {
      if (await relationExists(sql, name)) continue;
      if (coveredBy && await relationExists(sql, coveredBy)) continue;
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
