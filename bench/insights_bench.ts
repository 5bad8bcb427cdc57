/**
 * Insights at scale, on an embedded PostgreSQL of its own (migrated, seeded
 * with SQL), in one run:
 *  1. ops scores for 1,000 projects (50 clients) over 90 days: every week and
 *     month overlapping the window (18 periods), from 2 checks' daily results
 *     per project, 20,000 alerts and 90 days of deployment roll-ups. Goal < 5 s.
 *  2. every quick-win rule over 10,000 checks (10 per project). Goal < 2 s.
 *  3. activity ingest: 200,000 events recorded then flushed. Goal ≥ 20,000/s.
 *  4. the request-path cost: GET /api/v1/me through the whole app, with and
 *     without the activity recorder, interleaved; p95 delta. Goal ≤ 1 ms.
 */
import { createPool, type Sql } from "../db/client.ts";
import { startEmbeddedPostgres } from "../db/embedded.ts";
import { loadMigrations, migrate } from "../db/migrate.ts";
import { createActivityRecorder } from "../services/insights/activity_recorder.ts";
import { periodsBack } from "../services/insights/periods.ts";
import { evaluateQuickWins } from "../services/insights/quick_wins/quick_wins.ts";
import { QUICK_WIN_RULES } from "../services/insights/quick_wins/registry.ts";
import { checkStateByProject, scoreInputsByPeriod } from "../db/queries/insights_scores.ts";
import { computeTenantScores } from "../services/insights/scores.ts";
import { silentLogger } from "../services/platform/logger.ts";
import { buildTestApp } from "../tests/helpers/app.ts";
import { genClient, genTenant, genUser, signIn } from "../tests/helpers/fixtures.ts";
import { tempDataDir } from "./lib/servers.ts";
import type { BenchReport, Row } from "./lib/table.ts";
import { formatTimings, type Timed, timeRuns } from "./lib/timing.ts";
import { runWhenMain } from "./lib/main.ts";

const PROJECTS = 1_000;
const CLIENTS = 50;
const CHECKS_PER_PROJECT = 10;
const DAYS = 90;
const EVENTS = 200_000;
const REQUESTS = 1_000;

async function seed(sql: Sql, now: Date) {
  const tenant = await genTenant(sql);
  const t = tenant.id;
  for (let i = 0; i < CLIENTS; i++) await genClient(sql, t, `Client ${i}`);
  await sql`
    INSERT INTO projects (tenant_id, client_id, name, slug)
    SELECT ${t}, c.id, 'Project ' || g, 'p-' || g
    FROM generate_series(1, ${PROJECTS}) g
    JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM clients WHERE tenant_id = ${t}) c
      ON c.n = g % ${CLIENTS}`;
  await sql`INSERT INTO project_environments (tenant_id, project_id, name)
    SELECT tenant_id, id, 'production' FROM projects WHERE tenant_id = ${t}`;
  await sql`
    INSERT INTO health_checks (tenant_id, project_id, name, type, url, ping_token_hash, paused, flapping,
                               cert_expires_at, updated_at)
    SELECT ${t}, p.id, 'Check ' || g, CASE WHEN g % 5 = 0 THEN 'heartbeat' ELSE 'http' END,
           CASE WHEN g % 5 = 0 THEN NULL ELSE 'https://example.com/' || g END,
           CASE WHEN g % 5 = 0 THEN sha256(convert_to(p.id::text || g, 'UTF8')) END,
           g % 97 = 0, g % 31 = 0,
           CASE WHEN g % 13 = 0 THEN ${now}::timestamptz + interval '10 days' END, ${now}::timestamptz
    FROM projects p, generate_series(1, ${CHECKS_PER_PROJECT}) g WHERE p.tenant_id = ${t}`;
  console.error("bench: daily results, alerts, deployments…");
  await sql`
    INSERT INTO check_results_daily (tenant_id, check_id, bucket, total, up, down, degraded, latency_count,
                                     latency_sum, latency_histogram)
    SELECT c.tenant_id, c.id, date_trunc('day', ${now}::timestamptz) - make_interval(days => d), 1440,
           1440 - (d % 3), d % 3, 0, 0, 0, array_fill(0, ARRAY[33])
    FROM (SELECT DISTINCT ON (project_id, name) * FROM health_checks
          WHERE tenant_id = ${t} AND name IN ('Check 1', 'Check 2')) c,
         generate_series(0, ${DAYS}) d`;
  const [rule] = await sql<{ id: string }[]>`
    INSERT INTO alert_rules (tenant_id, name, kind) VALUES (${t}, 'Down', 'check_down') RETURNING id`;
  await sql`
    INSERT INTO alerts (tenant_id, rule_id, project_id, subject_key, status, severity, summary, triggered_at,
                        acknowledged_at, resolved_at)
    SELECT ${t}, ${rule.id}, p.id, 'k' || g || p.id, 'resolved', 'critical', 'down',
           ${now}::timestamptz - make_interval(mins => g * 311),
           CASE WHEN g % 2 = 0 THEN ${now}::timestamptz - make_interval(mins => g * 311 - 7) END,
           ${now}::timestamptz - make_interval(mins => g * 311 - 40)
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM projects WHERE tenant_id = ${t}) p,
         generate_series(1, 20) g`;
  await sql`
    INSERT INTO deployment_daily (tenant_id, project_id, environment, day, succeeded, failed, rolled_back,
                                  lead_samples, lead_seconds_sum, lead_histogram)
    SELECT ${t}, p.id, 'production', (${now}::timestamptz - make_interval(days => d))::date, 1 + d % 3, d % 7 / 6,
           0, 0, 0, array_fill(0, ARRAY[80])
    FROM projects p, generate_series(0, ${DAYS}) d WHERE p.tenant_id = ${t}`;
  return t;
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
}

export default async function insightsBench(): Promise<BenchReport> {
  const dir = await tempDataDir("opsdeck-bench-insights-");
  const pg = await startEmbeddedPostgres({ dir: `${dir}/postgres` });
  const sql = createPool(pg.url, { max: 5 });
  try {
    await migrate(sql, await loadMigrations());
    const now = new Date();
    console.error(`bench: seeding ${PROJECTS} projects, ${PROJECTS * CHECKS_PER_PROJECT} checks…`);
    const tenantId = await seed(sql, now);
    await sql`ANALYZE`;
    const periods = [...periodsBack("week", now, DAYS), ...periodsBack("month", now, DAYS)];

    console.error("bench: scores…");
    // the parts first (read-only), then the whole as the worker runs it
    const stateSeconds = await seconds(() => checkStateByProject(sql, tenantId));
    const inputSeconds = await seconds(() =>
      scoreInputsByPeriod(sql, tenantId, periods.map((p) => ({ start: p.start, stop: p.end < now ? p.end : now })))
    );
    const scoreSeconds = await seconds(() => computeTenantScores(sql, tenantId, periods, now));
    const [{ n: stored }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM efficiency_metrics`;

    console.error("bench: quick wins…");
    const ruleSeconds: string[] = [];
    for (const rule of QUICK_WIN_RULES) {
      ruleSeconds.push(`${rule.id} ${(await seconds(() => rule.find(sql, tenantId, now))).toFixed(2)}`);
    }
    const winSeconds = await seconds(() => evaluateQuickWins(sql, tenantId, now));
    const [{ n: wins }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM quick_wins`;

    console.error("bench: activity ingest…");
    const user = await genUser(sql, tenantId, { role: "admin", withPassword: false });
    const recorder = createActivityRecorder(sql, silentLogger);
    const ingestSeconds = await seconds(async () => {
      for (let i = 0; i < EVENTS; i++) {
        recorder.record({
          tenant_id: tenantId,
          user_id: user.id,
          session_id: "bench",
          activity_type: "page_view",
          resource_type: "checks",
          resource_id: String(i),
          at: now,
        });
      }
      await recorder.flush();
    });
    await recorder.stop();
    const [{ n: ingested }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM user_activity`;

    console.error("bench: request path with and without recording…");
    const session = await signIn(sql, user);
    const plain = (await buildTestApp(sql, { logger: silentLogger })).app;
    const recording = createActivityRecorder(sql, silentLogger);
    const recorded = (await buildTestApp(sql, { logger: silentLogger, activity: recording })).app;
    const get = (app: typeof plain) => async () => (await app.request("/api/v1/me", { headers: session.bearer })).ok;
    const timed: Timed[] = [];
    // interleaved rounds, so drift in the machine's load hits both alike
    const rounds: { without: number[]; with: number[] } = { without: [], with: [] };
    for (let round = 0; round < 5; round++) {
      rounds.without.push((await timeRuns(get(plain), REQUESTS / 5, { warmup: 20 })).p95Ms);
      rounds.with.push((await timeRuns(get(recorded), REQUESTS / 5, { warmup: 20 })).p95Ms);
    }
    timed.push({ label: "GET /api/v1/me without recording", m: await timeRuns(get(plain), REQUESTS, { warmup: 50 }) });
    timed.push({ label: "GET /api/v1/me with recording", m: await timeRuns(get(recorded), REQUESTS, { warmup: 50 }) });
    await recording.stop();
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const delta = median(rounds.with) - median(rounds.without);

    const lines = [
      `Insights (${PROJECTS} projects, ${PROJECTS * CHECKS_PER_PROJECT} checks, ${DAYS} days)`,
      `  scores: ${periods.length} periods × ${PROJECTS} projects + ${CLIENTS} clients → ${stored} rows in ` +
      `${scoreSeconds.toFixed(2)} s (goal < 5 s: ${(scoreSeconds / 5).toFixed(2)}× the budget; check state ` +
      `${stateSeconds.toFixed(2)} s, period inputs ${inputSeconds.toFixed(2)} s, the rest formula + upsert)`,
      `  quick wins: ${wins} found by every rule over ${PROJECTS * CHECKS_PER_PROJECT} checks in ` +
      `${winSeconds.toFixed(2)} s (goal < 2 s: ${(winSeconds / 2).toFixed(2)}× the budget)`,
      `    per rule (s): ${ruleSeconds.join(", ")}`,
      `  load average when done: ${Deno.loadavg().map((l) => l.toFixed(1)).join(" ")} (2 cores shared)`,
      `  activity ingest: ${ingested} events in ${ingestSeconds.toFixed(2)} s = ` +
      `${Math.round(EVENTS / ingestSeconds).toLocaleString("en")} events/s (goal ≥ 20,000/s: ` +
      `${(EVENTS / ingestSeconds / 20_000).toFixed(1)}×)`,
      `  request path: p95 delta with recording ${delta.toFixed(3)} ms (median of 5 interleaved rounds; goal ≤ 1 ms)`,
      formatTimings("request", timed),
    ];
    const rows: Row[] = timed.map(({ label, m }, i) => ({
      ...m,
      name: i ? "me_recording" : "me_plain",
      label,
      ...(i ? { vsBaseline: m.requestsPerSecond / timed[0].m.requestsPerSecond, baseline: "without recording" } : {}),
    }));
    return { title: lines.join("\n"), rows };
  } finally {
    await sql.end();
    await pg.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

await runWhenMain(import.meta, insightsBench);
