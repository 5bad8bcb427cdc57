/**
 * Public status pages under load and the monthly SLA report:
 * - a published page of 50 components (50 checks, 90 days of roll-ups) served
 *   by the real `main.ts serve`: its HTML and JSON summary with wrk, against a
 *   bare Hono hello-world in the same run;
 * - database queries per cached view, counted by postgres.js's `debug` hook on
 *   an app built in this process over the same database (1,000 views);
 * - the SLA report (read, compute, PDF, CSV) of a client with 50 checks over a
 *   month of hourly roll-ups (36,000 results), timed in this process.
 */
import postgres from "postgres";
import type { Sql } from "../db/client.ts";
import { createPool } from "../db/client.ts";
import { insertCheckResults } from "../db/queries/check_results.ts";
import { withTenant } from "../db/tenant.ts";
import { computeClientMonth } from "../services/sla/reports.ts";
import { slaCsv, slaPdf } from "../services/sla/render.ts";
import { buildTestApp } from "../tests/helpers/app.ts";
import { runWhenMain } from "./lib/main.ts";
import { withOpsdeckOnOwnPostgres } from "./lib/servers.ts";
import type { BenchReport, Row } from "./lib/table.ts";
import { measureBareHono, measureChecked } from "./lib/wrk.ts";

const CHECKS = 50;
const GZIP = { "Accept-Encoding": "gzip" };
const PATHS: [string, Record<string, string>][] = [
  ["/status/bench", {}],
  ["/status/bench", GZIP],
  ["/status/bench/api/v2/summary.json", {}],
  ["/status/bench/api/v2/summary.json", GZIP],
];

async function seed(sql: Sql) {
  const [tenant] = await sql`INSERT INTO tenants (name, slug) VALUES ('Bench', 'bench-status') RETURNING id`;
  const tenantId: string = tenant.id;
  return await withTenant(sql, tenantId, async (tx) => {
    const [client] = await tx`
      INSERT INTO clients (tenant_id, name, timezone) VALUES (${tenantId}, 'Acme', 'Europe/Berlin') RETURNING id`;
    const [project] = await tx`
      INSERT INTO projects (tenant_id, client_id, name, slug) VALUES (${tenantId}, ${client.id}, 'Shop', 'shop')
      RETURNING id`;
    const [sow] = await tx`
      INSERT INTO sows (tenant_id, project_id, title, status) VALUES (${tenantId}, ${project.id}, 'Care', 'active')
      RETURNING id`;
    await tx`INSERT INTO sla_targets (tenant_id, project_id, sow_id, uptime_percent, response_p95_ms)
      VALUES (${tenantId}, ${project.id}, ${sow.id}, 99.9, 500)`;
    const [page] = await tx`
      INSERT INTO status_pages (tenant_id, client_id, slug, title, published, show_response_times)
      VALUES (${tenantId}, ${client.id}, 'bench', 'Acme status', true, true) RETURNING id`;
    const checkIds: string[] = [];
    for (let i = 0; i < CHECKS; i++) {
      // paused: the scheduler must not probe them during the bench
      const [check] = await tx`
        INSERT INTO health_checks (tenant_id, project_id, name, type, url, paused)
        VALUES (${tenantId}, ${project.id}, ${`check-${i}`}, 'http', ${`https://internal-${i}.example/`}, true)
        RETURNING id`;
      checkIds.push(check.id);
      const [component] = await tx`
        INSERT INTO status_page_components (tenant_id, page_id, name, position)
        VALUES (${tenantId}, ${page.id}, ${`Service ${i}`}, ${i}) RETURNING id`;
      await tx`INSERT INTO status_component_checks (tenant_id, component_id, check_id)
        VALUES (${tenantId}, ${component.id}, ${check.id})`;
    }
    return { tenantId, clientId: client.id as string, checkIds };
  });
}

async function seedResults(sql: Sql, tenantId: string, checkIds: string[]) {
  const now = Date.now();
  const monthStart = Date.parse("2026-10-31T23:00:00Z");
  for (const checkId of checkIds) {
    // 90 days, one a day (the bars), and November hour by hour (the SLA month)
    const rows = [
      ...Array.from({ length: 90 }, (_, d) => new Date(now - d * 86_400_000)),
      ...Array.from({ length: 720 }, (_, h) => new Date(monthStart + h * 3_600_000 + 60_000)),
    ].map((at, k) => ({
      tenantId,
      checkId,
      status: k % 97 === 0 ? "down" as const : "up" as const,
      latencyMs: 80 + (k % 40),
      statusCode: 200,
      detail: null,
      checkedAt: at,
    }));
    await insertCheckResults(sql, rows);
  }
}

export default async function statusPagesBench(): Promise<BenchReport> {
  const baseline = await measureBareHono();
  return await withOpsdeckOnOwnPostgres("opsdeck-bench-status-", async (opsdeck, databaseUrl) => {
    const sql = createPool(databaseUrl, { max: 4 });
    const rows: Row[] = [{ name: "bare Hono GET /", label: "bare Hono GET /", ...baseline }];
    try {
      const { tenantId, clientId, checkIds } = await seed(sql);
      await seedResults(sql, tenantId, checkIds);

      // plain, and as a browser asks (gzip accepted: served pre-compressed from the cache)
      for (const [path, headers] of PATHS) {
        const gzip = headers["Accept-Encoding"] ? ", gzip" : "";
        const m = await measureChecked(`GET ${path}${gzip}`, `${opsdeck.url}${path}`, headers);
        rows.push({
          name: `GET ${path}${gzip}`,
          label: `GET ${path} (50 components${gzip})`,
          ...m,
          vsBaseline: m.requestsPerSecond / baseline.requestsPerSecond,
        });
      }

      // queries per cached view: an app in this process on a pool that counts every query it sends
      let queries = 0;
      const counting = postgres(databaseUrl, { max: 2, debug: () => queries++, onnotice: () => {} }) as unknown as Sql;
      const { app } = await buildTestApp(counting);
      await (await app.request("/status/bench")).arrayBuffer();
      const afterFirst = queries;
      for (let i = 0; i < 1000; i++) await (await app.request("/status/bench")).arrayBuffer();
      console.error(
        `bench: first (uncached) view ${afterFirst} queries; next 1,000 cached views ${queries - afterFirst} queries`,
      );
      await counting.end();

      // the SLA month of 50 checks (36,000 hourly results): read + compute + PDF + CSV
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const summary = await withTenant(
          sql,
          tenantId,
          (tx) => computeClientMonth(tx, tenantId, clientId, "2026-11", "Europe/Berlin"),
        );
        await slaPdf(summary, "Acme");
        slaCsv(summary);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      console.error(
        `bench: SLA report, 50 checks × 720 h: median ${times[2].toFixed(0)} ms, max ${times[4].toFixed(0)} ms`,
      );
      rows.push({
        name: "SLA report 50 checks month",
        label: `SLA report, 50 checks, 1 month (5 runs; queries/cached view: ${queries - afterFirst}/1000)`,
        requestsPerSecond: 1000 / times[2],
        p50Ms: times[2],
        p90Ms: times[4],
        p99Ms: times[4],
        maxMs: times[4],
        requests: 5,
        errors: 0,
        otherCores: 0,
      });
      return { title: "Status pages: public page of 50 components under load; SLA report of 50 checks", rows };
    } finally {
      await sql.end();
    }
  });
}

await runWhenMain(import.meta, statusPagesBench);
