/**
 * Metric ingest: points/s with 10,000-point batches, (1) over the HTTP API
 * (POST /api/v1/metrics with an API key scoped to metrics:write, a few
 * clients in parallel, every batch new points over 20 projects), and (2) the
 * same batches straight through the service (ingestMetrics: RLS transaction,
 * visibility check, one INSERT … unnest, audit row; no HTTP, JSON or zod) in
 * the bench process, as the baseline. Target: ≥ 100,000 points/s over the API (issue 14).
 * Then the read side: GET /api/v1/metrics over 90 days of one point a minute
 * (129,600 points of one series), 30 sequential requests per row after 5
 * discarded, with the default step (12 h) and with 1 h buckets.
 */
import { createPool } from "../db/client.ts";
import type { Principal } from "../services/auth/permissions.ts";
import { ingestMetrics } from "../services/metrics/ingest.ts";
import type { IngestInput } from "../services/metrics/schemas.ts";
import { get, postJson, setUpAndLogIn } from "./lib/api.ts";
import { watchOtherCpu } from "./lib/cpu.ts";
import { withOpsdeckOnOwnPostgres } from "./lib/servers.ts";
import { type BenchReport, versus } from "./lib/table.ts";
import { formatTimings, summarise, type Timed, timeRuns, type Timing } from "./lib/timing.ts";
import { runWhenMain } from "./lib/main.ts";

const BATCH = 10_000;
const PROJECTS = 20;
const CLIENTS = 3;
const WARMUP_SECONDS = 2;
const SECONDS = 8;
const TARGET = 100_000;

/** Every batch is new points: instants advance by a second per point across all batches. */
let clock = Date.parse("2026-01-01T00:00:00Z");
function batch(projectIds: string[]): IngestInput {
  return {
    points: Array.from({ length: BATCH }, (_, i) => ({
      project_id: projectIds[i % projectIds.length],
      type: i % 3 === 0 ? "cpu.load" : i % 3 === 1 ? "memory.rss_mb" : "http.requests",
      value: Math.round(Math.random() * 1e4) / 100,
      recorded_at: new Date(clock += 1000).toISOString(),
    })),
  };
}

export default function metricsIngestBench(): Promise<BenchReport> {
  return withOpsdeckOnOwnPostgres("opsdeck-bench-metrics-", async ({ url }, databaseUrl) => {
    const sql = createPool(databaseUrl, { max: CLIENTS });
    try {
      const session = await setUpAndLogIn(url);
      const api = (path: string, body: unknown) => postJson(url, path, session, body);
      const client = await api("/api/v1/clients", { name: "Bench client" });
      const projectIds: string[] = [];
      for (let i = 0; i < PROJECTS; i++) {
        const project = await api("/api/v1/projects", {
          client_id: client.id,
          name: `Metrics ${i}`,
          slug: `metrics-${i}`,
          environments: [{ name: "production", url: `https://m${i}.example.com` }],
        });
        projectIds.push(project.id);
      }
      const { key } = await api("/api/v1/api-keys", { name: "collector", scopes: ["metrics:write"] });
      const headers = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };

      console.error("bench: metrics ingest over HTTP…");
      const http = await run(async () => {
        const res = await fetch(`${url}/api/v1/metrics`, {
          method: "POST",
          headers,
          body: JSON.stringify(batch(projectIds)),
        });
        await res.arrayBuffer();
        return res.status === 200;
      });

      console.error("bench: metrics ingest through the service…");
      const [{ tenant_id: tenantId, id: userId }] = await sql<{ tenant_id: string; id: string }[]>`
        SELECT tenant_id, id FROM users LIMIT 1`;
      const principal: Principal = {
        kind: "user",
        userId,
        tenantId,
        email: "bench-admin@example.com",
        name: "Bench",
        roleId: userId,
        roleName: "admin",
        clientId: null,
        superAdmin: false,
        permissions: new Set(["metrics:write"]),
      };
      const service = await run(async () => {
        const ctx = { actor: principal, ip: null, userAgent: "bench", now: new Date() };
        await ingestMetrics(sql, principal, batch(projectIds), ctx, { idempotencyKey: undefined, path: "/bench" });
        return true;
      });
      const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM metric_snapshots`;

      console.error("bench: 90-day metric queries…");
      await sql`
        INSERT INTO metric_snapshots (tenant_id, project_id, type, value, recorded_at)
        SELECT ${tenantId}, ${projectIds[0]}, 'latency.p50_ms', 100 + 50 * random(), now() - i * interval '1 minute'
        FROM generate_series(1, 129600) AS i`;
      await sql`ANALYZE metric_snapshots`;
      const query = (extra: string) => () =>
        get(`${url}/api/v1/metrics?project_id=${projectIds[0]}&type=latency.p50_ms&${extra}`, {
          Authorization: `Bearer ${session}`,
        });
      // Both ends given: a `to` defaulting to "now" at the server would make the range a little over 90 days.
      const until = new Date();
      const since = `${new Date(until.getTime() - 90 * 86_400_000).toISOString()}&to=${until.toISOString()}`;
      const reads: Timed[] = [{
        label: "GET /readyz (baseline)",
        m: await timeRuns(() => get(`${url}/readyz`, {}), 30, { warmup: 5 }),
      }];
      for (
        const [label, extra] of [["90 d, default step (12h)", `from=${since}`], [
          "90 d, step=1h",
          `from=${since}&step=1h`,
        ]]
      ) {
        reads.push({ label, m: await timeRuns(query(extra), 30, { warmup: 5 }) });
      }
      const line = (label: string, m: Timing) =>
        `  ${label.padEnd(34)}${(m.requestsPerSecond * BATCH).toFixed(0).padStart(8)} points/s  ` +
        `batch p50 ${m.p50Ms.toFixed(0)} ms  p99 ${m.p99Ms.toFixed(0)} ms  errors ${m.errors}` +
        (m.otherCores > 0.1 ? `  ⚠ other processes used ${m.otherCores.toFixed(2)} cores: noisy` : "");
      const pointsPerSecond = http.requestsPerSecond * BATCH;
      return {
        title: [
          `Metric ingest: ${BATCH.toLocaleString("en")}-point batches over ${PROJECTS} projects, ${CLIENTS} clients ` +
          `in parallel for ${SECONDS} s after ${WARMUP_SECONDS} s discarded (target ≥ ${
            TARGET.toLocaleString("en")
          } points/s over the API)`,
          line("POST /api/v1/metrics (API key)", http),
          line("ingestMetrics() in process", service),
          `  ${pointsPerSecond >= TARGET ? "within" : "BELOW"} the target; ${n.toLocaleString("en")} points stored`,
          "GET /api/v1/metrics over 129,600 points (one a minute for 90 days), 30 sequential requests per row",
          formatTimings("query", reads),
        ].join("\n"),
        rows: [
          ...versus(
            [
              { name: "metrics ingest http", label: "POST /api/v1/metrics (10k-point batches)", ...http },
              { name: "metrics ingest service", label: "ingestMetrics() (10k-point batches)", ...service },
            ],
            service,
            "ingestMetrics() in process",
          ),
          ...versus(
            reads.map(({ label, m }, i) => ({
              name: i ? `metrics query ${label}` : "metrics readyz",
              label: i ? `GET /api/v1/metrics ${label}` : label,
              ...m,
            })),
            reads[0].m,
            "/readyz, sequential",
          ),
        ],
      };
    } finally {
      await sql.end();
    }
  });
}

/** CLIENTS loops of `send` for WARMUP_SECONDS (discarded) then SECONDS; req/s is batches/s. */
async function run(send: () => Promise<boolean>): Promise<Timing> {
  const loop = async (until: number, latencies: number[]) => {
    let errors = 0;
    while (performance.now() < until) {
      const t0 = performance.now();
      const ok = await send().catch(() => false);
      latencies.push(performance.now() - t0);
      if (!ok) errors++;
    }
    return errors;
  };
  const warm = performance.now() + WARMUP_SECONDS * 1000;
  await Promise.all(Array.from({ length: CLIENTS }, () => loop(warm, [])));
  const otherCores = watchOtherCpu();
  const started = performance.now();
  const latencies: number[] = [];
  const errors = await Promise.all(Array.from({ length: CLIENTS }, () => loop(started + SECONDS * 1000, latencies)));
  const seconds = (performance.now() - started) / 1000;
  return summarise(latencies, seconds, errors.reduce((a, b) => a + b, 0), otherCores());
}

await runWhenMain(import.meta, metricsIngestBench);
