/**
 * The projects list at 10,000 projects (200 clients, two environments each,
 * one tenant): the first page over the API and as HTML, the htmx rows
 * fragment, searches, filters, other sorts and a second page. Each row is
 * 150 sequential requests (after 15 discarded) timed by the client on
 * 127.0.0.1 against the real `main.ts serve`, so a figure is one request's
 * whole server time plus the loopback: p50/p95/p99, and p50 as a multiple of
 * GET /readyz (one query) measured the same way in the same run. Target: p95 < 100 ms.
 */
import { createPool } from "../db/client.ts";
import { expectOk, get, setUpAndLogIn } from "./lib/api.ts";
import { withOpsdeckOnOwnPostgres } from "./lib/servers.ts";
import { type BenchReport, type Row, versus } from "./lib/table.ts";
import { formatTimings, slowestP95, type Timed, timeRuns, type Timing } from "./lib/timing.ts";
import { runWhenMain } from "./lib/main.ts";

const PROJECTS = 10_000;
const CLIENTS = 200;
const REQUESTS = 150;
const WARMUP = 15;
const TARGET_P95_MS = 100;

interface Case {
  label: string;
  path: string;
  /** The HTML routes use the session cookie, htmx ones add HX-Request; the API uses the bearer token. */
  as: "api" | "page" | "htmx" | "none";
}

export default function projectsListBench(): Promise<BenchReport> {
  return withOpsdeckOnOwnPostgres("opsdeck-bench-projects-", async ({ url }, databaseUrl) => {
    const token = await setUpAndLogIn(url);
    const seeded = await seed(databaseUrl);
    const headers = {
      api: { Authorization: `Bearer ${token}` },
      page: { Cookie: `opsdeck_session=${token}`, Accept: "text/html" },
      htmx: { Cookie: `opsdeck_session=${token}`, Accept: "text/html", "HX-Request": "true" },
      none: {},
    };
    const firstPage = await (await fetch(`${url}/api/v1/projects`, { headers: headers.api })).json();
    const cases: Case[] = [
      { label: "GET /readyz (baseline)", path: "/readyz", as: "none" },
      { label: "API first page (50)", path: "/api/v1/projects", as: "api" },
      { label: "API second page (cursor)", path: `/api/v1/projects?cursor=${firstPage.next_cursor}`, as: "api" },
      { label: "API ?q=alpha (1,900 hits)", path: "/api/v1/projects?q=alpha", as: "api" },
      { label: "API ?q=kilo-web-42 (slug, 39 hits)", path: "/api/v1/projects?q=kilo-web-42", as: "api" },
      { label: "API ?q=nothing-matches", path: "/api/v1/projects?q=nothing-matches", as: "api" },
      { label: "API ?client_id=", path: `/api/v1/projects?client_id=${seeded.clientId}`, as: "api" },
      { label: "API ?tag=eu&sort=-updated_at", path: "/api/v1/projects?tag=eu&sort=-updated_at", as: "api" },
      { label: "API ?archived=true", path: "/api/v1/projects?archived=true", as: "api" },
      { label: "HTML /projects first page", path: "/projects", as: "page" },
      { label: "HTML /projects?q=alpha&tag=eu", path: "/projects?q=alpha&tag=eu", as: "page" },
      { label: "htmx rows ?q=bravo&sort=-created_at", path: "/projects?q=bravo&sort=-created_at", as: "htmx" },
    ];
    const results: Timed[] = [];
    for (const c of cases) {
      console.error(`bench: ${c.label}…`);
      results.push({ label: c.label, m: await time(`${url}${c.path}`, headers[c.as]) });
    }
    const base = results[0].m;
    return {
      title: [
        `Projects list: ${PROJECTS.toLocaleString("en")} projects, ${CLIENTS} clients, one tenant; ` +
        `${REQUESTS} sequential requests per row, client-timed on 127.0.0.1 (target p95 < ${TARGET_P95_MS} ms)`,
        formatTimings("route", results, { "p50 ×readyz": (m) => `${(m.p50Ms / base.p50Ms).toFixed(1)}×` }),
        slowestP95(results.slice(1), TARGET_P95_MS),
        `  (seeded in ${seeded.ms} ms; the rows below repeat the figures in the suite's format, req/s sequential)`,
      ].join("\n"),
      rows: versus(results.map(({ label, m }): Row => ({ name: `projects ${label}`, label, ...m })), base, "/readyz"),
    };
  });
}

/** One check that `url` answers 2xx, WARMUP discarded requests, then REQUESTS timed one after another. */
async function time(url: string, headers: Record<string, string>): Promise<Timing> {
  await expectOk(url, headers);
  return await timeRuns(() => get(url, headers), REQUESTS, { warmup: WARMUP });
}

/**
 * 200 clients and 10,000 projects in three INSERT … SELECT statements. Names
 * combine two NATO words and a number, so `alpha` matches 1,900 of them and
 * `kilo-web-42` (a slug) 39; tags and times vary; 3% are archived.
 */
async function seed(databaseUrl: string): Promise<{ clientId: string; ms: number }> {
  const started = performance.now();
  const sql = createPool(databaseUrl, { max: 1 });
  try {
    const [{ id: tenantId }] = await sql<{ id: string }[]>`SELECT id FROM tenants LIMIT 1`;
    await sql`
      INSERT INTO clients (tenant_id, name)
      SELECT ${tenantId}, 'Client ' || lpad(i::text, 3, '0') FROM generate_series(1, ${CLIENTS}) AS i`;
    await sql`
      WITH words AS (
        SELECT ARRAY['alpha','bravo','charlie','delta','echo','foxtrot','golf','hotel','india','juliet'] AS w,
               ARRAY['eu','us','shop','intranet','api','mobile','legacy'] AS t,
               array_agg(id ORDER BY name) AS c
        FROM clients WHERE tenant_id = ${tenantId}
      )
      INSERT INTO projects (tenant_id, client_id, name, slug, description, repository_url, tags, created_at, updated_at, archived_at)
      SELECT ${tenantId}, c[1 + i % ${CLIENTS}],
             initcap(w[1 + i % 10]) || ' ' || w[1 + (i / 10) % 10] || ' ' || i,
             w[1 + i % 10] || '-' || CASE WHEN i % 3 = 0 THEN 'kilo-web' ELSE 'site' END || '-' || i,
             'Project number ' || i,
             'https://git.example.com/p' || i,
             ARRAY[t[1 + i % 7], t[1 + (i / 7) % 7]],
             now() - i * interval '7 minutes',
             now() - (i * 7919 % ${PROJECTS}) * interval '1 minute',
             CASE WHEN i % 33 = 0 THEN now() END
      FROM words, generate_series(1, ${PROJECTS}) AS i`;
    await sql`
      INSERT INTO project_environments (tenant_id, project_id, name, url, position)
      SELECT p.tenant_id, p.id, e.name, 'https://' || e.name || '.' || p.slug || '.example.com', e.position
      FROM projects p, (VALUES ('production', 0), ('staging', 1)) AS e(name, position)
      WHERE p.tenant_id = ${tenantId}`;
    await sql`ANALYZE clients, projects, project_environments`;
    const [{ id }] = await sql<
      { id: string }[]
    >`SELECT id FROM clients WHERE tenant_id = ${tenantId} ORDER BY name LIMIT 1`;
    return { clientId: id, ms: Math.round(performance.now() - started) };
  } finally {
    await sql.end();
  }
}

await runWhenMain(import.meta, projectsListBench);
