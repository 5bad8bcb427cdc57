/**
 * The projects list at 10,000 projects (200 clients, two environments each,
 * one tenant): the first page over the API and as HTML, the htmx rows
 * fragment, searches, filters, other sorts and a second page. Each row is
 * 150 sequential requests (after 15 discarded) timed by the client on
 * 127.0.0.1 against the real `main.ts serve`, so a figure is one request's
 * whole server time plus the loopback: p50/p95/p99, and p50 as a multiple of
 * GET /healthz measured the same way in the same run. Target: p95 < 100 ms.
 */
import { fileURLToPath } from "node:url";
import { createPool } from "../db/client.ts";
import { freePort, startEmbeddedPostgres } from "../db/embedded.ts";
import { watchOtherCpu } from "./lib/cpu.ts";
import type { BenchReport, Row } from "./lib/table.ts";

const PROJECTS = 10_000;
const CLIENTS = 200;
const REQUESTS = 150;
const WARMUP = 15;
const TARGET_P95_MS = 100;
const EMAIL = "bench-admin@example.com";
const PASSWORD = "bench-violet-anchor-drifts-42-quietly";
const ROOT = fileURLToPath(new URL("../", import.meta.url));

interface Case {
  label: string;
  path: string;
  /** The HTML routes use the session cookie, htmx ones add HX-Request; the API uses the bearer token. */
  as: "api" | "page" | "htmx" | "none";
}

export default async function projectsListBench(): Promise<BenchReport> {
  const dir = await Deno.makeTempDir({ prefix: "opsdeck-bench-projects-" });
  // As root, the embedded PostgreSQL runs as `postgres`, which must reach its directory inside.
  await Deno.chmod(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dir: `${dir}/postgres` });
  let server: Deno.ChildProcess | undefined;
  try {
    const port = freePort();
    server = startServer(pg.url, port);
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, server);
    const token = await bootstrap(url);
    const seeded = await seed(pg.url);
    const headers = {
      api: { Authorization: `Bearer ${token}` },
      page: { Cookie: `opsdeck_session=${token}`, Accept: "text/html" },
      htmx: { Cookie: `opsdeck_session=${token}`, Accept: "text/html", "HX-Request": "true" },
      none: {},
    };
    const firstPage = await (await fetch(`${url}/api/v1/projects`, { headers: headers.api })).json();
    const cases: Case[] = [
      { label: "GET /healthz (baseline)", path: "/healthz", as: "none" },
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
    const results: { c: Case; m: Timing }[] = [];
    for (const c of cases) {
      console.error(`bench: ${c.label}…`);
      results.push({ c, m: await time(`${url}${c.path}`, headers[c.as]) });
    }
    const base = results[0].m;
    const worst = results.slice(1).reduce((a, b) => (b.m.p95Ms > a.m.p95Ms ? b : a));
    const table = formatTimings(results, base);
    return {
      title: [
        `Projects list: ${PROJECTS.toLocaleString("en")} projects, ${CLIENTS} clients, one tenant; ` +
        `${REQUESTS} sequential requests per row, client-timed on 127.0.0.1 (target p95 < ${TARGET_P95_MS} ms)`,
        table,
        `  slowest p95: ${worst.c.label} ${worst.m.p95Ms.toFixed(1)} ms — ` +
        (worst.m.p95Ms < TARGET_P95_MS ? "every row within the target" : "OVER the target"),
        `  (seeded in ${seeded.ms} ms; the rows below repeat the figures in the suite's format, req/s sequential)`,
      ].join("\n"),
      rows: results.map(({ c, m }): Row => ({ name: `projects ${c.label}`, label: c.label, ...m })),
    };
  } finally {
    if (server) await stop(server);
    await pg.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

interface Timing {
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  errors: number;
  otherCores: number;
}

/** WARMUP discarded requests, then REQUESTS timed one after another. */
async function time(url: string, headers: Record<string, string>): Promise<Timing> {
  const once = async () => {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    return { ms: performance.now() - t0, ok: res.ok };
  };
  const first = await fetch(url, { headers });
  if (!first.ok) throw new Error(`${url} answered ${first.status}: ${await first.text()}`);
  await first.body?.cancel();
  for (let i = 0; i < WARMUP; i++) await once();
  const otherCores = watchOtherCpu();
  const started = performance.now();
  const latencies: number[] = [];
  let errors = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const r = await once();
    latencies.push(r.ms);
    if (!r.ok) errors++;
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.max(0, Math.ceil((p / 100) * latencies.length) - 1)];
  return {
    requestsPerSecond: REQUESTS / seconds,
    p50Ms: pct(50),
    p90Ms: pct(90),
    p95Ms: pct(95),
    p99Ms: pct(99),
    maxMs: latencies[latencies.length - 1],
    requests: REQUESTS,
    errors,
    otherCores: otherCores(),
  };
}

function formatTimings(results: { c: Case; m: Timing }[], base: Timing): string {
  const width = Math.max(...results.map((r) => r.c.label.length)) + 2;
  const line = (cells: string[]) => "  " + cells[0].padEnd(width) + cells.slice(1).map((c) => c.padStart(10)).join("");
  return [
    line(["route", "p50 ms", "p95 ms", "p99 ms", "p50 ×hz"]),
    ...results.map(({ m, c }) =>
      line([
        c.label,
        m.p50Ms.toFixed(2),
        m.p95Ms.toFixed(2),
        m.p99Ms.toFixed(2),
        `${(m.p50Ms / base.p50Ms).toFixed(1)}×`,
      ]) +
      (m.errors ? `   ⚠ ${m.errors} errors` : "") +
      (m.otherCores > 0.1 ? `   ⚠ other processes used ${m.otherCores.toFixed(2)} cores: noisy` : "")
    ),
  ].join("\n");
}

/** The real server on the bench's own PostgreSQL (it migrates on start). */
function startServer(databaseUrl: string, port: number): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "main.ts", "serve"],
    cwd: ROOT,
    env: {
      DATABASE_URL: databaseUrl,
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "warn",
      OPSDECK_SECRET: "bench-secret-bench-secret-bench-secret-00",
    },
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
}

async function waitReady(url: string, child: Deno.ChildProcess): Promise<void> {
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + 60_000;
  while (!exited && Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/readyz`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Opsdeck on ${url} did not become ready`);
}

async function stop(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    // Already gone.
  }
  await child.status;
}

/** First-run set-up through the page, then a login: the session token serves as bearer token and cookie. */
async function bootstrap(url: string): Promise<string> {
  const setup = await fetch(`${url}/setup`, {
    method: "POST",
    body: new URLSearchParams({ organization: "Bench Agency", name: "Bench Admin", email: EMAIL, password: PASSWORD }),
    redirect: "manual",
  });
  await setup.body?.cancel();
  if (setup.status !== 303) throw new Error(`set-up answered ${setup.status}`);
  const login = await fetch(`${url}/api/v1/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  if (login.status !== 201) throw new Error(`login answered ${login.status}`);
  return (await login.json()).token;
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

if (import.meta.main) {
  const report = await projectsListBench();
  console.log(report.title);
}
