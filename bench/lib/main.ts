/**
 * What `deno task bench` prints before the tables, and how a bench file runs
 * on its own (`deno run --allow-all bench/http_bench.ts`): the same header,
 * title and table as in the suite, so a bench alone is never silent.
 */
import { type BenchReport, formatTable } from "./table.ts";
import { SETTINGS, wrkVersion } from "./wrk.ts";

export interface Environment {
  deno: string;
  v8: string;
  wrk: string;
  cores: number;
  cpu: string;
}

/** The machine and tools, printed as the header; exits when wrk is missing (the HTTP baselines need it). */
export async function environment(): Promise<Environment> {
  const wrk = await wrkVersion();
  if (!wrk) {
    console.error("bench: wrk is not installed; install it with `sudo apt-get install wrk` and run again");
    Deno.exit(1);
  }
  const info = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const env = {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    wrk,
    cores: navigator.hardwareConcurrency,
    cpu: info.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "unknown CPU",
  };
  const s = SETTINGS;
  console.log(
    `Deno ${env.deno} (V8 ${env.v8}), ${env.cores} cores (${env.cpu}), wrk ${wrk}\n` +
      `wrk -t${s.threads} -c${s.connections}: ${s.warmupSeconds} s warm-up (discarded), then ${s.seconds} s ` +
      `measured per row, against 127.0.0.1.\nwrk, the server and PostgreSQL share the ${env.cores} cores; ` +
      `latencies are under that saturating load, not idle latencies.`,
  );
  return env;
}

export function printReport(report: BenchReport): void {
  console.log(`\n${report.title}\n${formatTable(report.rows)}`);
}

/** Runs `bench` when its file is the program (`import.meta.main`), not when run.ts imports it. */
export async function runWhenMain(meta: ImportMeta, bench: () => Promise<BenchReport>): Promise<void> {
  if (!meta.main) return;
  await environment();
  printReport(await bench());
}
