/**
 * Bytes per check result, raw rows against packed segments (db/migrations/00200),
 * on one UTC day of BENCH_STORAGE_CHECKS checks (default 2,000) every 20 s
 * (BENCH_STORAGE_HOURS, default 24): the day is seeded as raw rows with their
 * roll-ups, measured (pg_total_relation_size of every partition, TOAST and
 * indexes included, over the results), sealed by the sealer, measured again.
 * The hot reads (result list, 24-hour latency series, uptime of 200 checks,
 * last result of 200 checks) are timed on the raw day and on the sealed one,
 * and their plans printed (stderr) for the sealed one. Also projects a year
 * of 2,000 checks @ 20 s from the measured bytes.
 *
 * No Opsdeck server: SQL and service code on an embedded PostgreSQL of its own.
 */
import type { Sql } from "../db/client.ts";
import { listCheckResults } from "../db/queries/check_results.ts";
import { withTenant } from "../db/tenant.ts";
import { createSealer } from "../services/checks/sealer.ts";
import { latencySeries, uptime } from "../services/checks/history.ts";
import { ensurePartitions } from "../services/workers/partitions.ts";
import { createLogger } from "../services/platform/logger.ts";
import { withMigratedPostgres } from "./lib/servers.ts";
import { type BenchReport, type Row, versus } from "./lib/table.ts";
import { formatTimings, type Timed, timeRuns } from "./lib/timing.ts";
import { runWhenMain } from "./lib/main.ts";
import { rollUpHourlyAndDaily, rollUpProjectDaily, type SeededCheck, seedTenantChecks } from "./lib/seed_results.ts";

const CHECKS = Number(Deno.env.get("BENCH_STORAGE_CHECKS") ?? 2000);
const HOURS = Number(Deno.env.get("BENCH_STORAGE_HOURS") ?? 24);
const EVERY_SECONDS = 20;
const PROJECTS = 20;
const BOARD = 200;
const RUNS = 30;
const WARMUP = 5;
/** A fixed past UTC day: the partitions of its month are created as the retention worker would. */
const DAY = new Date("2026-11-02T00:00:00Z");
const DAY_MS = 86_400_000;
const YEAR_RESULTS = 2000 * (365 * 86_400 / 20);

export default async function resultStorageBench(): Promise<BenchReport> {
  // seeding builds the roll-ups of the whole day in one statement each: longer than the default timeout
  return await withMigratedPostgres("opsdeck-bench-result-storage-", { max: 4, statementTimeoutMs: 0 }, async (sql) => {
    const quiet = createLogger("warn");
    await ensurePartitions(sql, DAY, quiet);
    console.error(`bench: seeding ${CHECKS} checks × ${HOURS} h every ${EVERY_SECONDS} s…`);
    const seeded = await seed(sql);
    const raw = await sizes(sql);
    const now = new Date(DAY.getTime() + HOURS * 3_600_000 - 1);
    const reads = hotReads(sql, seeded, now);
    const before: Timed[] = [];
    for (const r of reads) {
      console.error(`bench: raw: ${r.label}…`);
      before.push({ label: r.label, m: await timeRuns(r.run, RUNS, { warmup: WARMUP }) });
    }
    console.error("bench: sealing…");
    const t0 = performance.now();
    const sealed = await createSealer({ sql, logger: quiet, now: () => new Date(DAY.getTime() + 2 * DAY_MS) })
      .runOnce();
    const sealMs = performance.now() - t0;
    await sql`VACUUM (ANALYZE) check_result_segments`;
    const packed = await sizes(sql);
    const after: Timed[] = [];
    for (const r of reads) {
      console.error(`bench: sealed: ${r.label}…`);
      after.push({ label: r.label, m: await timeRuns(r.run, RUNS, { warmup: WARMUP }) });
    }
    await printPlans(sql, seeded, now);

    const n = seeded.results;
    const perResult = (b: number) => (b / n).toFixed(1);
    const rawB = raw.results / n, packedB = packed.segments / n, rollupB = raw.rollups / n;
    // roll-ups per year at this rate: hourly rows for a year, daily rows, per-project days (measured per row)
    const rollupsYear = YEAR_RESULTS * rollupB;
    const gb = (b: number) => (b / 1e9).toFixed(1);
    const title = [
      `Result storage: ${CHECKS.toLocaleString("en")} checks × ${HOURS} h every ${EVERY_SECONDS} s = ` +
      `${n.toLocaleString("en")} results (seeded in ${seeded.ms} ms); sealed ${sealed.segments.toLocaleString("en")} ` +
      `check-hours in ${Math.round(sealMs)} ms (${Math.round(n / (sealMs / 1000)).toLocaleString("en")} results/s)`,
      `  raw rows (heap + primary key):  ${raw.results.toLocaleString("en")} B = ${perResult(raw.results)} B/result`,
      `  packed segments (heap + TOAST + key): ${packed.segments.toLocaleString("en")} B = ` +
      `${perResult(packed.segments)} B/result = ${(packedB / rawB).toFixed(3)}× raw`,
      `  roll-ups (hourly + daily + per-project daily): ${raw.rollups.toLocaleString("en")} B = ` +
      `${perResult(raw.rollups)} B/result`,
      `  packed + roll-ups: ${(packedB + rollupB).toFixed(1)} B/result (goal ≤ 50; raw + roll-ups: ` +
      `${(rawB + rollupB).toFixed(1)})`,
      `  a year of 2,000 checks @ 20 s (${(YEAR_RESULTS / 1e9).toFixed(2)} bn results): all packed + roll-ups ` +
      `${gb(YEAR_RESULTS * (packedB + rollupB))} GB; defaults (30 d packed, 1 d raw staging, roll-ups for the year) ` +
      `${gb((YEAR_RESULTS * 30 / 365) * packedB + (YEAR_RESULTS / 365) * rawB + rollupsYear)} GB; ` +
      `all raw + roll-ups ${gb(YEAR_RESULTS * (rawB + rollupB))} GB (goal < 20 GB)`,
      `Hot reads, ${RUNS} runs after ${WARMUP}, on the raw day, then on the sealed day (same queries)`,
      formatTimings("raw", before),
      formatTimings("sealed", after),
    ].join("\n");
    const rows: Row[] = [
      ...versus(
        after.map(({ label, m }) => ({ name: `result storage sealed ${label}`, label: `sealed: ${label}`, ...m })),
        before[0].m,
        "raw: " + before[0].label,
      ),
      ...before.map(({ label, m }, i) => ({
        name: `result storage raw ${label}`,
        label: `raw: ${label}`,
        ...m,
        vsBaseline: m.requestsPerSecond / after[i].m.requestsPerSecond,
        baseline: "sealed: same read",
      })),
    ];
    return { title, rows };
  });
}

interface Seeded {
  tenantId: string;
  checks: SeededCheck[];
  results: number;
  ms: number;
}

/**
 * Results by generate_series as the scheduler writes them: each a little
 * late in its slot (to the microsecond), 1 % down with a detail, 3 %
 * degraded, latency 40–400 ms with a tail; then the roll-ups by GROUP BY.
 */
async function seed(sql: Sql): Promise<Seeded> {
  const started = performance.now();
  const { tenantId, checks } = await seedTenantChecks(sql, { projects: PROJECTS, numbers: [1, CHECKS] });
  let results = 0;
  for (let i = 0; i < checks.length; i += 100) {
    const ids = checks.slice(i, i + 100).map((c) => c.id);
    // seeding only: skip the per-row foreign-key triggers (the checks were just created)
    const r = await sql.begin(async (tx) => {
      await tx`SET LOCAL session_replication_role = replica`;
      return await tx`
        INSERT INTO check_results (tenant_id, check_id, status, latency_ms, status_code, detail, checked_at)
        SELECT ${tenantId}, c, CASE WHEN r < 0.01 THEN 'down' WHEN r < 0.04 THEN 'degraded' ELSE 'up' END,
               (40 + 360 * r2 ^ 3)::int, CASE WHEN r < 0.01 THEN 503 ELSE 200 END,
               CASE WHEN r < 0.01 THEN 'HTTP 503' END, g + (r3 * 400000)::int * interval '1 microsecond'
        FROM unnest(${ids}::uuid[]) c,
             generate_series(${DAY}::timestamptz, ${DAY}::timestamptz + ${HOURS} * interval '1 hour' - interval '1 s',
                             ${EVERY_SECONDS} * interval '1 second') g,
             LATERAL (SELECT random() AS r, random() AS r2, random() AS r3 OFFSET 0) x`;
    });
    results += r.count;
  }
  await rollUpHourlyAndDaily(sql);
  await rollUpProjectDaily(sql);
  await sql`VACUUM (ANALYZE) check_results, check_results_hourly, check_results_daily, check_results_project_daily`;
  return {
    tenantId,
    checks,
    results,
    ms: Math.round(performance.now() - started),
  };
}

/** Bytes on disk (heap, TOAST, indexes) of every partition of the raw, packed and roll-up tables. */
async function sizes(sql: Sql): Promise<{ results: number; segments: number; rollups: number }> {
  const total = async (table: string) => {
    const [{ b }] = await sql<{ b: string }[]>`
      SELECT coalesce(sum(pg_total_relation_size(relid)), 0)::text AS b FROM pg_partition_tree(${table}::regclass)`;
    return Number(b);
  };
  return {
    results: await total("check_results"),
    segments: await total("check_result_segments"),
    rollups: Number(
      (await sql<{ b: string }[]>`
      SELECT (pg_total_relation_size('check_results_hourly') + pg_total_relation_size('check_results_daily')
        + pg_total_relation_size('check_results_project_daily'))::text AS b`)[0].b,
    ),
  };
}

function hotReads(sql: Sql, s: Seeded, now: Date) {
  const one = s.checks[7].id;
  const board = s.checks.slice(0, BOARD);
  const scoped = (run: (tx: Sql) => Promise<unknown>) => () => withTenant(sql, s.tenantId, run).then(() => true);
  return [
    {
      label: "result list, first page of 50",
      run: scoped((tx) =>
        listCheckResults(tx, s.tenantId, one, { since: null, until: null, status: null, before: null, limit: 50 })
      ),
    },
    {
      label: "result list, 50 down results",
      run: scoped((tx) =>
        listCheckResults(tx, s.tenantId, one, { since: null, until: null, status: "down", before: null, limit: 50 })
      ),
    },
    {
      label: "latency 24 h, step 5 min (every result)",
      run: scoped((tx) => latencySeries(tx, s.tenantId, one, new Date(now.getTime() - DAY_MS), now, 300)),
    },
    { label: `uptime 24 h, ${BOARD} checks`, run: scoped((tx) => uptime(tx, s.tenantId, board, now, ["h24"])) },
    {
      label: `last result, ${BOARD} checks`,
      run: scoped((tx) =>
        tx`SELECT r.* FROM unnest(${board.map((c) => c.id)}::uuid[]) k(id)
           LEFT JOIN LATERAL opsdeck_last_check_result(${s.tenantId}, k.id) r ON true`
      ),
    },
  ];
}

/** EXPLAIN (ANALYZE, BUFFERS) of the hot queries on sealed data, to stderr. */
async function printPlans(sql: Sql, s: Seeded, now: Date): Promise<void> {
  const one = s.checks[7].id;
  const from = new Date(now.getTime() - 6 * 3_600_000 - 7_000);
  const plans = {
    "raw ∪ segments over 6 h of one check (series, uptime edges, charts)": sql`
      EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT count(*), percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms)
      FROM opsdeck_check_results(${s.tenantId}, ${one}, ${from}, ${now})`,
    "result list, first page": sql`
      EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM (
        (SELECT checked_at FROM check_results WHERE tenant_id = ${s.tenantId} AND check_id = ${one}
           AND checked_at >= (SELECT sealed_before FROM check_result_seal) ORDER BY checked_at DESC LIMIT 50)
        UNION ALL
        (SELECT s.hour + u.off * interval '1 microsecond' FROM check_result_segments s
           CROSS JOIN LATERAL unnest(s.offsets) u(off)
         WHERE s.tenant_id = ${s.tenantId} AND s.check_id = ${one}
           AND s.hour < (SELECT sealed_before FROM check_result_seal)
         ORDER BY s.hour DESC, u.off DESC LIMIT 50)) r ORDER BY 1 DESC LIMIT 50`,
    "last result of one check": sql`
      EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM opsdeck_last_check_result(${s.tenantId}, ${one})`,
  };
  for (const [label, query] of Object.entries(plans)) {
    const rows = await query as unknown as { "QUERY PLAN": string }[];
    console.error(`\n-- plan: ${label}\n${rows.map((r) => r["QUERY PLAN"]).join("\n")}`);
  }
}

await runWhenMain(import.meta, resultStorageBench);
