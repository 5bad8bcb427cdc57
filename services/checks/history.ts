/**
 * Check history for the API, the pages, the board and the alert evaluator:
 * uptime percentages, latency series, status bars and the result list. Each
 * reads daily roll-ups for whole days, hourly roll-ups for whole hours and raw
 * results only where it must (partial hours at the edges, hours that overlap
 * maintenance), so a 90-day answer reads a few hundred rows, not ~130,000.
 *
 * Every function takes tenantId and filters by it; callers run them inside
 * withTenant (row-level security) and have already authorized the checks.
 */
import type { Sql } from "../../db/client.ts";
import { barRows, type CountRange, countRanges, type Level, seriesRows } from "../../db/queries/check_history.ts";
import { listCheckResults, type ResultStatus } from "../../db/queries/check_results.ts";
import { listWindowsOverlapping } from "../../db/queries/maintenance_windows.ts";
import { mergeIntervals, windowIntervals } from "../maintenance/coverage.ts";
import { BadRequestError, ValidationError } from "../platform/errors.ts";
import { decodeCursor, type Page, toPage } from "../platform/pagination.ts";
import { percentileFromHistogram } from "./latency_histogram.ts";

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export interface Interval {
  start: Date;
  end: Date;
}

export interface Uptime {
  h24: number | null;
  d7: number | null;
  d30: number | null;
  d90: number | null;
}

const WINDOWS: [keyof Uptime, number][] = [["d90", 90 * DAY], ["d30", 30 * DAY], ["d7", 7 * DAY], ["h24", DAY]];

const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit;
const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit;

export interface PlannedRange {
  level: Level;
  from: Date;
  to: Date;
  /** -1: subtract (the rest of a roll-up bucket that was added whole) */
  sign: 1 | -1;
}

/**
 * Splits [from, to) minus the `excluded` intervals (sorted, disjoint) into
 * ranges of one level each whose signed counts add up to the counts of the
 * kept time: daily roll-ups for whole UTC days, hourly for whole hours,
 * raw rows for partial hours. A partial hour longer than half an hour is
 * read as its whole hourly row minus the raw rest (and a partial day longer
 * than half a day as its daily row minus the hourly rest), so an edge never
 * reads more than half a bucket of finer rows. An hour that a maintenance
 * window cuts is partial on both sides of the cut.
 */
export function planRanges(from: Date, to: Date, excluded: Interval[]): PlannedRange[] {
  const kept: [number, number][] = [];
  let cursor = from.getTime();
  for (const w of excluded) {
    if (w.start.getTime() > cursor) kept.push([cursor, Math.min(w.start.getTime(), to.getTime())]);
    cursor = Math.max(cursor, w.end.getTime());
  }
  if (cursor < to.getTime()) kept.push([cursor, to.getTime()]);
  const out: PlannedRange[] = [];
  const push = (level: Level, a: number, b: number, sign: 1 | -1 = 1) => {
    if (b > a) out.push({ level, from: new Date(a), to: new Date(b), sign });
  };
  // [a, b) is the part of one `unit` bucket that ends at the bucket's end (endsBucket) or starts at its start
  const edge = (fine: Level, coarse: Level, unit: number, a: number, b: number, endsBucket: boolean) => {
    if (b - a <= unit / 2) return push(fine, a, b);
    const start = floorTo(a, unit);
    push(coarse, start, start + unit);
    if (endsBucket) push(fine, start, a, -1);
    else push(fine, b, start + unit, -1);
  };
  for (const [a, b] of kept) {
    const ha = ceilTo(a, HOUR), hb = floorTo(b, HOUR);
    if (ha >= hb) {
      push("r", a, b);
      continue;
    }
    edge("r", "h", HOUR, a, ha, true);
    const da = ceilTo(ha, DAY), db = floorTo(hb, DAY);
    if (da <= db) {
      edge("h", "d", DAY, ha, da, true);
      push("d", da, db);
      edge("h", "d", DAY, db, hb, false);
    } else {
      push("h", ha, hb);
    }
    edge("r", "h", HOUR, hb, b, false);
  }
  return out;
}

/** Maintenance per project over [from, to): one query for all projects (tenant-wide windows apply to each). */
async function maintenanceByProject(
  sql: Sql,
  tenantId: string,
  projectIds: string[],
  from: Date,
  to: Date,
): Promise<Map<string, Interval[]>> {
  const windows = await listWindowsOverlapping(sql, tenantId, projectIds, from, to);
  const spans = new Map<string, Interval[]>(projectIds.map((p) => [p, []]));
  for (const w of windows) {
    const intervals = windowIntervals(w, from, to);
    for (const p of w.project_id === null ? projectIds : [w.project_id]) spans.get(p)?.push(...intervals);
  }
  return new Map([...spans].map(([p, s]) => [p, mergeIntervals(s, from, to)]));
}

/** A planned range read once and counted, with its sign, in each of `windows` (an index may repeat). */
export interface SharedRange extends PlannedRange {
  windows: number[];
}

/**
 * Merges the plans of several windows so each stretch of each level and sign
 * is read once: all ranges of one level and sign are cut at each other's
 * ends, and each piece lists the windows whose ranges cover it. The uptime
 * windows share their right edge and most of their days, so this reads the
 * 90 days once instead of 90 + 30 + 7 + 1.
 */
export function shareRanges(planned: (PlannedRange & { window: number })[]): SharedRange[] {
  const out: SharedRange[] = [];
  for (const level of ["d", "h", "r"] as const) {
    for (const sign of [1, -1] as const) {
      const group = planned.filter((r) => r.level === level && r.sign === sign);
      const points = [...new Set(group.flatMap((r) => [r.from.getTime(), r.to.getTime()]))].sort((a, b) => a - b);
      for (let i = 0; i + 1 < points.length; i++) {
        const [p, q] = [points[i], points[i + 1]];
        const windows = group.filter((r) => r.from.getTime() <= p && r.to.getTime() >= q).map((r) => r.window);
        if (windows.length) out.push({ level, sign, from: new Date(p), to: new Date(q), windows });
      }
    }
  }
  return out;
}

/**
 * Uptime over the last 24 h, 7, 30 and 90 days for each check: the share of
 * results that were up or degraded (degraded answered, only slowly), leaving
 * out results inside maintenance windows; null when a window holds none.
 *
 * Results are stamped when taken, so none lie after `now`: every window is
 * read up to the end of today, from the current hour's and day's roll-ups
 * instead of raw rows, and only its start is a partial hour. Checks whose
 * projects have the same maintenance share one plan, so a board of 100
 * checks is one query over ~20 ranges, each an index scan over all of them.
 * `only` limits the windows computed (the others stay null): the status
 * board, polled every few seconds, shows the 24-hour figure alone.
 */
export async function uptime(
  sql: Sql,
  tenantId: string,
  checks: { id: string; projectId: string }[],
  now: Date,
  only: readonly (keyof Uptime)[] = ["h24", "d7", "d30", "d90"],
): Promise<Map<string, Uptime>> {
  const result = new Map<string, Uptime>(checks.map((c) => [c.id, { h24: null, d7: null, d30: null, d90: null }]));
  const windows = WINDOWS.filter(([key]) => only.includes(key));
  if (checks.length === 0 || windows.length === 0) return result;
  const starts = windows.map(([, span]) => new Date(now.getTime() - span));
  const end = new Date(ceilTo(now.getTime() + 1, DAY));
  const projects = [...new Set(checks.map((c) => c.projectId))];
  const maintenance = await maintenanceByProject(sql, tenantId, projects, starts[0], now);
  const plans = new Map<string, { excluded: Interval[]; checkIds: string[] }>();
  for (const check of checks) {
    const excluded = maintenance.get(check.projectId) ?? [];
    const key = JSON.stringify(excluded);
    const plan = plans.get(key) ?? { excluded, checkIds: [] };
    plan.checkIds.push(check.id);
    plans.set(key, plan);
  }
  const shared: SharedRange[] = [];
  const ranges: CountRange[] = [];
  for (const { excluded, checkIds } of plans.values()) {
    const planned = starts.flatMap((start, window) => planRanges(start, end, excluded).map((r) => ({ ...r, window })));
    for (const r of shareRanges(planned)) {
      ranges.push({ checkIds, tag: shared.length, level: r.level, from: r.from, to: r.to });
      shared.push(r);
    }
  }
  const sums = new Map<string, { total: number; ok: number }[]>(
    checks.map((c) => [c.id, windows.map(() => ({ total: 0, ok: 0 }))]),
  );
  for (const row of await countRanges(sql, tenantId, ranges)) {
    const { sign, windows } = shared[row.tag];
    for (const w of windows) {
      const s = sums.get(row.check_id)![w];
      s.total += sign * row.total;
      s.ok += sign * row.ok;
    }
  }
  for (const [id, perWindow] of sums) {
    const u = result.get(id)!;
    windows.forEach(([key], w) => {
      const { total, ok } = perWindow[w];
      u[key] = total === 0 ? null : (100 * ok) / total;
    });
  }
  return result;
}

export interface SeriesPoint {
  t: Date;
  avg: number | null;
  p95: number | null;
  min: number | null;
  max: number | null;
  count: number;
  up: number;
  down: number;
  degraded: number;
}

/** Most points one series may have; a chart is a few hundred pixels wide. */
export const MAX_SERIES_POINTS = 5000;

/** The level a step reads: daily roll-ups for steps of a day or more, hourly for an hour or more, else raw. */
export function seriesLevel(stepSeconds: number): Level {
  return stepSeconds >= 86400 ? "d" : stepSeconds >= 3600 ? "h" : "r";
}

/**
 * Latency and status counts per step over [from, to), every step present
 * (count 0 and null latencies where there were no results). Steps are aligned
 * to epoch multiples of stepSeconds (UTC). From roll-ups, an hour or day
 * counts in the step it starts in (exact when the step is a multiple of the
 * roll-up's size, which the API's steps are) and p95 is the histogram estimate.
 */
export async function latencySeries(
  sql: Sql,
  tenantId: string,
  checkId: string,
  from: Date,
  to: Date,
  stepSeconds: number,
): Promise<SeriesPoint[]> {
  const step = stepSeconds * 1000;
  const first = floorTo(from.getTime(), step);
  const points = Math.ceil((to.getTime() - first) / step);
  if (!Number.isInteger(stepSeconds) || stepSeconds < 1 || points > MAX_SERIES_POINTS) {
    throw new ValidationError([{ path: "step", message: `must give at most ${MAX_SERIES_POINTS} points` }]);
  }
  const level = seriesLevel(stepSeconds);
  const unit = level === "d" ? DAY : level === "h" ? HOUR : 1;
  // roll-up rows whose hour/day starts in [from, to), widened to the whole first bucket
  const readFrom = level === "r" ? from : new Date(floorTo(from.getTime(), unit));
  const rows = await seriesRows(sql, tenantId, checkId, level, readFrom, to, stepSeconds);
  const byT = new Map(rows.map((r) => [r.t.getTime(), r]));
  const out: SeriesPoint[] = [];
  for (let i = 0; i < points; i++) {
    const t = first + i * step;
    const r = byT.get(t);
    out.push({
      t: new Date(t),
      avg: r && r.latency_count ? r.latency_sum / r.latency_count : null,
      p95: !r || !r.latency_count
        ? null
        : r.p95 ?? percentileFromHistogram(r.histogram!, 0.95, r.latency_min!, r.latency_max!),
      min: r?.latency_min ?? null,
      max: r?.latency_max ?? null,
      count: r?.total ?? 0,
      up: r?.up ?? 0,
      down: r?.down ?? 0,
      degraded: r?.degraded ?? 0,
    });
  }
  return out;
}

export type Bar = "up" | "down" | "degraded" | "mixed" | null;

/**
 * The status board's bars: for each check, `buckets` bars of `bucketSeconds`
 * aligned to UTC epoch multiples, the last one containing `now`; oldest
 * first. A bar is null without results, "up" when all were up, "degraded"
 * when some were degraded and none down, "down" when all were down, "mixed"
 * when some were down and some not. One query for all checks.
 */
export async function statusBars(
  sql: Sql,
  tenantId: string,
  checkIds: string[],
  now: Date,
  buckets = 30,
  bucketSeconds = 86400,
): Promise<Map<string, Bar[]>> {
  const bars = new Map<string, Bar[]>(checkIds.map((id) => [id, Array<Bar>(buckets).fill(null)]));
  if (checkIds.length === 0) return bars;
  const size = bucketSeconds * 1000;
  const to = new Date(floorTo(now.getTime(), size) + size);
  const from = new Date(to.getTime() - buckets * size);
  const level: Level = size % DAY === 0 ? "d" : size % HOUR === 0 ? "h" : "r";
  for (const r of await barRows(sql, tenantId, checkIds, level, from, to, bucketSeconds)) {
    const row = bars.get(r.check_id);
    if (!row || r.i < 0 || r.i >= buckets || r.total === 0) continue;
    row[r.i] = r.down === 0 ? (r.degraded === 0 ? "up" : "degraded") : r.down === r.total ? "down" : "mixed";
  }
  return bars;
}

export interface ResultItem {
  check_id: string;
  status: ResultStatus;
  latency_ms: number | null;
  status_code: number | null;
  detail: string | null;
  checked_at: Date;
}

export interface ResultQuery {
  since?: Date;
  until?: Date;
  status?: ResultStatus;
  limit: number;
  cursor?: string;
}

/** GET /api/v1/health-checks/{id}/results: newest first, keyset on checked_at (to the microsecond). */
export async function listResults(
  sql: Sql,
  tenantId: string,
  checkId: string,
  q: ResultQuery,
): Promise<Page<ResultItem>> {
  const before = q.cursor ? String(decodeCursor(q.cursor, ["string"])[0]) : null;
  if (before !== null && Number.isNaN(Date.parse(before))) {
    throw new BadRequestError("cursor: not a cursor returned by this list");
  }
  const rows = await listCheckResults(sql, tenantId, checkId, {
    since: q.since ?? null,
    until: q.until ?? null,
    status: q.status ?? null,
    before,
    limit: q.limit + 1,
  });
  const page = toPage(rows, q.limit, (r) => [r.key]);
  return {
    data: page.data.map(({ key: _key, ...item }) => item),
    next_cursor: page.next_cursor,
  };
}
