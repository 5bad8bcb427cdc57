/**
 * The status board at 2,000 checks (one tenant, 20 projects, a result an hour
 * per check over the last day, written as the scheduler writes them): the
 * board page, its htmx poll (nothing new, and 20 of the page's checks written
 * before each poll, outside its timing), the gzip-compressed page and the
 * tenth page (keyset), timed by the client one after another against the real
 * `main.ts serve`, with GET /readyz timed the same way as the baseline.
 * Targets: page p95 < 200 ms, poll < 50 ms.
 */
import { createPool } from "../db/client.ts";
import { insertCheckResults } from "../db/queries/check_results.ts";
import { get, postJson, setUpAndLogIn } from "./lib/api.ts";
import { runWhenMain } from "./lib/main.ts";
import { withOpsdeckOnOwnPostgres } from "./lib/servers.ts";
import { type BenchReport, type Row, versus } from "./lib/table.ts";
import { formatTimings, type Timed, timeRuns } from "./lib/timing.ts";

const CHECKS = 2_000;
const PROJECTS = 20;
const RUNS = 15;
const WARMUP = 2;

export default function boardBench(): Promise<BenchReport> {
  return withOpsdeckOnOwnPostgres("opsdeck-bench-board-", async ({ url }, databaseUrl) => {
    const token = await setUpAndLogIn(url);
    const client = await postJson(url, "/api/v1/clients", token, { name: "Bench client" });
    const projectIds: string[] = [];
    for (let i = 0; i < PROJECTS; i++) {
      const project = await postJson(url, "/api/v1/projects", token, {
        client_id: client.id,
        name: `Board ${i}`,
        slug: `board-${i}`,
        environments: [{ name: "production" }],
      });
      projectIds.push(project.id);
    }
    const sql = createPool(databaseUrl, { max: 2 });
    try {
      console.error(`bench: seeding ${CHECKS} checks and a day of hourly results…`);
      const [{ tenant_id: tenantId }] = await sql<{ tenant_id: string }[]>`SELECT tenant_id FROM projects LIMIT 1`;
      const checks = await sql<{ id: string }[]>`
        INSERT INTO health_checks (tenant_id, project_id, name, type, url, interval_seconds, next_run_at, status)
        SELECT ${tenantId}, (${projectIds}::uuid[])[1 + i % ${PROJECTS}], 'check ' || i, 'http',
               'https://example.com/' || i, 3600, now() + interval '1 day', CASE WHEN i % 25 = 0 THEN 'down' ELSE 'up' END
        FROM generate_series(1, ${CHECKS}) AS i RETURNING id`;
      const now = Date.now();
      for (let h = 1; h <= 24; h++) {
        await insertCheckResults(
          sql,
          checks.map((c, i) => ({
            tenantId,
            checkId: c.id,
            status: (i + h) % 40 === 0 ? "down" as const : "up" as const,
            latencyMs: 50 + (i % 200),
            statusCode: 200,
            detail: null,
            checkedAt: new Date(now - h * 3_600_000 + 1000),
          })),
        );
      }
      await sql`ANALYZE`;
      const cookie = { Cookie: `opsdeck_session=${token}`, Accept: "text/html" };
      const htmx = { ...cookie, "HX-Request": "true" };
      const firstPage = await (await fetch(`${url}/checks`, { headers: htmx })).text();
      let tenth = "/checks";
      for (let i = 1; i < 10; i++) {
        const body = await (await fetch(`${url}${tenth}`, { headers: htmx })).text();
        tenth = body.match(/<a href="([^"]+)" rel="next">/)![1].replaceAll("&amp;", "&");
      }
      const versionIn = (body: string) => body.match(/name="v" value="([^"]+)"/)![1];
      const onPage = [...firstPage.matchAll(/id="check-([0-9a-f-]{36})" data-status/g)].map((m) => m[1]);
      let version = versionIn(firstPage);
      // Each poll hands on the version it got, as the browser's does.
      const poll = async () => {
        const res = await fetch(`${url}/checks?v=${encodeURIComponent(version)}`, { headers: htmx });
        const body = await res.text();
        version = versionIn(body);
        return res.ok && !res.headers.has("HX-Retarget");
      };
      let round = 0;
      const writeTwenty = async () => {
        const ids = onPage.slice((round * 20) % 180, (round * 20) % 180 + 20);
        round++;
        await sql`UPDATE health_checks SET last_checked_at = now() WHERE id = ANY(${ids}::uuid[])`;
      };
      const cases: { label: string; run: () => Promise<boolean>; before?: () => Promise<void> }[] = [
        { label: "GET /readyz (baseline)", run: () => get(`${url}/readyz`) },
        { label: "board page (first 200 checks)", run: () => get(`${url}/checks`, cookie) },
        { label: "board poll, nothing new", run: poll },
        { label: "board poll, 20 rows new", run: poll, before: writeTwenty },
        { label: "board poll, whole board (htmx)", run: () => get(`${url}/checks`, htmx) },
        { label: "board page, gzip", run: () => get(`${url}/checks`, { ...cookie, "Accept-Encoding": "gzip" }) },
        { label: "board page 10 (keyset)", run: () => get(`${url}${tenth}`, cookie) },
      ];
      const results: Timed[] = [];
      for (const c of cases) {
        console.error(`bench: ${c.label}…`);
        results.push({ label: c.label, m: await timeRuns(c.run, RUNS, { warmup: WARMUP, before: c.before }) });
      }
      await writeTwenty();
      const pollBytes = (await (await fetch(`${url}/checks?v=${encodeURIComponent(version)}`, { headers: htmx }))
        .arrayBuffer()).byteLength;
      const plainBytes = (await (await fetch(`${url}/checks`, { headers: cookie })).arrayBuffer()).byteLength;
      return {
        title: [
          `Status board: ${CHECKS.toLocaleString("en")} checks in ${PROJECTS} projects, a result an hour for a day; ` +
          `${RUNS} sequential requests per row (targets: page p95 < 200 ms, poll p95 < 50 ms)`,
          formatTimings("row", results),
          `  first page: ${plainBytes.toLocaleString("en")} B of HTML before compression; ` +
          `a poll with 20 rows new: ${pollBytes.toLocaleString("en")} B`,
        ].join("\n"),
        rows: versus(
          results.map(({ label, m }): Row => ({ name: `board ${label}`, label, ...m })),
          results[0].m,
          "/readyz, sequential",
        ),
      };
    } finally {
      await sql.end();
    }
  });
}

await runWhenMain(import.meta, boardBench);
