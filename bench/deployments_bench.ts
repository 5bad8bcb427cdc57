/**
 * Deployments: (1) sustained ingest over the API, as CI reports them: POST
 * /api/v1/deployments with an API key scoped to deployments:write, 16
 * clients in parallel for 10 s (after 2 s discarded), without and with a
 * fresh Idempotency-Key per request; (2) delivery metrics on 100,000
 * deployments (50 projects × 2 environments over 90 days, one tenant): the
 * SQL alone (the three queries of one answer, in the bench process) and the
 * whole HTTP answer, 100 sequential requests per row after 10 discarded.
 * Target: delivery-metrics p95 < 50 ms.
 */
import { createPool, type Sql } from "../db/client.ts";
import { deliveryMetricsRows, type MetricsScope } from "../db/queries/delivery_metrics.ts";
import { get, postJson, setUpAndLogIn } from "./lib/api.ts";
import { watchOtherCpu } from "./lib/cpu.ts";
import { withOpsdeckOnOwnPostgres } from "./lib/servers.ts";
import { type BenchReport, type Row, versus } from "./lib/table.ts";
import { formatTimings, slowestP95, summarise, type Timed, timeRuns, type Timing } from "./lib/timing.ts";
import { runWhenMain } from "./lib/main.ts";

const DEPLOYMENTS = 100_000;
const PROJECTS = 50;
const INGEST_CLIENTS = 16;
const INGEST_SECONDS = 10;
const REQUESTS = 100;
const WARMUP = 10;
const TARGET_P95_MS = 50;

export default function deploymentsBench(): Promise<BenchReport> {
  return withOpsdeckOnOwnPostgres("opsdeck-bench-deployments-", async ({ url }, databaseUrl) => {
    const sql = createPool(databaseUrl, { max: 2 });
    try {
      const session = await setUpAndLogIn(url);
      const api = (path: string, body: unknown) => postJson(url, path, session, body);
      const client = await api("/api/v1/clients", { name: "Bench client" });
      await api("/api/v1/projects", {
        client_id: client.id,
        name: "Bench shop",
        slug: "bench-shop",
        environments: [{ name: "production", url: "https://shop.example.com" }],
      });
      const { key } = await api("/api/v1/api-keys", { name: "CI", scopes: ["deployments:write"] });
      const ci = { Authorization: `Bearer ${key}` };

      console.error("bench: deployments ingest…");
      const body = (i: number) => ({
        project_slug: "bench-shop",
        environment: "production",
        status: "succeeded",
        commit_sha: (0x1000000 + i).toString(16),
        ref: "main",
        actor: "bench",
      });
      const readyzLoad = await ingest(url, {}, body, false, "/readyz");
      const plain = await ingest(url, ci, body, false);
      const keyed = await ingest(url, ci, body, true);

      console.error(`bench: seeding ${DEPLOYMENTS.toLocaleString("en")} deployments…`);
      const seeded = await seed(sql, client.id);
      const scope = (days: number, projectId?: string): MetricsScope => ({
        tenantId: seeded.tenantId,
        projectId,
        clientId: null,
        since: new Date(Date.now() - days * 86_400_000),
        until: new Date(),
      });
      const headers = { Authorization: `Bearer ${session}` };
      const cases: { label: string; run: () => Promise<boolean> }[] = [
        { label: "SQL tenant-wide, 90 days", run: () => queries(sql, scope(90)) },
        { label: "SQL tenant-wide, 30 days", run: () => queries(sql, scope(30)) },
        { label: "SQL one project, 90 days", run: () => queries(sql, scope(90, seeded.projectId)) },
        { label: "API tenant-wide, 90 days", run: () => get(`${url}/api/v1/delivery-metrics?days=90`, headers) },
        {
          label: "API one project, 90 days",
          run: () => get(`${url}/api/v1/delivery-metrics?days=90&project_id=${seeded.projectId}`, headers),
        },
        {
          label: "HTML /delivery-metrics, 90 days",
          run: () =>
            get(`${url}/delivery-metrics?days=90`, { Cookie: `opsdeck_session=${session}`, Accept: "text/html" }),
        },
      ];
      const results: Timed[] = [{
        label: "GET /readyz (baseline)",
        m: await timeRuns(() => get(`${url}/readyz`, {}), REQUESTS, { warmup: WARMUP }),
      }];
      for (const c of cases) {
        console.error(`bench: ${c.label}…`);
        results.push({ label: c.label, m: await timeRuns(c.run, REQUESTS, { warmup: WARMUP }) });
      }
      return {
        title: [
          `Deployments ingest: POST /api/v1/deployments with a deployments:write key, ${INGEST_CLIENTS} parallel ` +
          `clients for ${INGEST_SECONDS} s on 127.0.0.1 (one insert, audit row and event per request)`,
          `  without Idempotency-Key   ${plain.requestsPerSecond.toFixed(0)} deployments/s  ` +
          `p50 ${plain.p50Ms.toFixed(1)} ms  p99 ${plain.p99Ms.toFixed(1)} ms  errors ${plain.errors}`,
          `  with Idempotency-Key      ${keyed.requestsPerSecond.toFixed(0)} deployments/s  ` +
          `p50 ${keyed.p50Ms.toFixed(1)} ms  p99 ${keyed.p99Ms.toFixed(1)} ms  errors ${keyed.errors}`,
          `Delivery metrics on ${
            DEPLOYMENTS.toLocaleString("en")
          } deployments (${PROJECTS} projects × 2 environments, ` +
          `90 days; seeded in ${seeded.ms} ms); ${REQUESTS} sequential runs per row (target p95 < ${TARGET_P95_MS} ms)`,
          formatTimings("query", results),
          slowestP95(results.slice(1), TARGET_P95_MS),
          "  (the rows below repeat the figures in the suite's format)",
        ].join("\n"),
        rows: [
          ...versus(
            [
              { name: "deployments ingest readyz", label: `GET /readyz, ${INGEST_CLIENTS} clients`, ...readyzLoad },
              { name: "deployments ingest", label: "POST /api/v1/deployments", ...plain },
              { name: "deployments ingest idempotent", label: "POST … with Idempotency-Key", ...keyed },
            ],
            readyzLoad,
            `/readyz, ${INGEST_CLIENTS} clients`,
          ),
          ...versus(
            results.map(({ label, m }): Row => ({ name: `delivery metrics ${label}`, label, ...m })),
            results[0].m,
            "/readyz, sequential",
          ),
        ],
      };
    } finally {
      await sql.end();
    }
  });
}

/** One delivery-metrics answer's query, as the service runs it (plain pool: no RLS switch). */
async function queries(sql: Sql, scope: MetricsScope): Promise<boolean> {
  await deliveryMetricsRows(sql, scope);
  return true;
}

let sequence = 0;

/** INGEST_CLIENTS loops posting deployments: 2 s discarded, then INGEST_SECONDS counted. */
async function ingest(
  url: string,
  headers: Record<string, string>,
  body: (i: number) => unknown,
  withKey: boolean,
  /** The baseline: the same loops on GET /readyz (one query, no auth). */
  readyz?: "/readyz",
): Promise<Timing> {
  const loop = async (until: number, latencies: number[]) => {
    let errors = 0;
    while (performance.now() < until) {
      const i = sequence++;
      const t0 = performance.now();
      const res = await fetch(
        `${url}${readyz ?? "/api/v1/deployments"}`,
        readyz ? { headers } : {
          method: "POST",
          headers: {
            ...headers,
            "Content-Type": "application/json",
            ...(withKey ? { "Idempotency-Key": `bench-${i}` } : {}),
          },
          body: JSON.stringify(body(i)),
        },
      );
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status !== (readyz ? 200 : 201)) errors++;
    }
    return errors;
  };
  const warm = performance.now() + 2000;
  await Promise.all(Array.from({ length: INGEST_CLIENTS }, () => loop(warm, [])));
  const otherCores = watchOtherCpu();
  const started = performance.now();
  const latencies: number[] = [];
  const errors = await Promise.all(
    Array.from({ length: INGEST_CLIENTS }, () => loop(started + INGEST_SECONDS * 1000, latencies)),
  );
  const seconds = (performance.now() - started) / 1000;
  return summarise(latencies, seconds, errors.reduce((a, b) => a + b, 0), otherCores());
}

/**
 * 50 projects with production and staging, then 100,000 finished
 * deployments spread over 90 days in one INSERT … SELECT: 8% failed, 2%
 * rolled back, commit times 10 minutes to 2 days before.
 */
async function seed(sql: Sql, clientId: string): Promise<{ tenantId: string; projectId: string; ms: number }> {
  const started = performance.now();
  const [{ id: tenantId }] = await sql<{ id: string }[]>`SELECT id FROM tenants LIMIT 1`;
  await sql`
    INSERT INTO projects (tenant_id, client_id, name, slug)
    SELECT ${tenantId}, ${clientId}, 'Seeded ' || i, 'seeded-' || i FROM generate_series(1, ${PROJECTS}) AS i`;
  await sql`
    INSERT INTO project_environments (tenant_id, project_id, name, position)
    SELECT p.tenant_id, p.id, e.name, e.position
    FROM projects p, (VALUES ('production', 0), ('staging', 1)) AS e(name, position)
    WHERE p.tenant_id = ${tenantId} AND p.slug LIKE 'seeded-%'`;
  await sql`
    WITH p AS (SELECT array_agg(id ORDER BY slug) AS ids FROM projects WHERE tenant_id = ${tenantId} AND slug LIKE 'seeded-%'),
    t AS (
      SELECT i, now() - (i::float8 / ${DEPLOYMENTS}) * interval '90 days' AS at FROM generate_series(1, ${DEPLOYMENTS}) AS i
    )
    INSERT INTO deployments (tenant_id, project_id, environment, status, commit_sha, ref, actor, source, committed_at,
                             started_at, finished_at, created_at, updated_at)
    SELECT ${tenantId}, p.ids[1 + t.i % ${PROJECTS}], CASE WHEN t.i % 3 = 0 THEN 'staging' ELSE 'production' END,
           CASE WHEN t.i % 50 = 7 THEN 'rolled_back' WHEN t.i % 100 < 8 THEN 'failed' ELSE 'succeeded' END,
           substr(md5(t.i::text), 1, 40), 'main', 'seed', 'api',
           t.at - (10 + t.i % 2870) * interval '1 minute', t.at, t.at + (30 + t.i % 600) * interval '1 second', t.at, t.at
    FROM p, t`;
  await sql`ANALYZE projects, project_environments, deployments`;
  const [{ id: projectId }] = await sql<{ id: string }[]>`
    SELECT id FROM projects WHERE tenant_id = ${tenantId} AND slug = 'seeded-1'`;
  return { tenantId, projectId, ms: Math.round(performance.now() - started) };
}

await runWhenMain(import.meta, deploymentsBench);
