/**
 * Replicas (issue 20): 20,000 HTTP checks at 60 s on one PostgreSQL, run by
 * one `main.ts serve` process and then by three, against a local target that
 * notes each check's requests (bench/checks_scheduler_bench.ts's target,
 * seed and process start).
 *
 * Per case, over a 150 s window (the first 60 s are the start-up wave):
 * - each check once per interval: runs that share a slot of the check's phase
 *   (doubled) and checks with no run in the last full interval (missed);
 * - CPU per check run, per process and summed, against one process;
 * - with three, `kill -9` of one at the end: time until every check it held
 *   (claimed_by names its pid) was probed again.
 * BENCH_REPLICAS_CHECKS and BENCH_REPLICAS_SECONDS shrink it (e.g. 2000 and 90).
 */
import { createPool } from "../db/client.ts";
import { startEmbeddedPostgres } from "../db/embedded.ts";
import { phaseOf } from "../services/checks/transitions.ts";
import { cpuTicks, seed, startOpsdeck, startTarget } from "./checks_scheduler_bench.ts";
import { watchOtherCpu } from "./lib/cpu.ts";
import { runWhenMain } from "./lib/main.ts";
import { tempDataDir } from "./lib/servers.ts";
import type { BenchReport, Row } from "./lib/table.ts";

const TICKS = 100;
const CHECKS = Number(Deno.env.get("BENCH_REPLICAS_CHECKS") ?? 20_000);
const SECONDS = Number(Deno.env.get("BENCH_REPLICAS_SECONDS") ?? 150);
const INTERVAL_S = 60;

interface CaseResult {
  processes: number;
  steadyRuns: number;
  steadySeconds: number;
  doubled: number;
  missed: number;
  cpuSecondsEach: number[];
  takeoverMs: number | null;
  held: number;
  otherCores: number;
}

export default async function replicasBench(): Promise<BenchReport> {
  const dir = await tempDataDir("opsdeck-bench-replicas-");
  const pg = await startEmbeddedPostgres({ dir: `${dir}/postgres`, settings: { max_connections: "200" } });
  const sql = createPool(pg.url, { max: 2, applicationName: "opsdeck-bench" });
  const target = startTarget();
  const results: CaseResult[] = [];
  try {
    for (const processes of [1, 3]) {
      console.error(`replicas bench: ${CHECKS} checks at ${INTERVAL_S} s on ${processes} process(es), ${SECONDS} s …`);
      const opsdeck = await Promise.all(Array.from({ length: processes }, () => startOpsdeck(pg.url)));
      try {
        await seed(
          sql,
          { name: "replicas", checks: CHECKS, intervalSeconds: INTERVAL_S, seconds: SECONDS },
          target.url,
        );
        target.arrivals.clear();
        const started = Date.now();
        const otherCpu = watchOtherCpu();
        await new Promise((r) => setTimeout(r, INTERVAL_S * 1000));
        const steadyFrom = Date.now();
        const cpuFrom = opsdeck.map((o) => cpuTicks(o.pid));
        await new Promise((r) => setTimeout(r, Math.max(0, SECONDS * 1000 - (Date.now() - started))));
        const cpuSecondsEach = opsdeck.map((o, i) => (cpuTicks(o.pid) - cpuFrom[i]) / TICKS);
        const steadyTo = Date.now();
        const otherCores = otherCpu();
        let takeoverMs: number | null = null;
        let held = 0;
        if (processes > 1) [takeoverMs, held] = await killOne(sql, opsdeck[0].pid, target.arrivals);
        results.push({
          processes,
          ...count(target.arrivals, steadyFrom, steadyTo),
          steadySeconds: (steadyTo - steadyFrom) / 1000,
          cpuSecondsEach,
          takeoverMs,
          held,
          otherCores,
        });
      } finally {
        await Promise.all(opsdeck.map((o) => o.stop()));
        // Before the next case's processes start: deleting under their claims deadlocks.
        await sql`DELETE FROM health_checks`;
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

/** `kill -9` of one process; resolves with the time until every check it held ran again, and how many it held. */
async function killOne(
  sql: ReturnType<typeof createPool>,
  pid: number,
  arrivals: Map<string, number[]>,
): Promise<[number | null, number]> {
  const held = (await sql<{ id: string }[]>`
    SELECT id FROM health_checks WHERE claimed_by LIKE ${`%:${pid}:%`} AND claimed_until > now()`).map((r) => r.id);
  const killedAt = Date.now();
  Deno.kill(pid, "SIGKILL");
  const deadline = killedAt + 60_000;
  while (Date.now() < deadline) {
    const last = held.map((id) => (arrivals.get(id) ?? []).find((t) => t > killedAt));
    if (last.every((t) => t !== undefined)) return [Math.max(0, ...last.map((t) => t! - killedAt)), held.length];
    await new Promise((r) => setTimeout(r, 100));
  }
  return [null, held.length];
}

/** Runs in [from, to): how many, how many share a phase slot of their check, and checks absent from the last interval. */
function count(arrivals: Map<string, number[]>, from: number, to: number) {
  const interval = INTERVAL_S * 1000;
  let steadyRuns = 0;
  let doubled = 0;
  let missed = 0;
  for (const [id, times] of arrivals) {
    const phase = phaseOf(id, interval);
    const steady = times.filter((t) => t >= from && t < to);
    steadyRuns += steady.length;
    const slots = steady.map((t) => Math.floor((t - phase) / interval));
    doubled += slots.length - new Set(slots).size;
    if (!times.some((t) => t >= to - interval && t < to)) missed++;
  }
  missed += CHECKS - arrivals.size;
  return { steadyRuns, doubled, missed };
}

function report(results: CaseResult[]): BenchReport {
  const one = results.find((r) => r.processes === 1)!;
  const cpuPerRun = (r: CaseResult) => r.cpuSecondsEach.reduce((a, b) => a + b, 0) * 1000 / Math.max(1, r.steadyRuns);
  const lines = [`Replicas: ${CHECKS} HTTP checks at ${INTERVAL_S} s on one PostgreSQL, ${SECONDS} s per case`];
  const rows: Row[] = [];
  for (const r of results) {
    const perSecond = r.steadyRuns / r.steadySeconds;
    lines.push(
      `  ${r.processes} process(es): ${perSecond.toFixed(1)} checks/s steady (due ${
        (CHECKS / INTERVAL_S).toFixed(1)
      }), ` +
        `${r.doubled} runs twice in one slot, ${r.missed} checks missing from the last interval; CPU per check run ` +
        `${cpuPerRun(r).toFixed(2)} ms summed (${
          (cpuPerRun(r) / cpuPerRun(one)).toFixed(2)
        }× one process), per process ` +
        `${r.cpuSecondsEach.map((s) => `${(s / r.steadySeconds * 100).toFixed(1)} %`).join(", ")} of a core` +
        (r.takeoverMs === null && r.processes > 1 ? "; takeover after kill -9: NOT within 60 s" : "") +
        (r.takeoverMs !== null
          ? `; kill -9 of one: its ${r.held} held checks ran again within ${r.takeoverMs} ms`
          : "") +
        (r.otherCores > 0.1 ? `   ⚠ other processes used ${r.otherCores.toFixed(2)} cores: noisy` : ""),
    );
    rows.push({
      name: `replicas_${r.processes}`,
      label: `${CHECKS} checks/${INTERVAL_S}s on ${r.processes} process(es): CPU ms per check run (as p50)`,
      requestsPerSecond: perSecond,
      p50Ms: cpuPerRun(r),
      p90Ms: NaN,
      p99Ms: NaN,
      maxMs: r.takeoverMs ?? NaN,
      requests: r.steadyRuns,
      errors: r.doubled + r.missed,
      otherCores: r.otherCores,
      vsBaseline: cpuPerRun(r) / cpuPerRun(one),
      baseline: "one process's CPU per check run",
    });
  }
  return { title: lines.join("\n"), rows };
}

await runWhenMain(import.meta, replicasBench);
