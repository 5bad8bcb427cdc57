/**
 * Dashboards on Opsdeck's own data: 2,000 checks (4 projects, 30 days of daily
 * roll-ups) and a dashboard of 12 widgets over them, in process against the
 * embedded PostgreSQL. Baseline, timed the same way in the same run: GET
 * /readyz (one query, no auth).
 *   - the page shell (every widget is its own request) and each widget's
 *     fragment: goals shell < 100 ms, each widget < 200 ms p95;
 *   - a PDF of the 12 widgets: time and the process's peak RSS (goal < 2 s,
 *     < 150 MB);
 *   - 100 concurrent viewers of a public link, 5 rounds: database
 *     transactions counted (pg_stat_database) against what 100 uncached
 *     viewers would cost (goal: bounded by the refresh interval, not viewers).
 */
import { renderReport, reportContent } from "../services/dashboards/reports/render.ts";
import { loadConfig } from "../services/platform/config.ts";
import { createPool } from "../db/client.ts";
import { genProject } from "../tests/helpers/catalog.ts";
import { seedOpsData } from "../tests/helpers/dashboards.ts";
import { get as getUrl, logIn, postJson, setUpAndLogIn } from "./lib/api.ts";
import { withOpsdeckOnOwnPostgres } from "./lib/servers.ts";
import { runWhenMain } from "./lib/main.ts";
import type { BenchReport, Row } from "./lib/table.ts";
import { formatTimings, type Timed, timeRuns } from "./lib/timing.ts";

const CHECKS = 2000;
const VIEWERS = 100;
const WIDGETS: [string, string, string][] = [
  ["pie_chart", "checks_by_status", "Checks by status"],
  ["metric_card", "checks_by_status", "Checks"],
  ["check_status", "check_list", "Status"],
  ["table", "check_list", "Check list"],
  ["line_chart", "uptime_daily", "Uptime"],
  ["bar_chart", "uptime_daily", "Uptime bars"],
  ["uptime", "uptime_by_check", "Uptime per check"],
  ["line_chart", "latency_daily", "Latency"],
  ["bar_chart", "deployments_daily", "Deployments"],
  ["pie_chart", "deployments_by_status", "Deployment status"],
  ["pie_chart", "alerts_by_severity", "Alerts"],
  ["line_chart", "metric_series", "Metric"],
];

/** Set-up and login; on a loaded machine the set-up can pass the request deadline yet commit, so log in again. */
async function signedIn(url: string): Promise<string> {
  for (let attempt = 1;; attempt++) {
    try {
      return await setUpAndLogIn(url);
    } catch (error) {
      if (attempt === 3) throw error;
      await new Promise((r) => setTimeout(r, 5000));
      const login = await logIn(url);
      if (login.status === 201) return (await login.json()).token;
      await login.body?.cancel();
    }
  }
}

export default async function dashboardsBench(): Promise<BenchReport> {
  return await withOpsdeckOnOwnPostgres("opsdeck-bench-dashboards-", async ({ url }, databaseUrl) => {
    const now = new Date();
    const token = await signedIn(url);
    const auth = { Authorization: `Bearer ${token}` };
    const sql = createPool(databaseUrl, { max: 4, applicationName: "opsdeck-bench" });
    try {
      console.error("bench: dashboards, seeding 2,000 checks…");
      const [admin] = await sql`SELECT id, tenant_id FROM users LIMIT 1`;
      const [client] = await sql`INSERT INTO clients (tenant_id, name) VALUES (${admin.tenant_id}, 'Bench client')
                                 RETURNING id`;
      for (let i = 0; i < 4; i++) {
        const project = await genProject(sql, admin.tenant_id, client.id, { name: `Project ${i}` });
        await seedOpsData(sql, {
          tenantId: admin.tenant_id,
          projectId: project.id,
          label: `P${i}`,
          now,
          checks: CHECKS / 4,
          days: 30,
        });
      }
      await sql`ANALYZE`;
      const dash = await postJson(url, "/api/v1/dashboards", token, { name: "Bench", filters: { range: "30d" } });
      const ids: string[] = [];
      for (const [type, query, title] of WIDGETS) {
        const body = { type, query, title, config: { metric: "cpu" } };
        ids.push((await postJson(url, `/api/v1/dashboards/${dash.id}/widgets`, token, body)).id);
      }
      const get = (path: string, htmx = false) => () =>
        getUrl(`${url}${path}`, { Accept: "text/html", ...auth, ...(htmx ? { "HX-Request": "true" } : {}) });

      console.error("bench: dashboards, shell and widgets…");
      const baseline = await timeRuns(get("/readyz"), 200, { warmup: 20 });
      const shell = await timeRuns(get(`/dashboards/${dash.id}`), 100, { warmup: 10 });
      const perWidget: Timed[] = [];
      for (const [i, id] of ids.entries()) {
        const m = await timeRuns(get(`/dashboards/${dash.id}/widgets/${id}?range=30d`, true), 40, { warmup: 5 });
        perWidget.push({ label: `widget ${WIDGETS[i][2]} (${WIDGETS[i][1]})`, m });
      }

      console.error("bench: dashboards, PDF of 12 widgets…");
      const [report] = await sql`
      INSERT INTO reports (tenant_id, dashboard_id, created_by, name, cron, recipients, format, next_run_at)
      VALUES (${admin.tenant_id}, ${dash.id}, ${admin.id}, 'Bench', '0 8 * * *', '{a@example.com}', 'pdf',
              now() + interval '1 day')
      RETURNING *`;
      const config = loadConfig({ OPSDECK_SECRET: "bench-secret-bench-secret-bench-secret-00" });
      const deps = { secret: "bench-secret-bench-secret-bench-secret-00", config, now: () => new Date() };
      let peakRss = Deno.memoryUsage().rss;
      const sampler = setInterval(() => peakRss = Math.max(peakRss, Deno.memoryUsage().rss), 5);
      let bytes = 0;
      const pdf = await timeRuns(
        async () => {
          const file = await renderReport("pdf", await reportContent(sql, report as never, deps));
          bytes = file.content.length;
          return bytes > 0;
        },
        10,
        { warmup: 1 },
      );
      clearInterval(sampler);

      console.error("bench: dashboards, 100 concurrent public viewers…");
      const link = await postJson(url, `/api/v1/dashboards/${dash.id}/public-link`, token, { editable: [] });
      const transactions = async () => {
        await new Promise((r) => setTimeout(r, 1200));
        const [row] = await sql`SELECT pg_stat_clear_snapshot(), xact_commit + xact_rollback AS n
                              FROM pg_stat_database WHERE datname = current_database()`;
        return Number(row.n);
      };
      const before = await transactions();
      const started = performance.now();
      const viewers = await timeRuns(get(`/d/${link.token}`), VIEWERS, { concurrency: VIEWERS });
      const elapsed = performance.now() - started;
      const during = await transactions();
      // the server's own workers commit transactions too: subtract an idle window as long as the viewers took
      await new Promise((r) => setTimeout(r, elapsed));
      const idle = (await transactions()) - during - 1;
      const used = Math.max(0, during - before - 1 - idle);
      const widgetP95 = Math.max(...perWidget.map((w) => w.m.p95Ms));
      const results: Timed[] = [
        { label: "baseline GET /readyz", m: baseline },
        { label: "page shell (12 widgets)", m: shell },
        ...perWidget,
        { label: `PDF, 12 widgets (${Math.round(bytes / 1024)} KiB)`, m: pdf },
        { label: "public link, 100 concurrent viewers", m: viewers },
      ];
      const lines = [
        `  shell p95 ${shell.p95Ms.toFixed(1)} ms (goal < 100: ${shell.p95Ms < 100 ? "met" : "NOT met"}); ` +
        `slowest widget p95 ${widgetP95.toFixed(1)} ms (goal < 200: ${widgetP95 < 200 ? "met" : "NOT met"})`,
        `  PDF p95 ${pdf.p95Ms.toFixed(0)} ms (goal < 2,000: ${pdf.p95Ms < 2000 ? "met" : "NOT met"}); ` +
        `peak RSS ${(peakRss / 1048576).toFixed(0)} MB (goal < 150 MB: ${peakRss < 150 * 1048576 ? "met" : "NOT met"})`,
        `  public link: ${VIEWERS} concurrent viewers (within the 120/min per-address limit) cost ${used} database ` +
        `transactions beyond the workers' idle ${idle} ` +
        `(uncached: ≥ ${VIEWERS * (WIDGETS.length + 1)}); ${(used / VIEWERS).toFixed(3)} per view`,
      ];
      console.error(lines.join("\n"));
      const row = (name: string, label: string, m: typeof baseline): Row => ({
        name,
        label,
        ...m,
        vsBaseline: m.requestsPerSecond / baseline.requestsPerSecond,
        baseline: "/readyz",
      });
      return {
        title: "Dashboards: 12 widgets on 2,000 checks, a PDF of them, 100 public viewers\n" +
          formatTimings("request", results) + "\n" + lines.join("\n"),
        rows: [
          row("dashboards.readyz", "GET /readyz", baseline),
          row("dashboards.shell", "dashboard shell", shell),
          ...perWidget.map((w, i) => row(`dashboards.widget.${i}`, w.label, w.m)),
          row("dashboards.pdf", "PDF of 12 widgets", pdf),
          row("dashboards.public", "public link x100", viewers),
        ],
      };
    } finally {
      await sql.end();
    }
  });
}

await runWhenMain(import.meta, dashboardsBench);
