/**
 * Check history: (1) insertCheckResults throughput in batches of 100 (the
 * scheduler's write, raw rows plus hourly and daily roll-ups in one
 * statement); (2) the history reads on 90 days of results, as the service
 * runs them inside withTenant: uptime (24 h/7/30/90 d) and latency series for
 * one check with one result a minute (~130,000 rows), and a status board of
 * 100 checks (uptime for all, then 30 daily status bars). Each read row is
 * 100 sequential runs after 10 discarded. Target: p95 < 50 ms.
 *
 * No Opsdeck server: this times the SQL and the service code on an embedded
 * PostgreSQL of its own (default, durable settings), seeded with INSERT …
 * SELECT generate_series and roll-ups built in SQL.
 */
import type { Sql, TransactionSql } from "../db/client.ts";
import { type CheckResultInsert, insertCheckResults } from "../db/queries/check_results.ts";
import { withTenant } from "../db/tenant.ts";
import { DAYS_AHEAD, ensurePartitions } from "../services/workers/partitions.ts";
import { latencySeries, statusBars, uptime } from "../services/checks/history.ts";
import { createLogger } from "../services/platform/logger.ts";
import { watchOtherCpu } from "./lib/cpu.ts";
import { withMigratedPostgres } from "./lib/servers.ts";
import { type BenchReport, type Row, versus } from "./lib/table.ts";
import { formatTimings, slowestP95, summarise, type Timed, timeRuns, type Timing } from "./lib/timing.ts";
import { runWhenMain } from "./lib/main.ts";
import { rollUpHourlyAndDaily, type SeededCheck, seedTenantChecks } from "./lib/seed_results.ts";

const BOARD_CHECKS = 100;
const BOARD_PROJECTS = 10;
/** Seconds between two results of a board check (the single check has one a minute). */
const BOARD_EVERY_SECONDS = 300;
const DAYS = 91;
const RUNS = 100;
const WARMUP = 10;
const INSERT_BATCH = 100;
const INSERT_SECONDS = 5;
const TARGET_P95_MS = 50;

export default async function checkHistoryBench(): Promise<BenchReport> {
  return await withMigratedPostgres("opsdeck-bench-check-history-", { max: 4 }, async (sql) => {
    // partitions for the seeded days (raw results by day, 00200) and months, as the retention worker made them
    const quiet = createLogger("warn");
    for (let d = DAYS; d >= 0; d -= DAYS_AHEAD + 1) {
      await ensurePartitions(sql, new Date(Date.now() - d * 86_400_000), quiet);
    }
    console.error("bench: seeding check results…");
    const seeded = await seed(sql);
    const { tenantId, single, board } = seeded;
    const now = new Date();
    const DAY = 86_400_000;
    const scoped = (run: (tx: Sql) => Promise<unknown>) => () => withTenant(sql, tenantId, run);
    const cases: { label: string; run: (tx: Sql) => Promise<unknown>; whole?: () => Promise<unknown> }[] = [
      { label: "SELECT 1 (baseline)", run: (tx) => tx`SELECT 1` },
      { label: "uptime, 1 check (24h/7d/30d/90d)", run: (tx) => uptime(tx, tenantId, [single], now) },
      {
        label: "latency 90 d, step 1 d (daily)",
        run: (tx) => latencySeries(tx, tenantId, single.id, new Date(now.getTime() - 90 * DAY), now, 86400),
      },
      {
        label: "latency 90 d, step 6 h (hourly)",
        run: (tx) => latencySeries(tx, tenantId, single.id, new Date(now.getTime() - 90 * DAY), now, 21600),
      },
      {
        label: "latency 24 h, step 5 min (raw)",
        run: (tx) => latencySeries(tx, tenantId, single.id, new Date(now.getTime() - DAY), now, 300),
      },
      {
        label: "check page: uptime + 90 d latency",
        run: async (tx) => {
          await uptime(tx, tenantId, [single], now);
          await latencySeries(tx, tenantId, single.id, new Date(now.getTime() - 90 * DAY), now, 86400);
        },
      },
      { label: `board: uptime, ${BOARD_CHECKS} checks`, run: (tx) => uptime(tx, tenantId, board, now) },
      {
        label: `board: 30 daily bars, ${BOARD_CHECKS} checks`,
        run: (tx) => statusBars(tx, tenantId, board.map((c) => c.id), now),
      },
      {
        // two transactions at once, as the status board runs them; all four windows here (the 90-day target),
        // where the board itself asks for the 24-hour figure only
        label: `board: uptime + bars, ${BOARD_CHECKS} checks`,
        run: (tx) => uptime(tx, tenantId, board, now),
        whole: () =>
          Promise.all([
            withTenant(sql, tenantId, (tx) => uptime(tx, tenantId, board, now)),
            withTenant(sql, tenantId, (tx) => statusBars(tx, tenantId, board.map((c) => c.id), now)),
          ]),
      },
    ];
    const results: Timed[] = [];
    for (const c of cases) {
      console.error(`bench: ${c.label}…`);
      const run = () => (c.whole ?? scoped(c.run))().then(() => true);
      results.push({ label: c.label, m: await timeRuns(run, RUNS, { warmup: WARMUP }) });
    }
    console.error("bench: insert throughput…");
    const ingest = await insertThroughput(sql, tenantId, board.map((c) => c.id));
    return {
      title: [
        `Check results insert: batches of ${INSERT_BATCH} (${BOARD_CHECKS} checks, raw + hourly + daily roll-ups in ` +
        `one statement), one after another for ${INSERT_SECONDS} s`,
        `  ${(ingest.requestsPerSecond * INSERT_BATCH).toFixed(0)} rows/s  ` +
        `(${ingest.requestsPerSecond.toFixed(0)} batches/s, p50 ${ingest.p50Ms.toFixed(1)} ms, ` +
        `p99 ${ingest.p99Ms.toFixed(1)} ms per batch)`,
        `Check history on ${seeded.rows.toLocaleString("en")} results (1 check × 1/min × ${DAYS} d = ` +
        `${
          seeded.singleRows.toLocaleString("en")
        } rows; ${BOARD_CHECKS} board checks in ${BOARD_PROJECTS} projects × ` +
        `1/${BOARD_EVERY_SECONDS / 60} min; 2 maintenance windows; seeded in ${seeded.ms} ms); ${RUNS} sequential ` +
        `runs per row inside withTenant (target p95 < ${TARGET_P95_MS} ms)`,
        formatTimings("query", results),
        slowestP95(results.slice(1), TARGET_P95_MS),
        "  (the rows below repeat the figures in the suite's format)",
      ].join("\n"),
      rows: versus(
        [
          { name: "check results insert batch", label: `insertCheckResults ×${INSERT_BATCH}`, ...ingest },
          ...results.map(({ label, m }): Row => ({ name: `check history ${label}`, label, ...m })),
        ],
        results[0].m,
        "SELECT 1 in withTenant",
      ),
    };
  });
}

interface Seeded {
  tenantId: string;
  single: SeededCheck;
  board: SeededCheck[];
  rows: number;
  singleRows: number;
  ms: number;
}

/**
 * A tenant, BOARD_PROJECTS projects with 10 board checks each and the single
 * check; results by generate_series (1 % down, 3 % degraded, latency
 * 40–400 ms with a tail), then the roll-ups by GROUP BY; two maintenance windows.
 */
async function seed(sql: Sql): Promise<Seeded> {
  const started = performance.now();
  // check 0 is the single check, 1…BOARD_CHECKS the board
  const { tenantId, checks } = await seedTenantChecks(sql, { projects: BOARD_PROJECTS, numbers: [0, BOARD_CHECKS] });
  const [first, ...rest] = checks;
  const insertSeries = (tx: TransactionSql, ids: string[], everySeconds: number) =>
    tx`
      INSERT INTO check_results (tenant_id, check_id, status, latency_ms, status_code, checked_at)
      SELECT ${tenantId}, c, CASE WHEN r < 0.01 THEN 'down' WHEN r < 0.04 THEN 'degraded' ELSE 'up' END,
             (40 + 360 * r2 ^ 3)::int, CASE WHEN r < 0.01 THEN 503 ELSE 200 END, g
      FROM unnest(${ids}::uuid[]) c,
           generate_series(date_trunc('minute', now()) - ${DAYS} * interval '1 day', now(),
                           ${everySeconds} * interval '1 second') g,
           LATERAL (SELECT random() AS r, random() AS r2 OFFSET 0) x`;
  // Seeding only: the generated rows reference the checks just created, so skip the per-row foreign-key
  // triggers (session_replication_role, as the embedded cluster's superuser), which would double the time.
  const [single, boardRows] = await sql.begin(async (tx) => {
    await tx`SET LOCAL session_replication_role = replica`;
    return [await insertSeries(tx, [first.id], 60), await insertSeries(tx, rest.map((c) => c.id), BOARD_EVERY_SECONDS)];
  });
  await rollUpHourlyAndDaily(sql);
  // one window on the single check's project 20 days ago, one tenant-wide 3 days ago
  await sql`
    INSERT INTO maintenance_windows (tenant_id, project_id, title, starts_at, ends_at)
    VALUES (${tenantId}, ${first.projectId}, 'Upgrade', now() - interval '20 days 3 hours 10 minutes',
            now() - interval '20 days 1 hour'),
           (${tenantId}, NULL, 'Network', now() - interval '3 days 30 minutes', now() - interval '3 days')`;
  // Autovacuum's steady state: settled roll-up pages marked all-visible, so uptime's reads are index-only scans.
  await sql`VACUUM (ANALYZE) check_results_hourly, check_results_daily`;
  await sql`ANALYZE check_results, maintenance_windows`;
  return {
    tenantId,
    single: first,
    board: rest,
    rows: single.count + boardRows.count,
    singleRows: single.count,
    ms: Math.round(performance.now() - started),
  };
}

/** Batches of INSERT_BATCH results (one per check, the next minute each time), one after another. */
async function insertThroughput(sql: Sql, tenantId: string, checkIds: string[]): Promise<Timing> {
  let minute = Math.ceil(Date.now() / 60_000) + 1;
  const batch = (): CheckResultInsert[] => {
    const at = new Date(minute++ * 60_000);
    return Array.from({ length: INSERT_BATCH }, (_, i) => ({
      tenantId,
      checkId: checkIds[i % checkIds.length],
      status: i % 50 === 0 ? "down" : "up",
      latencyMs: 40 + ((i * 37) % 300),
      statusCode: 200,
      detail: null,
      checkedAt: at,
    }));
  };
  for (let i = 0; i < 20; i++) await insertCheckResults(sql, batch());
  const otherCores = watchOtherCpu();
  const started = performance.now();
  const latencies: number[] = [];
  while (performance.now() - started < INSERT_SECONDS * 1000) {
    const t0 = performance.now();
    await insertCheckResults(sql, batch());
    latencies.push(performance.now() - t0);
  }
  return summarise(latencies, (performance.now() - started) / 1000, 0, otherCores());
}

await runWhenMain(import.meta, checkHistoryBench);
