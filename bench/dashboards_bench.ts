/**
 * Dashboards on Opsdeck's own data: 2,000 checks (4 projects, 30 days of daily
 * roll-ups) and a dashboard of 12 widgets over them, in process against the
 * embedded PostgreSQL. Baseline, timed the same way in the same run: GET
 * /readyz (one query, no auth).
 *   - the page shell (every widget is its own request) and each widget's
 *     fragment: goals shell < 100 ms, each widget < 200 ms p95;
 *   - a PDF of the 12 widgets: time, and its peak RSS measured in a process
 *     of its own against a baseline process that does all but the render
 *     (bench/lib/report_pdf_rss.ts; goal < 2 s, < 150 MB);
 *   - 100 concurrent viewers of a public link over HTTP (latency), then the
 *     same link in process on a pool whose statements are counted through
 *     the driver's hook: 6 rounds of 100 viewers a minute apart on a clock the
 *     bench moves (goal: bounded by the refresh interval, not the viewers).
 */
import postgres from "postgres";
import { renderReport, reportContent } from "../services/dashboards/reports/render.ts";
import { loadConfig } from "../services/platform/config.ts";
import { createPool, type Sql } from "../db/client.ts";
import { type DataScope, latencySeries, uptimeSeries } from "../db/queries/dashboard_data.ts";
import { buildTestApp } from "../tests/helpers/app.ts";
import { genProject } from "../tests/helpers/catalog.ts";
import { seedOpsData } from "../tests/helpers/dashboards.ts";
import { get as getUrl, logIn, postJson, setUpAndLogIn } from "./lib/api.ts";
import { measureInChild } from "./lib/report_pdf_rss.ts";
import { withOpsdeckOnOwnPostgres } from "./lib/servers.ts";
import { runWhenMain } from "./lib/main.ts";
import type { BenchReport, Row } from "./lib/table.ts";
import { formatTimings, type Timed, timeRuns } from "./lib/timing.ts";

const CHECKS = 2000;
const VIEWERS = 100;
/** Rounds of VIEWERS a minute apart on the counted pool's clock: two refresh intervals of the default 300 s. */
const ROUNDS = 6;
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

/**
 * `ROUNDS` rounds of `VIEWERS` concurrent viewers of `/d/{token}`, a minute
 * apart on a clock moved by hand, through an app on a one-connection pool
 * (opened first, so its type fetch is not counted) whose every statement the
 * driver's debug hook records.
 */
async function countedViewers(databaseUrl: string, token: string) {
  const statements: string[] = [];
  const counting = postgres(databaseUrl, { max: 1, debug: (_c, q) => statements.push(q), onnotice: () => {} });
  let clock = Date.now();
  try {
    await counting`SELECT 1`;
    statements.length = 0;
    const { app } = await buildTestApp(counting as unknown as Sql, { now: () => new Date(clock) });
    for (let round = 0; round < ROUNDS; round++, clock += 60_000) {
      await Promise.all(
        Array.from({ length: VIEWERS }, async () => await (await app.request(`/d/${token}`)).arrayBuffer()),
      );
    }
  } finally {
    await counting.end();
  }
  const count = (f: (q: string) => boolean) => statements.filter(f).length;
  return {
    total: statements.length,
    tokenChecks: count((q) => q.includes("public_token_hash")),
    transactions: count((q) => q === "BEGIN"),
  };
}

/**
 * The two daily series over all 2,000 checks for 30 days, as the widgets read them now (per project and day,
 * 00140) and as they did before (per check and day, 60,000 rows), timed in process in the same run.
 */
async function seriesBeforeAfter(sql: Sql, tenantId: string, now: Date): Promise<Timed[]> {
  const s: DataScope = {
    tenantId,
    clientId: null,
    projectId: null,
    environment: null,
    from: new Date(now.getTime() - 30 * 86_400_000),
    to: now,
    hourly: false,
    metric: null,
    limit: 50,
  };
  const perCheck = (sums: string) => async () =>
    (await sql.unsafe(
      `SELECT to_char(r.bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS bucket, ${sums}
       FROM check_results_daily r JOIN health_checks h ON h.tenant_id = r.tenant_id AND h.id = r.check_id
       WHERE r.tenant_id = $1 AND r.bucket >= $2 AND r.bucket < $3
         AND h.project_id IN (SELECT p.id FROM projects p WHERE p.tenant_id = $1)
       GROUP BY 1 ORDER BY 1`,
      [tenantId, s.from.toISOString(), s.to.toISOString()],
    )).length > 0;
  const uptime = "round(100.0 * sum(r.up + r.degraded) / nullif(sum(r.total), 0), 2)::float8";
  const latency = "round(sum(r.latency_sum)::numeric / nullif(sum(r.latency_count), 0))::float8";
  const opts = { warmup: 5 };
  return [
    { label: "uptime_daily query, before: per check", m: await timeRuns(perCheck(uptime), 40, opts) },
    {
      label: "uptime_daily query, after: per project",
      m: await timeRuns(async () => (await uptimeSeries(sql, s)).rows.length > 0, 40, opts),
    },
    { label: "latency_daily query, before: per check", m: await timeRuns(perCheck(latency), 40, opts) },
    {
      label: "latency_daily query, after: per project",
      m: await timeRuns(async () => (await latencySeries(sql, s)).rows.length > 0, 40, opts),
    },
  ];
}

const mb = (bytes: number) => (bytes / 1048576).toFixed(0);

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
      const series = await seriesBeforeAfter(sql, admin.tenant_id, now);

      console.error("bench: dashboards, PDF of 12 widgets…");
      const [report] = await sql`
      INSERT INTO reports (tenant_id, dashboard_id, created_by, name, cron, recipients, format, next_run_at)
      VALUES (${admin.tenant_id}, ${dash.id}, ${admin.id}, 'Bench', '0 8 * * *', '{a@example.com}', 'pdf',
              now() + interval '1 day')
      RETURNING *`;
      const config = loadConfig({ OPSDECK_SECRET: "bench-secret-bench-secret-bench-secret-00" });
      const deps = { secret: "bench-secret-bench-secret-bench-secret-00", config, now: () => new Date() };
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
      // peak RSS in processes of their own, after the seeding: the render's against one that does all but render
      const rssBaseline = await measureInChild(databaseUrl, report.id, "baseline", 0);
      const rssRender = await measureInChild(databaseUrl, report.id, "render", 10);

      console.error("bench: dashboards, 100 concurrent public viewers…");
      const link = await postJson(url, `/api/v1/dashboards/${dash.id}/public-link`, token, { editable: [] });
      const viewers = await timeRuns(get(`/d/${link.token}`), VIEWERS, { concurrency: VIEWERS });
      const counted = await countedViewers(databaseUrl, link.token);
      const widgetP95 = Math.max(...perWidget.map((w) => w.m.p95Ms));
      const results: Timed[] = [
        { label: "baseline GET /readyz", m: baseline },
        { label: "page shell (12 widgets)", m: shell },
        ...perWidget,
        ...series,
        { label: `PDF, 12 widgets (${Math.round(bytes / 1024)} KiB)`, m: pdf },
        { label: "public link, 100 concurrent viewers", m: viewers },
      ];
      const lines = [
        `  shell p95 ${shell.p95Ms.toFixed(1)} ms (goal < 100: ${shell.p95Ms < 100 ? "met" : "NOT met"}); ` +
        `slowest widget p95 ${widgetP95.toFixed(1)} ms (goal < 200: ${widgetP95 < 200 ? "met" : "NOT met"})`,
        `  PDF p95 ${pdf.p95Ms.toFixed(0)} ms (goal < 2,000: ${pdf.p95Ms < 2000 ? "met" : "NOT met"}); ` +
        `peak RSS of a process rendering it 10 times ${mb(rssRender.peakRss)} MB against ${
          mb(rssBaseline.peakRss)
        } MB ` +
        `for the same process without the render (+${mb(rssRender.peakRss - rssBaseline.peakRss)} MB; goal < 150 MB: ` +
        `${rssRender.peakRss < 150 * 1048576 ? "met" : "NOT met"})`,
        `  public link, counted through the driver's hook: ${ROUNDS} rounds of ${VIEWERS} concurrent viewers a minute ` +
        `apart (${ROUNDS * VIEWERS} views over ${ROUNDS} min, refresh 300 s) ran ${counted.total} statements: ` +
        `${counted.tokenChecks} token checks and ${counted.transactions} transactions (widget list + ` +
        `${WIDGETS.length} widgets per load); ${(counted.total / ROUNDS).toFixed(1)} statements a minute, ` +
        `uncached ≥ ${VIEWERS * (WIDGETS.length + 2)} a round`,
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
          ...series.map((w, i) => row(`dashboards.series.${i}`, w.label, w.m)),
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
