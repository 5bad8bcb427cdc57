/**
 * For the benches that time requests (or queries) themselves instead of
 * driving wrk: each run's latency as the client sees it, nearest-rank
 * percentiles, and the indented table those benches print in their title.
 */
import { watchOtherCpu } from "./cpu.ts";
import { NOISY_CORES } from "./table.ts";
import type { Measurement } from "./wrk.ts";

export interface Timing extends Measurement {
  p95Ms: number;
}

/** One labelled row of such a table. */
export interface Timed {
  label: string;
  m: Timing;
}

/** The figures for `latencies` (ms, sorted in place) taken over `seconds`. */
export function summarise(latencies: number[], seconds: number, errors: number, otherCores: number): Timing {
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.max(0, Math.ceil((p / 100) * latencies.length) - 1)];
  return {
    requestsPerSecond: latencies.length / seconds,
    p50Ms: pct(50),
    p90Ms: pct(90),
    p95Ms: pct(95),
    p99Ms: pct(99),
    maxMs: latencies[latencies.length - 1],
    requests: latencies.length,
    errors,
    otherCores,
  };
}

/**
 * `warmup` discarded runs, then `count` timed, `concurrency` in flight at once
 * (one after another by default): the latency of each, and runs per second
 * over the whole batch. `run` answers whether it succeeded; `before`, when
 * given, prepares each run outside its timing (e.g. writes what a poll finds).
 */
export async function timeRuns(
  run: () => Promise<boolean>,
  count: number,
  { warmup = 0, concurrency = 1, before = undefined as (() => Promise<void>) | undefined } = {},
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) {
    await before?.();
    await run();
  }
  const otherCores = watchOtherCpu();
  const started = performance.now();
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next++;
      await before?.();
      const t0 = performance.now();
      if (!(await run())) errors++;
      latencies.push(performance.now() - t0);
    }
  }));
  return summarise(latencies, (performance.now() - started) / 1000, errors, otherCores());
}

/** `heading`, then p50/p95/p99 and the `extra` columns per row, each row followed by its warnings. */
export function formatTimings(
  heading: string,
  results: Timed[],
  extra: Record<string, (m: Timing) => string> = {},
): string {
  const width = Math.max(...results.map((r) => r.label.length)) + 2;
  const line = (cells: string[]) => "  " + cells[0].padEnd(width) + cells.slice(1).map((c) => c.padStart(10)).join("");
  return [
    line([heading, "p50 ms", "p95 ms", "p99 ms", ...Object.keys(extra)]),
    ...results.map(({ label, m }) =>
      line([
        label,
        m.p50Ms.toFixed(2),
        m.p95Ms.toFixed(2),
        m.p99Ms.toFixed(2),
        ...Object.values(extra).map((f) => f(m)),
      ]) +
      (m.errors ? `   ⚠ ${m.errors} errors` : "") +
      (m.otherCores > NOISY_CORES ? `   ⚠ other processes used ${m.otherCores.toFixed(2)} cores: noisy` : "")
    ),
  ].join("\n");
}

/** The line under such a table: the slowest p95 among `results`, and whether it meets the target. */
export function slowestP95(results: Timed[], targetMs: number): string {
  const worst = results.reduce((a, b) => (b.m.p95Ms > a.m.p95Ms ? b : a));
  return `  slowest p95: ${worst.label} ${worst.m.p95Ms.toFixed(1)} ms — ` +
    (worst.m.p95Ms < targetMs ? "every row within the target" : "OVER the target");
}
