/**
 * What a database outage looks like from outside (about 45 s; own PostgreSQL,
 * app and scheduler in-process, 127.0.0.1 only):
 *
 * 1. healthy: one API read (the baseline the rest is compared with);
 * 2. killed (SIGKILL to every PostgreSQL process): status and time of an API
 *    read, a page, /healthz and /readyz carrying a bearer token, then 12 more
 *    API reads one after another (the slowest);
 * 3. back: PostgreSQL restarted on the same port; time from "ready to accept
 *    connections" until the scheduler runs a due check again;
 * 4. frozen (SIGSTOP for 15 s): 200 concurrent API reads — their statuses,
 *    p50/max wait, and how many file descriptors the process gained.
 *
 * `deno run --allow-all bench/db_outage_bench.ts`
 */
import { createScheduler } from "../services/checks/scheduler.ts";
import { loadConfig } from "../services/platform/config.ts";
import { silentLogger } from "../services/platform/logger.ts";
import { genClient } from "../tests/helpers/fixtures.ts";
import { openFds, outageWorld, rawGet, timed } from "../tests/helpers/outage.ts";
import { genProject } from "../tests/helpers/catalog.ts";
import { withTenant } from "../db/tenant.ts";

const FREEZE_MS = 15_000;
const READERS = 200;

const w = await outageWorld({ logger: silentLogger });
const figures: Record<string, string | number> = {};
const get = (path: string, headers: Record<string, string>) =>
  timed(async () => {
    try {
      const res = await fetch(w.url + path, { headers, signal: AbortSignal.timeout(40_000) });
      await res.body?.cancel();
      return res.status;
    } catch (error) {
      return (error as Error).name;
    }
  });

try {
  const client = await genClient(w.pg.admin, w.tenantId);
  const project = await genProject(w.pg.admin, w.tenantId, client.id, { name: "Shop" });
  await withTenant(
    w.pg.admin,
    w.tenantId,
    (tx) =>
      tx`INSERT INTO health_checks (tenant_id, project_id, name, type, url, interval_seconds, timeout_ms, next_run_at)
       VALUES (${w.tenantId}, ${project.id}, 'every second', 'http', 'http://127.0.0.1:9/', 1, 1000, now())`,
  );
  const probeCalls: number[] = [];
  const scheduler = createScheduler({
    sql: w.sql,
    config: loadConfig({ OPSDECK_SECRET: "test-secret-test-secret-test-secret-0000" }),
    logger: silentLogger,
    now: () => new Date(),
    secret: "test-secret-test-secret-test-secret-0000",
    instanceId: "bench",
    probe: () => {
      probeCalls.push(performance.now());
      return Promise.resolve({ status: "up", latencyMs: 1, statusCode: 200, detail: null, certificate: null });
    },
  });
  scheduler.start();

  const api = { Accept: "application/json", ...w.alice.bearer };
  const page = { Accept: "text/html", Cookie: w.alice.cookie.Cookie };
  const healthy = await get("/api/v1/clients", api);
  figures["healthy API read"] = `${healthy.value} in ${healthy.ms} ms`;

  await w.pg.kill();
  for (
    const [label, path, headers] of [
      ["killed: API read", "/api/v1/clients", api],
      ["killed: page", "/clients", page],
      ["killed: /healthz with token", "/healthz", api],
      ["killed: /readyz with token", "/readyz", api],
    ] as const
  ) {
    const r = await get(path, headers);
    figures[label] = `${r.value} in ${r.ms} ms`;
  }
  // The pool's reconnect backoff grows with each failed connection: keep asking for a while.
  const again = [];
  for (let i = 0; i < 12; i++) again.push(await get("/api/v1/clients", api));
  figures["killed: 12 more API reads, slowest"] = `${again.map((r) => r.value).join(" ")}; ${
    Math.max(...again.map((r) => r.ms))
  } ms`;

  await new Promise((r) => setTimeout(r, 3_000));
  await w.pg.restart();
  const back = performance.now();
  const deadline = back + 30_000;
  while (!probeCalls.some((t) => t > back) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const resumed = probeCalls.find((t) => t > back);
  figures["scheduler resumes after the database is back"] = resumed ? `${Math.round(resumed - back)} ms` : "> 30 s";
  await scheduler.stop();

  // Warm the pool again, then freeze.
  await get("/api/v1/clients", api);
  const fdsBefore = openFds();
  w.pg.freeze();
  const thawTimer = setTimeout(() => w.pg.thaw(), FREEZE_MS);
  const readers = Array.from({ length: READERS }, () => timed(() => rawGet(w.url, "/api/v1/clients", api)));
  await new Promise((r) => setTimeout(r, 2_000));
  const fdsDuring = openFds();
  const results = await Promise.all(readers);
  clearTimeout(thawTimer);
  w.pg.thaw();
  const statuses = new Map<string, number>();
  for (const r of results) statuses.set(String(r.value), (statuses.get(String(r.value)) ?? 0) + 1);
  const waits = results.map((r) => r.ms).sort((a, b) => a - b);
  figures[`frozen ${FREEZE_MS / 1000} s: ${READERS} API reads`] = [...statuses].map(([s, n]) => `${n}× ${s}`).join(
    ", ",
  );
  figures["frozen: wait p50 / max"] = `${waits[Math.floor(waits.length / 2)]} / ${waits.at(-1)} ms`;
  figures["frozen: answered within 2 s (turned away at once)"] = waits.filter((ms) => ms < 2_000).length;
  figures["frozen: open fds before → 2 s in (one-shot connections)"] = `${fdsBefore} → ${fdsDuring}`;
} finally {
  await w.dispose();
}

const width = Math.max(...Object.keys(figures).map((k) => k.length));
console.log("database outage");
for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(width)}  ${v}`);
