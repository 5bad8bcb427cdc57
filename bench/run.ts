/**
 * `deno task bench`: runs every bench/*_bench.ts in name order, prints each
 * one's table, and keeps the figures in bench/results/<time>.json so runs can
 * be compared later. Progress goes to stderr, the tables to stdout.
 */
import { fileURLToPath } from "node:url";
import type { BenchReport } from "./lib/table.ts";
import { SETTINGS } from "./lib/wrk.ts";
import { environment as describe, printReport } from "./lib/main.ts";

const startedAt = new Date();
const environment = await describe();

const benchDir = new URL("./", import.meta.url);
const files = [...Deno.readDirSync(benchDir)].map((e) => e.name).filter((n) => n.endsWith("_bench.ts")).sort();
const reports: BenchReport[] = [];
for (const file of files) {
  const bench: () => Promise<BenchReport> = (await import(new URL(file, benchDir).href)).default;
  const report = await bench();
  reports.push(report);
  printReport(report);
}

const resultsDir = fileURLToPath(new URL("results/", benchDir));
await Deno.mkdir(resultsDir, { recursive: true });
const resultFile = `${resultsDir}${startedAt.toISOString().replaceAll(":", "-").replace(/\.\d+Z$/, "Z")}.json`;
await Deno.writeTextFile(
  resultFile,
  JSON.stringify({ startedAt: startedAt.toISOString(), environment, wrk: SETTINGS, reports }, null, 2) + "\n",
);
console.log(`\nfigures saved to ${resultFile} (${Math.round((Date.now() - startedAt.getTime()) / 1000)} s in all)`);
