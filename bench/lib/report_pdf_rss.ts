/**
 * The report PDF's peak RSS in a process of its own (bench/dashboards_bench.ts
 * seeds first, then runs this twice). Both runs load the same modules, open a
 * pool and read the report's content from the database; only the "render" run
 * then renders the PDF `runs` times. Each prints its kernel peak RSS (VmHWM of
 * /proc/self/status, exact, not sampled) as one JSON line, so the render's
 * cost is the difference from the "baseline" run.
 *
 *   deno run --allow-all bench/lib/report_pdf_rss.ts <database url> <report id> render|baseline [runs]
 */
import { createPool } from "../../db/client.ts";
import { renderReport, reportContent } from "../../services/dashboards/reports/render.ts";
import { loadConfig } from "../../services/platform/config.ts";

export interface RssFigures {
  mode: "render" | "baseline";
  /** VmHWM: the most resident memory the process ever had, bytes. */
  peakRss: number;
  pdfBytes: number;
}

const SECRET = "bench-secret-bench-secret-bench-secret-00";

async function peakRss(): Promise<number> {
  const status = await Deno.readTextFile("/proc/self/status");
  const kb = status.match(/^VmHWM:\s+(\d+) kB$/m);
  if (!kb) throw new Error("no VmHWM in /proc/self/status (Linux only)");
  return Number(kb[1]) * 1024;
}

/** Runs this file as a child process and returns what it printed. */
export async function measureInChild(
  databaseUrl: string,
  reportId: string,
  mode: RssFigures["mode"],
  runs: number,
): Promise<RssFigures> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL(import.meta.url).pathname, databaseUrl, reportId, mode, String(runs)],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`report_pdf_rss ${mode} exited with ${out.code}`);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

async function main(databaseUrl: string, reportId: string, mode: RssFigures["mode"], runs: number) {
  const sql = createPool(databaseUrl, { max: 2, applicationName: "opsdeck-bench-rss" });
  try {
    const [report] = await sql`SELECT * FROM reports WHERE id = ${reportId}`;
    const deps = { secret: SECRET, config: loadConfig({ OPSDECK_SECRET: SECRET }), now: () => new Date() };
    const content = await reportContent(sql, report as never, deps);
    let pdfBytes = 0;
    if (mode === "render") {
      for (let i = 0; i < runs; i++) pdfBytes = (await renderReport("pdf", content)).content.length;
    }
    const figures: RssFigures = { mode, peakRss: await peakRss(), pdfBytes };
    console.log(JSON.stringify(figures));
  } finally {
    await sql.end();
  }
}

if (import.meta.main) {
  const [url, id, mode, runs] = Deno.args;
  if (!url || !id || (mode !== "render" && mode !== "baseline")) {
    console.error("usage: report_pdf_rss.ts <database url> <report id> render|baseline [runs]");
    Deno.exit(2);
  }
  await main(url, id, mode, Number(runs ?? 1));
}
