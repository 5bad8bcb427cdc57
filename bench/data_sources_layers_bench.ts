/**
 * Data-source goals besides the query overhead (data_sources_bench.ts), each
 * with a baseline from the same run, through the in-process app on a migrated
 * embedded PostgreSQL and a second cluster as the source:
 *   - cached result p95 (goal < 10 ms): POST /api/v1/saved-queries/{id}/run
 *     answered from the cache, vs the same call with `fresh: true`;
 *   - introspection of a 500-table schema (goal < 2 s): POST …/introspect, vs
 *     the information_schema read through the driver directly;
 *   - CSV import (goal ≥ 100,000 rows/s for a 10 MB file): POST …/csv, vs the
 *     same rows through COPY FROM STDIN on the driver directly;
 *   - the built-in opsdeck source (goal as other kinds: ≤ 1.2× + 2 ms): a query
 *     shape through the kind (read-only tenant transaction, cursor, caps) vs
 *     the shape's SQL through the driver directly on Opsdeck's database.
 */
import postgres from "postgres";
import { createPool } from "../db/client.ts";
import { withTenant } from "../db/tenant.ts";
import { startEmbeddedPostgres } from "../db/embedded.ts";
import { loadMigrations, migrate } from "../db/migrate.ts";
import { closeAllSources } from "../services/data_sources/kinds/mod.ts";
import { opsdeckKind } from "../services/data_sources/kinds/opsdeck/mod.ts";
import { shapeNamed } from "../services/data_sources/kinds/opsdeck/shapes.ts";
import { sourcePolicy } from "../services/data_sources/target.ts";
import { genCheck } from "../tests/helpers/alerts.ts";
import { genProject } from "../tests/helpers/catalog.ts";
import { insertResults } from "../tests/helpers/checks.ts";
import { type Config, loadConfig } from "../services/platform/config.ts";
import { silentLogger } from "../services/platform/logger.ts";
import { buildTestApp } from "../tests/helpers/app.ts";
import { genPersonas, TEST_SECRET } from "../tests/helpers/fixtures.ts";
import { startSourcePostgres } from "../tests/helpers/source_postgres.ts";
import { tempDataDir } from "./lib/servers.ts";
import type { BenchReport, Row } from "./lib/table.ts";
import { formatTimings, type Timed, timeRuns } from "./lib/timing.ts";

const CACHED_RUNS = 300;
const INTROSPECT_RUNS = 5;
const TABLES = 500;
const CSV_ROWS = 200_000;

function csvFile(): string {
  const lines = ["id,customer,amount,paid,at"];
  for (let i = 1; i <= CSV_ROWS; i++) {
    lines.push(`${i},Customer number ${i % 997},${(i % 1000) / 10},${i % 3 === 0},2026-01-01T00:00:00Z`);
  }
  return lines.join("\n") + "\n";
}

export default async function dataSourcesLayersBench(): Promise<BenchReport> {
  const dir = await tempDataDir("opsdeck-bench-ds-");
  const pg = await startEmbeddedPostgres({ dir: `${dir}/postgres` });
  const sql = createPool(pg.url, { max: 6 });
  const source = await startSourcePostgres();
  try {
    await migrate(sql, await loadMigrations());
    const config = loadConfig({
      OPSDECK_SECRET: TEST_SECRET,
      OPSDECK_PROBE_ALLOW: "127.0.0.0/8",
      OPSDECK_API_RATE_LIMIT: "0",
      OPSDECK_API_RATE_LIMIT_IP: "0",
      // the import of 200,000 rows is measured, not the request deadline (10 s) on a busy machine
      OPSDECK_REQUEST_TIMEOUT_MS: "120000",
    });
    const { app } = await buildTestApp(sql, { config, logger: silentLogger });
    const p = await genPersonas(sql);
    const call = async (method: string, path: string, body: unknown) => {
      const res = await app.request(path, {
        method,
        headers: { ...p.alice.bearer, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
      return await res.json();
    };
    const shop = await call("POST", "/api/v1/data-sources", {
      name: "Shop",
      kind: "postgresql",
      config: source.settings,
    });
    const query = await call("POST", "/api/v1/saved-queries", {
      data_source_id: shop.id,
      name: "Revenue by status",
      query_text: "SELECT status, count(*)::int AS n, sum(total) AS revenue FROM orders " +
        "WHERE total >= {{min}} GROUP BY status",
      parameters: [{ name: "min", type: "number" }],
      cache_ttl_seconds: 3600,
    });
    const run = (fresh: boolean) => async () => {
      const r = await call("POST", `/api/v1/saved-queries/${query.id}/run`, { parameters: { min: 10 }, fresh });
      return r.rows.length > 0 && (fresh || r.cached_at !== undefined);
    };
    console.error("bench: data sources, cached results…");
    const read = await timeRuns(
      async () => {
        const res = await app.request(`/api/v1/saved-queries/${query.id}`, { headers: p.alice.bearer });
        await res.arrayBuffer();
        return res.ok;
      },
      CACHED_RUNS,
      { warmup: 20 },
    );
    const uncached = await timeRuns(run(true), CACHED_RUNS, { warmup: 20 });
    const cached = await timeRuns(run(false), CACHED_RUNS, { warmup: 20 });

    console.error(`bench: data sources, introspection of ${TABLES} tables…`);
    await source.admin.unsafe(`DO $$ BEGIN FOR i IN 1..${TABLES} LOOP
      EXECUTE format('CREATE TABLE bench_%s (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(10,2),
        status text DEFAULT ''new'', created_at timestamptz, updated_at timestamptz, payload jsonb, flag boolean)', i);
    END LOOP; END $$`);
    await source.admin.unsafe("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporter");
    const direct = postgres({
      host: source.host,
      port: source.port,
      database: source.database,
      username: source.user,
      password: source.password,
      max: 1,
    });
    const columns = await direct`SELECT count(*)::int AS n FROM information_schema.columns
      WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`;
    const driverIntrospect = await timeRuns(
      async () => {
        const rows = await direct`SELECT table_schema, table_name, column_name, ordinal_position, data_type,
        is_nullable, column_default FROM information_schema.columns
        WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 4`;
        return rows.length > 0;
      },
      INTROSPECT_RUNS,
      { warmup: 1 },
    );
    const introspect = await timeRuns(
      async () => {
        const r = await call("POST", `/api/v1/data-sources/${shop.id}/introspect`, undefined);
        return r.data.length === columns[0].n;
      },
      INTROSPECT_RUNS,
      { warmup: 1 },
    );

    console.error(`bench: data sources, CSV import of ${CSV_ROWS} rows…`);
    const file = csvFile();
    const megabytes = new TextEncoder().encode(file).length / 1024 / 1024;
    const csv = await call("POST", "/api/v1/data-sources", { name: "Export", kind: "csv", config: {} });
    const copyText = file.split("\n").slice(1).join("\n").replaceAll(",", "\t");
    await source.admin.unsafe(
      "CREATE TABLE copy_target (id text, customer text, amount text, paid text, at text)",
    );
    const driverCopy = await timeRuns(
      async () => {
        await source.admin.unsafe("TRUNCATE copy_target");
        const writable = await source.admin.unsafe("COPY copy_target FROM STDIN").writable();
        await new Promise<void>((resolve, reject) => {
          writable.on("error", reject);
          writable.write(copyText, () => writable.end(resolve));
        });
        return true;
      },
      3,
      { warmup: 1 },
    );
    const upload = await timeRuns(
      async () => {
        const res = await app.request(`/api/v1/data-sources/${csv.id}/csv`, {
          method: "POST",
          headers: { ...p.alice.bearer, "Content-Type": "text/csv" },
          body: file,
        });
        const body = await res.json();
        return res.ok && body.rows === CSV_ROWS;
      },
      3,
      { warmup: 1 },
    );
    const rowsPerSecond = (t: { p50Ms: number }) => Math.round(CSV_ROWS / (t.p50Ms / 1000));

    console.error("bench: data sources, the built-in opsdeck source…");
    const shaped = await opsdeckShape(sql, p.tenant.id, p.clients.acme.id, config);

    const results: Timed[] = [
      { label: "GET the saved query (baseline)", m: read },
      { label: "run, cached", m: cached },
      { label: "run, fresh", m: uncached },
      { label: `introspect ${TABLES} tables: driver (baseline)`, m: driverIntrospect },
      { label: `introspect ${TABLES} tables: API`, m: introspect },
      { label: `CSV ${megabytes.toFixed(1)} MB: COPY via driver (baseline)`, m: driverCopy },
      { label: `CSV ${megabytes.toFixed(1)} MB: upload via API`, m: upload },
      { label: "opsdeck checks_uptime: driver (baseline)", m: shaped.driver },
      { label: "opsdeck checks_uptime: driver, withTenant", m: shaped.scoped },
      { label: "opsdeck checks_uptime: kind", m: shaped.kind },
    ];
    const summary = [
      `cached p95 ${cached.p95Ms.toFixed(2)} ms (goal < 10 ms: ${cached.p95Ms < 10 ? "met" : "NOT met"}); ` +
      `${(cached.p95Ms / read.p95Ms).toFixed(2)}× a plain GET of the query (p95 ${read.p95Ms.toFixed(2)} ms); ` +
      `fresh p95 ${uncached.p95Ms.toFixed(2)} ms`,
      `introspection of ${columns[0].n} columns in ${TABLES}+ tables: p50 ${introspect.p50Ms.toFixed(0)} ms ` +
      `(goal < 2000 ms: ${introspect.p50Ms < 2000 ? "met" : "NOT met"}), ` +
      `${(introspect.p50Ms / driverIntrospect.p50Ms).toFixed(2)}× the driver's read`,
      `CSV import ${rowsPerSecond(upload).toLocaleString("en")} rows/s (goal ≥ 100,000: ${
        rowsPerSecond(upload) >= 100_000 ? "met" : "NOT met"
      }); COPY alone ${rowsPerSecond(driverCopy).toLocaleString("en")} rows/s ` +
      `(${(upload.p50Ms / driverCopy.p50Ms).toFixed(2)}× its time)`,
      `opsdeck shape p50 ${shaped.kind.p50Ms.toFixed(2)} ms vs driver ${shaped.driver.p50Ms.toFixed(2)} ms ` +
      `(${(shaped.kind.p50Ms / shaped.driver.p50Ms).toFixed(2)}×; goal ≤ ${
        (shaped.driver.p50Ms * 1.2 + 2).toFixed(2)
      } ms: ${shaped.kind.p50Ms <= shaped.driver.p50Ms * 1.2 + 2 ? "met" : "NOT met"}); ` +
      `${(shaped.kind.p50Ms / shaped.scoped.p50Ms).toFixed(2)}× the same in withTenant ` +
      `(${shaped.scoped.p50Ms.toFixed(2)} ms, row-level security included)`,
    ];
    for (const line of summary) console.error(`bench: ${line}`);
    await direct.end();
    const base = [0, 0, 0, 3, 3, 5, 5, 7, 7, 7];
    const rows: Row[] = results.map((r, i) => ({
      name: `data_sources_layers.${i}`,
      label: r.label,
      ...r.m,
      vsBaseline: results[base[i]].m.p50Ms / r.m.p50Ms,
    }));
    return {
      title: "Data sources: cache, introspection, CSV import\n" + formatTimings("case", results) + "\n" +
        summary.join("\n"),
      rows,
    };
  } finally {
    await closeAllSources();
    await sql.end({ timeout: 2 });
    await source.stop();
    await pg.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** 8 checks with a week of hourly results; `checks_uptime` over the week, through the kind and on the driver. */
async function opsdeckShape(sql: ReturnType<typeof createPool>, tenantId: string, clientId: string, config: Config) {
  const project = await genProject(sql, tenantId, clientId);
  const week = Date.now() - 7 * 24 * 3600_000;
  for (let c = 0; c < 8; c++) {
    const check = await genCheck(sql, tenantId, project.id, `Check ${c}`);
    await insertResults(
      sql,
      tenantId,
      check.id,
      Array.from({ length: 168 }, (_, h) => ({
        status: h % 50 === c ? "down" as const : "up" as const,
        latencyMs: 100 + h,
        at: new Date(week + h * 3600_000),
      })),
    );
  }
  const shape = shapeNamed("checks_uptime")!;
  const from = new Date(week);
  const to = new Date();
  const open = {
    id: crypto.randomUUID(),
    version: "1",
    config: {},
    secret: {},
    policy: sourcePolicy(config),
    home: sql,
    tenantId,
    clientId: null,
  };
  const limits = { timeoutMs: 10_000, maxRows: 10_000, maxBytes: 32 * 1024 * 1024 };
  const driver = await timeRuns(
    async () => (await sql.unsafe(shape.sql, [tenantId, null, from, to, null])).length === 8,
    CACHED_RUNS,
    { warmup: 20 },
  );
  // the same statement in a tenant transaction as opsdeck_app: what row-level security itself costs
  const scoped = await timeRuns(
    async () =>
      (await withTenant(sql, tenantId, (tx) => tx.unsafe(shape.sql, [tenantId, null, from, to, null]))).length === 8,
    CACHED_RUNS,
    { warmup: 20 },
  );
  const kind = await timeRuns(
    async () => (await opsdeckKind.run(open, "checks_uptime", [from, to], limits, ["from", "to"])).rows.length === 8,
    CACHED_RUNS,
    { warmup: 20 },
  );
  return { driver, scoped, kind };
}

if (import.meta.main) {
  const report = await dataSourcesLayersBench();
  console.log(report.title);
}
