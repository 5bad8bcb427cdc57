/**
 * `deno task bench`: runs every bench/*_bench.ts in name order, prints each
 * one's table, and keeps the figures in bench/results/<time>.json so runs can
 * be compared later. Progress goes to stderr, the tables to stdout.
 */
import { fileURLToPath } from "node:url";
import { type BenchReport, formatTable } from "./lib/table.ts";
import { SETTINGS, wrkVersion } from "./lib/wrk.ts";

const wrk = await wrkVersion();
if (!wrk) {
  console.error("bench: wrk is not installed; install it with `sudo apt-get install wrk` and run again");
  Deno.exit(1);
}

const startedAt = new Date();
const environment = {
  deno: Deno.version.deno,
  v8: Deno.version.v8,
  wrk,
  cores: navigator.hardwareConcurrency,
  cpu: await cpuModel(),
};
const s = SETTINGS;
console.log(
  `Deno ${environment.deno} (V8 ${environment.v8}), ${environment.cores} cores (${environment.cpu}), wrk ${wrk}`,
);
console.log(
  `wrk -t${s.threads} -c${s.connections}: ${s.warmupSeconds} s warm-up (discarded), then ${s.seconds} s measured per row, ` +
    `against 127.0.0.1.\nwrk, the server and PostgreSQL share the ${environment.cores} cores; ` +
    `latencies are under that saturating load, not idle latencies.`,
);

const benchDir = new URL("./", import.meta.url);
const files = [...Deno.readDirSync(benchDir)].map((e) => e.name).filter((n) => n.endsWith("_bench.ts")).sort();
const reports: BenchReport[] = [];
for (const file of files) {
  const bench: () => Promise<BenchReport> = (await import(new URL(file, benchDir).href)).default;
  const report = await bench();
  reports.push(report);
  console.log(`\n${report.title}\n${formatTable(report.rows)}`);
}

const resultsDir = fileURLToPath(new URL("results/", benchDir));
await Deno.mkdir(resultsDir, { recursive: true });
const resultFile = `${resultsDir}${startedAt.toISOString().replaceAll(":", "-").replace(/\.\d+Z$/, "Z")}.json`;
await Deno.writeTextFile(
  resultFile,
  JSON.stringify({ startedAt: startedAt.toISOString(), environment, wrk: SETTINGS, reports }, null, 2) + "\n",
);
console.log(`\nfigures saved to ${resultFile} (${Math.round((Date.now() - startedAt.getTime()) / 1000)} s in all)`);

async function cpuModel(): Promise<string> {
  const info = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  return info.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "unknown CPU";
}
