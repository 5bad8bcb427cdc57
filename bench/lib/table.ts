/** What every bench file returns, and how run.ts prints it. */
import type { Measurement } from "./wrk.ts";

export interface Row extends Measurement {
  /** Stable across runs, for comparing result files; `label` is only for the table. */
  name: string;
  label: string;
  /** requests/s divided by the baseline's requests/s measured in the same run (or as `baseline` says). */
  vsBaseline?: number;
  /** What `vsBaseline` compares with when it is not bare Hono's hello-world, e.g. "/readyz". */
  baseline?: string;
}

export interface BenchReport {
  title: string;
  rows: Row[];
}

/** Above this, other processes took enough CPU from the row to move its figures. */
export const NOISY_CORES = 0.1;

/** `rows` with their req/s as a ratio to `base`'s, labelled `baseline` in the table. */
export function versus<R extends Measurement>(rows: R[], base: Measurement, baseline: string): (R & Row)[] {
  return rows.map((r) => ({ ...r, vsBaseline: r.requestsPerSecond / base.requestsPerSecond, baseline } as R & Row));
}

export function formatTable(rows: Row[]): string {
  const width = Math.max(5, ...rows.map((r) => r.label.length)) + 2;
  const line = (cells: string[]) =>
    cells[0].padEnd(width) + cells.slice(1).map((c, i) => c.padStart(i === 3 ? 14 : 9)).join("");
  return [
    line(["route", "req/s", "p50 ms", "p99 ms", "vs baseline"]),
    ...rows.map((r) =>
      line([
        r.label,
        r.requestsPerSecond.toFixed(0),
        r.p50Ms.toFixed(2),
        r.p99Ms.toFixed(2),
        r.vsBaseline === undefined ? "" : `${r.vsBaseline.toFixed(r.vsBaseline < 0.1 ? 3 : 2)}×`,
      ]) + (r.vsBaseline === undefined ? "" : ` ${r.baseline ?? "bare Hono"}`) + warnings(r)
    ),
  ].join("\n");
}

function warnings(r: Row): string {
  const notes = [];
  if (r.errors) notes.push(`${r.errors} errors (non-2xx, timeouts or socket errors)`);
  if (r.otherCores > NOISY_CORES) notes.push(`other processes used ${r.otherCores.toFixed(2)} cores: noisy`);
  return notes.length ? `   ⚠ ${notes.join("; ")}` : "";
}
