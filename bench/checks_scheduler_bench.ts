/**
 * The check scheduler at scale: the real `main.ts serve` (its scheduler is one
 * of its background workers) on an embedded PostgreSQL of the bench's own,
 * probing HTTP checks against a local target in the bench process that
 * notes when each check's request arrives.
 *
 * Cases (each on a fresh Opsdeck process, checks inserted in one statement
 * with next_run_at = now, as if created together through the API):
 * - 500 and 2,000 checks at 20 s, 50 s each: the time until every check has
 *   run once, intervals between consecutive runs of one check, CPU and RSS;
 * - 10,000 checks at 60 s, 150 s (the first minute is the start-up wave,
 *   then 90 s of steady state): checks/s, scheduling lag, CPU and RSS;
 * - 33,333 checks at 20 s (100,000 a minute, issue 14), 80 s: the same.
 * BENCH_SCHEDULER_CASES (e.g. "33333x20s") runs only the named cases.
 *
 * Lag = arrival of the probe's request at the target − the run's scheduled
 * time (the creation time for a first run, the check's phase slot after),
 * so it also holds the connect time. CPU and RSS are the Opsdeck process's
 * own (/proc/<pid>/stat and status); PostgreSQL's CPU is shown apart.
 * BENCH_SCHEDULER_BEFORE=<dir> runs every case first on another Opsdeck tree
 * (e.g. `git archive <commit> | tar -x -C <dir>`, with node_modules linked)
 * on the same database and target, and prints after ÷ before: a before/after
 * pair from one run. It goes first because an older tree refuses a database
 * that newer migrations have touched.
 * BENCH_OPSDECK_V8_FLAGS overrides the V8 flags of that process (default: the
 * production heap cap from deno.json's start task and the Dockerfile).
 */
import { fileURLToPath } from "node:url";
import { createPool, type Sql } from "../db/client.ts";
import { freePort, startEmbeddedPostgres } from "../db/embedded.ts";
import { phaseOf } from "../services/checks/transitions.ts";
import { watchOtherCpu } from "./lib/cpu.ts";
import { tempDataDir } from "./lib/servers.ts";
import type { BenchReport, Row } from "./lib/table.ts";
import { runWhenMain } from "./lib/main.ts";
import { setUpAndLogIn } from "./lib/api.ts";
import { startBoardViewers } from "./lib/board_viewers.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BEFORE = Deno.env.get("BENCH_SCHEDULER_BEFORE");
const TICKS = 100; // clock ticks per second in /proc/<pid>/stat (USER_HZ)
/** V8 flags for the Opsdeck process: by default the heap cap that `deno task start` and the Docker image use. */
const V8_FLAGS = Deno.env.get("BENCH_OPSDECK_V8_FLAGS") ?? "--max-old-space-size=192";

interface Case {
  name: string;
  checks: number;
  intervalSeconds: number;
  seconds: number;
  /** People with the status board open, polling it (bench/lib/board_viewers.ts). */
  viewers?: number;
}

const CASES: Case[] = [
  { name: "500x20s", checks: 500, intervalSeconds: 20, seconds: 50 },
  { name: "2000x20s", checks: 2_000, intervalSeconds: 20, seconds: 50 },
  { name: "2000x20s+20viewers", checks: 2_000, intervalSeconds: 20, seconds: 50, viewers: 20 },
  { name: "10000x60s", checks: 10_000, intervalSeconds: 60, seconds: 150 },
  { name: "33333x20s", checks: 33_333, intervalSeconds: 20, seconds: Number(Deno.env.get("BENCH_SECONDS") ?? 80) },
].filter((c) => Deno.env.get("BENCH_SCHEDULER_CASES")?.split(",").includes(c.name) ?? true);

interface CaseResult {
  c: Case;
  runs: number;
  allRanOnceSeconds: number | null;
  firstRoundLag: number[];
  steadyLag: number[];
  steadyRuns: number;
  /** Runs after the first interval, first runs included: the work done, whether or not every check has run once. */
  steadyAllRuns: number;
  steadySeconds: number;
  intervals: number[];
  firstGaps: number[];
  cpuSteady: number;
  cpuAll: number;
  pgCpuSteady: number;
  rssMaxMb: number;
  rssEndMb: number;
  otherCores: number;
  /** Run on the BENCH_SCHEDULER_BEFORE tree. */
  before?: boolean;
  /** The viewers' page and poll times (ms), when the case has viewers. */
  board?: { pages: number[]; polls: number[]; failed: number };
}

export default async function checksSchedulerBench(): Promise<BenchReport> {
  const dir = await tempDataDir("opsdeck-bench-scheduler-");
  const pg = await startEmbeddedPostgres({ dir: `${dir}/postgres`, settings: { max_connections: "200" } });
  const sql = createPool(pg.url, { max: 2, applicationName: "opsdeck-bench" });
  const target = startTarget();
  const results: CaseResult[] = [];
  try {
    // Viewers sign in as the admin of the first-run set-up, which needs an empty database: done first.
    const session = CASES.some((c) => c.viewers) ? await signInOnce(pg.url) : undefined;
    for (
      const tree of BEFORE
        ? [{ root: BEFORE, before: true }, { root: ROOT, before: false }]
        : [{ root: ROOT, before: false }]
    ) {
      for (const c of CASES) {
        console.error(
          `scheduler bench${
            tree.before ? " (before)" : ""
          }: ${c.checks} checks at ${c.intervalSeconds} s for ${c.seconds} s …`,
        );
        results.push({
          ...await runCase(c, tree.root, pg.url, pg.dataDir, sql, target, session),
          before: tree.before,
        });
      }
    }
  } finally {
    await sql.end();
    await target.server.shutdown();
    await pg.stop();
    await Deno.remove(dir, { recursive: true });
  }
  return report(results);
}

type Target = ReturnType<typeof startTarget>;

/** Answers 200 "ok" and notes the arrival time per check id (the path is /c/<id>). */
export function startTarget() {
  const arrivals = new Map<string, number[]>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const at = Date.now();
    const id = new URL(req.url).pathname.slice(3);
    const list = arrivals.get(id);
    if (list) list.push(at);
    else arrivals.set(id, [at]);
    return new Response("ok");
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, arrivals, server };
}

async function runCase(
  c: Case,
  root: string,
  databaseUrl: string,
  pgDataDir: string,
  sql: Sql,
  target: Target,
  session: string | undefined,
): Promise<CaseResult> {
  const opsdeck = await startOpsdeck(databaseUrl, root);
  try {
    await seed(sql, c, target.url);
    const viewers = c.viewers && session ? startBoardViewers(opsdeck.url, session, c.viewers) : undefined;
    target.arrivals.clear();
    const ids = await sql<{ id: string; next_run_at: Date }[]>`SELECT id, next_run_at FROM health_checks`;
    const createdAt = new Map(ids.map((r) => [r.id, r.next_run_at.getTime()]));
    const started = Date.now();
    const otherCpu = watchOtherCpu();
    const samples: { at: number; cpu: number; pg: number; rss: number }[] = [];
    while (Date.now() - started < c.seconds * 1000) {
      samples.push({
        at: Date.now(),
        cpu: cpuTicks(opsdeck.pid),
        pg: postgresTicks(pgDataDir),
        rss: rssMb(opsdeck.pid),
      });
      await new Promise((r) => setTimeout(r, 1000));
    }
    samples.push({ at: Date.now(), cpu: cpuTicks(opsdeck.pid), pg: postgresTicks(pgDataDir), rss: rssMb(opsdeck.pid) });
    const otherCores = otherCpu();
    // analysed before the viewers' last polls end, so no run after the window is counted
    const result = analyse(c, started, createdAt, target.arrivals, samples, otherCores);
    return { ...result, board: await viewers?.stop() };
  } finally {
    await opsdeck.stop();
    await sql`DELETE FROM health_checks`;
  }
}

/** `c.checks` HTTP checks of the project "Shop" in the first tenant (one named "Bench" is made if there is none). */
export async function seed(sql: Sql, c: Case, targetUrl: string) {
  await sql`DELETE FROM health_checks`;
  let [tenant] = await sql<{ id: string }[]>`SELECT id FROM tenants ORDER BY created_at LIMIT 1`;
  tenant ??= (await sql<{ id: string }[]>`INSERT INTO tenants (name, slug) VALUES ('Bench', 'bench') RETURNING id`)[0];
  const [shop] = await sql`SELECT 1 FROM projects WHERE tenant_id = ${tenant.id} AND slug = 'shop'`;
  if (!shop) {
    const [client] = await sql<{ id: string }[]>`
      INSERT INTO clients (tenant_id, name) VALUES (${tenant.id}, 'Bench client') RETURNING id`;
    await sql`INSERT INTO projects (tenant_id, client_id, name, slug) VALUES (${tenant.id}, ${client.id}, 'Shop', 'shop')`;
  }
  await sql`
    WITH p AS (SELECT id FROM projects WHERE tenant_id = ${tenant.id} AND slug = 'shop'),
    n AS (SELECT i, gen_random_uuid() AS id FROM generate_series(1, ${c.checks}) AS i)
    INSERT INTO health_checks (id, tenant_id, project_id, name, type, url, interval_seconds, timeout_ms, next_run_at)
    SELECT n.id, ${tenant.id}, p.id, 'check ' || n.i, 'http', ${targetUrl} || '/c/' || n.id, ${c.intervalSeconds},
           5000, now()
    FROM n, p`;
  await sql`ANALYZE health_checks`;
}

function analyse(
  c: Case,
  started: number,
  createdAt: Map<string, number>,
  arrivals: Map<string, number[]>,
  samples: { at: number; cpu: number; pg: number; rss: number }[],
  otherCores: number,
): CaseResult {
  const interval = c.intervalSeconds * 1000;
  const firstRoundLag: number[] = [];
  const steadyLag: number[] = [];
  const intervals: number[] = [];
  const firstGaps: number[] = [];
  // steady state: after the first interval (the start-up wave) until the end
  const steadyFrom = started + interval;
  let runs = 0;
  let steadyRuns = 0;
  let steadyAllRuns = 0;
  let lastFirst = 0;
  for (const [id, created] of createdAt) {
    const times = arrivals.get(id) ?? [];
    runs += times.length;
    steadyAllRuns += times.filter((t) => t >= steadyFrom).length;
    if (times.length) {
      firstRoundLag.push(times[0] - created);
      lastFirst = Math.max(lastFirst, times[0]);
    }
    const phase = phaseOf(id, interval);
    for (let k = 1; k < times.length; k++) {
      // the gap after the first run is the move onto the check's phase (half to one and a half intervals)
      (k === 1 ? firstGaps : intervals).push(times[k] - times[k - 1]);
      if (times[k] >= steadyFrom) {
        steadyRuns++;
        // the run's slot is the latest phase slot at or before its arrival
        steadyLag.push((((times[k] - phase) % interval) + interval) % interval);
      }
    }
  }
  const allRan = [...createdAt.keys()].every((id) => arrivals.get(id)?.length);
  const steadySamples = samples.filter((s) => s.at >= steadyFrom);
  const coreShare = (list: typeof samples, key: "cpu" | "pg") =>
    list.length < 2 ? 0 : (list.at(-1)![key] - list[0][key]) / TICKS / ((list.at(-1)!.at - list[0].at) / 1000);
  return {
    c,
    runs,
    allRanOnceSeconds: allRan ? (lastFirst - started) / 1000 : null,
    firstRoundLag: firstRoundLag.sort((a, b) => a - b),
    steadyLag: steadyLag.sort((a, b) => a - b),
    steadyRuns,
    steadyAllRuns,
    steadySeconds: steadySamples.length >= 2 ? (steadySamples.at(-1)!.at - steadySamples[0].at) / 1000 : 0,
    intervals: intervals.sort((a, b) => a - b),
    firstGaps: firstGaps.sort((a, b) => a - b),
    cpuSteady: coreShare(steadySamples, "cpu"),
    cpuAll: coreShare(samples, "cpu"),
    pgCpuSteady: coreShare(steadySamples, "pg"),
    rssMaxMb: Math.max(...samples.map((s) => s.rss)),
    rssEndMb: samples.at(-1)!.rss,
    otherCores,
  };
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;

function report(results: CaseResult[]): BenchReport {
  const lines = [
    "Check scheduler: real `main.ts serve` probing a local HTTP target (times in ms unless noted)" +
    (V8_FLAGS ? `, V8 flags ${V8_FLAGS}` : ""),
  ];
  const rows: Row[] = [];
  for (const r of results) {
    const { c } = r;
    const perSecond = r.steadySeconds ? r.steadyRuns / r.steadySeconds : 0;
    const allPerSecond = r.steadySeconds ? r.steadyAllRuns / r.steadySeconds : 0;
    const tag = (c.viewers ? `, ${c.viewers} viewers` : "") + (r.before ? " (before)" : "");
    lines.push(
      `  ${c.checks} checks every ${c.intervalSeconds} s, ${c.seconds} s window${tag}:`,
      `    every check ran once after: ${
        r.allRanOnceSeconds === null ? "NOT all ran" : `${r.allRanOnceSeconds.toFixed(1)} s`
      }` +
        `   first-run lag p50/p99/max: ${f(pct(r.firstRoundLag, 50))} / ${f(pct(r.firstRoundLag, 99))} / ${
          f(r.firstRoundLag.at(-1) ?? NaN)
        }`,
      `    steady state (after the first ${c.intervalSeconds} s): ${perSecond.toFixed(1)} checks/s ` +
        `(expected ${(c.checks / c.intervalSeconds).toFixed(1)}), lag p50/p99/max: ${f(pct(r.steadyLag, 50))} / ${
          f(pct(r.steadyLag, 99))
        } / ${f(r.steadyLag.at(-1) ?? NaN)}`,
      `    runs of any kind after the first ${c.intervalSeconds} s (first runs of checks not yet run included): ` +
        `${allPerSecond.toFixed(1)}/s, ${(allPerSecond / (c.checks / c.intervalSeconds)).toFixed(2)}× the due rate; ` +
        `CPU per run: Opsdeck ${msPerRun(r.cpuSteady, allPerSecond)} ms, PostgreSQL ${
          msPerRun(r.pgCpuSteady, allPerSecond)
        } ms`,
      `    interval between consecutive runs of one check p50/p99/max: ${f(pct(r.intervals, 50))} / ${
        f(pct(r.intervals, 99))
      } / ${f(r.intervals.at(-1) ?? NaN)} (min ${f(r.intervals[0] ?? NaN)}); first to second run (joining the phase): ${
        f(r.firstGaps[0] ?? NaN)
      }-${f(r.firstGaps.at(-1) ?? NaN)}`,
      `    Opsdeck process: CPU ${(r.cpuSteady * 100).toFixed(1)} % of a core steady (${
        (r.cpuAll * 100).toFixed(1)
      } % over the window incl. start-up), RSS max ${r.rssMaxMb.toFixed(0)} MB, at end ${
        r.rssEndMb.toFixed(0)
      } MB; PostgreSQL CPU ${(r.pgCpuSteady * 100).toFixed(1)} % steady` +
        (r.otherCores > 0.1 ? `   ⚠ other processes used ${r.otherCores.toFixed(2)} cores: noisy` : ""),
    );
    if (r.board) {
      lines.push(viewersLine(r, results.find((o) => o.c.checks === c.checks && !o.c.viewers && o.before === r.before)));
    }
    rows.push({
      name: `scheduler_${c.name}_lag${r.before ? "_before" : ""}`,
      label: `${c.checks} checks/${c.intervalSeconds}s${tag}: steady lag (req/s = runs/s after the first interval)`,
      requestsPerSecond: allPerSecond,
      p50Ms: pct(r.steadyLag, 50),
      p90Ms: pct(r.steadyLag, 90),
      p99Ms: pct(r.steadyLag, 99),
      maxMs: r.steadyLag.at(-1) ?? NaN,
      requests: r.runs,
      errors: 0,
      otherCores: r.otherCores,
      vsBaseline: allPerSecond / (c.checks / c.intervalSeconds),
      baseline: "the due rate (checks ÷ interval)",
    });
  }
  for (const after of results.filter((r) => !r.before)) {
    const before = results.find((r) => r.before && r.c === after.c);
    if (!before) continue;
    const rate = (r: CaseResult) => r.steadySeconds ? r.steadyAllRuns / r.steadySeconds : 0;
    lines.push(
      `  ${after.c.name} after ÷ before: runs/s ${(rate(after) / rate(before)).toFixed(2)}×, runs in the window ${
        (after.runs / before.runs).toFixed(2)
      }×, steady lag p99 ${f(pct(after.steadyLag, 99))} vs ${f(pct(before.steadyLag, 99))} ms, Opsdeck CPU per run ${
        msPerRun(after.cpuSteady, rate(after))
      } vs ${msPerRun(before.cpuSteady, rate(before))} ms`,
    );
  }
  lines.push("  targets: 10,000 checks/min with scheduling lag p99 < 1 s and RSS < 300 MB on 2 cores");
  return { title: lines.join("\n"), rows };
}

/** What the viewers saw, and the lag beside the same case without them (same run). */
function viewersLine(r: CaseResult, without: CaseResult | undefined): string {
  const { pages, polls, failed } = r.board!;
  const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
  const [p, q] = [sorted(pages), sorted(polls)];
  const lag = pct(r.steadyLag, 99);
  const beside = without ? `, ${(lag / pct(without.steadyLag, 99)).toFixed(2)}× the lag p99 without viewers` : "";
  return `    ${r.c.viewers} viewers: ${pages.length} board pages p50/p95 ${f(pct(p, 50))} / ${f(pct(p, 95))} ms, ` +
    `${polls.length} polls p50/p95 ${f(pct(q, 50))} / ${f(pct(q, 95))} ms, ${failed} failed; check lag p99 ${
      f(lag)
    } ms` +
    `${beside} (target < 300 ms)`;
}

const f = (ms: number) => Number.isNaN(ms) ? "-" : ms.toFixed(0);
/** Cores' worth of CPU ÷ runs per second: what one run cost, which moves less with the neighbours' load than runs/s. */
const msPerRun = (cores: number, perSecond: number) => perSecond > 0 ? (cores * 1000 / perSecond).toFixed(2) : "-";

export function cpuTicks(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function rssMb(pid: number): number {
  try {
    const m = Deno.readTextFileSync(`/proc/${pid}/status`).match(/VmRSS:\s+(\d+) kB/);
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU ticks of the bench's PostgreSQL: its postmaster (postmaster.pid) and the backends it forked. */
function postgresTicks(dataDir: string): number {
  let postmaster: number;
  try {
    postmaster = Number(Deno.readTextFileSync(`${dataDir}/postmaster.pid`).split("\n")[0]);
  } catch {
    return 0;
  }
  let total = 0;
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(entry.name) !== postmaster && Number(fields[1]) !== postmaster) continue;
      total += Number(fields[11]) + Number(fields[12]);
    } catch {
      continue;
    }
  }
  return total;
}

/**
 * `main.ts serve` on the bench database, with loopback allowed as a probe
 * target (the policy refuses it by default) and stdout to /dev/null.
 */
export async function startOpsdeck(
  databaseUrl: string,
  root = ROOT,
): Promise<{ pid: number; url: string; stop(): Promise<void> }> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...(V8_FLAGS ? [`--v8-flags=${V8_FLAGS}`] : []), "--allow-all", "main.ts", "serve"],
    cwd: root,
    env: {
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: "warn",
      OPSDECK_SECRET: "bench-secret-bench-secret-bench-secret-00",
      OPSDECK_PROBE_ALLOW: "127.0.0.0/8",
    },
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    await child.status;
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      await response.body?.cancel();
      if (response.ok) return { pid: child.pid, url: `http://127.0.0.1:${port}`, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error("Opsdeck was not ready within 60 s");
}

/** The first-run set-up and a sign-in on a fresh database, with a server of its own; the session outlives it. */
async function signInOnce(databaseUrl: string): Promise<string> {
  const opsdeck = await startOpsdeck(databaseUrl);
  try {
    return await setUpAndLogIn(opsdeck.url);
  } finally {
    await opsdeck.stop();
  }
}

await runWhenMain(import.meta, checksSchedulerBench);
