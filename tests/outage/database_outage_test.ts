/**
 * The app while its PostgreSQL is full, read-only, slow, frozen, killed and
 * back. The test runs its own cluster on 127.0.0.1 (tests/helpers/
 * killable_postgres.ts) and signals it: SIGSTOP/SIGCONT to freeze, SIGKILL to
 * kill. Every wait is bounded; the whole file takes about 40 s.
 *
 * Disk full: PostgreSQL reports a full disk as SQLSTATE 53100 ("could not
 * extend file …: No space left on device"). Filling a real disk needs root (a
 * tmpfs tablespace) and CI runs as a normal user, so a trigger raises that
 * error class with that message on INSERT — what reaches postgres.js and our
 * error mapping is the same ErrorResponse. Read-only is real:
 * default_transaction_read_only switched on for the whole server.
 *
 * How fast each case answers is measured by bench/db_outage_bench.ts; the
 * bounds here (a few seconds) only keep the test from hanging.
 */
import { assert, assertEquals } from "@std/assert";
import { loadConfig } from "../../services/platform/config.ts";
import { createScheduler } from "../../services/checks/scheduler.ts";
import { silentLogger } from "../../services/platform/logger.ts";
import { withTenant } from "../../db/tenant.ts";
import { genProject } from "../helpers/catalog.ts";
import { genClient } from "../helpers/fixtures.ts";
import { outageWorld, rawGet } from "../helpers/outage.ts";

const SECRET = "test-secret-test-secret-test-secret-0000";
const config = loadConfig({
  OPSDECK_SECRET: SECRET,
  OPSDECK_REQUEST_TIMEOUT_MS: "1500",
  OPSDECK_STATEMENT_TIMEOUT_MS: "500",
  OPSDECK_DB_QUEUE_MAX: "5",
});

async function until(what: string, ok: () => Promise<boolean>, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!await ok()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("database outages answer 503 with Retry-After, and work resumes when PostgreSQL is back", async (t) => {
  const w = await outageWorld({ config, poolMax: 2 });
  const api = { Accept: "application/json", ...w.alice.bearer };
  const json = { ...api, "Content-Type": "application/json" };
  const page = { Accept: "text/html", Cookie: w.alice.cookie.Cookie };
  const get = (path: string, headers: Record<string, string> = api) =>
    fetch(w.url + path, { headers, signal: AbortSignal.timeout(10_000) });
  const createClient = (name: string) =>
    fetch(w.url + "/api/v1/clients", { method: "POST", headers: json, body: JSON.stringify({ name }) });
  const readyz = async () => await (await get("/readyz")).json();

  try {
    await t.step("health probes carrying a bad token get their answer, not a 401", async () => {
      const bad = { Authorization: "Bearer not-a-real-token-not-a-real-token" };
      const live = await get("/healthz", bad);
      assertEquals(live.status, 200);
      assertEquals(await live.json(), { status: "ok" });
      const ready = await get("/readyz", bad);
      assertEquals(ready.status, 200);
      assertEquals((await ready.json()).writes, "ok");
    });

    await t.step("disk full: writes answer 503 naming the cause, reads work, /readyz says it", async () => {
      await w.pg.admin.unsafe(`
        CREATE FUNCTION pretend_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'could not extend file "base/16384/16385": No space left on device'
            USING ERRCODE = 'disk_full', HINT = 'Check free disk space.';
        END $$;
        CREATE TRIGGER pretend_disk_full BEFORE INSERT ON clients FOR EACH ROW EXECUTE FUNCTION pretend_disk_full();`);
      const res = await createClient("Initech");
      assertEquals(res.status, 503);
      assertEquals(res.headers.get("content-type"), "application/problem+json");
      assertEquals(res.headers.get("retry-after"), "60");
      const problem = await res.json();
      assertEquals(problem.status, 503);
      assert(problem.detail.includes("out of disk space"), problem.detail);
      assertEquals((await get("/api/v1/clients")).status, 200);
      const ready = await readyz();
      assertEquals([ready.ready, ready.writes], [true, "disk_full"]);
      await w.pg.admin.unsafe("DROP TRIGGER pretend_disk_full ON clients; DROP FUNCTION pretend_disk_full()");
      assertEquals((await createClient("Initech")).status, 201);
    });

    await t.step("read-only server: writes answer 503, reads work, /readyz says it", async () => {
      await w.pg.admin.unsafe("ALTER SYSTEM SET default_transaction_read_only = on");
      await w.pg.admin`SELECT pg_reload_conf()`;
      try {
        await until("the pool sees read-only", async () => (await readyz()).writes === "read_only");
        const res = await createClient("Globex");
        assertEquals(res.status, 503);
        assert((await res.json()).detail.includes("read-only"));
        assertEquals((await get("/api/v1/clients")).status, 200);
        assertEquals((await readyz()).ready, true);
      } finally {
        await w.pg.admin.unsafe("ALTER SYSTEM RESET default_transaction_read_only");
        await w.pg.admin`SELECT pg_reload_conf()`;
      }
      await until("writable again", async () => (await readyz()).writes === "ok");
    });

    await t.step("a statement stuck behind a lock ends at the statement timeout with 503", async () => {
      const locker = await w.pg.admin.reserve();
      try {
        await locker`BEGIN`;
        await locker`LOCK TABLE clients IN ACCESS EXCLUSIVE MODE`;
        const res = await get("/api/v1/clients");
        assertEquals(res.status, 503);
        assert((await res.json()).detail.includes("did not answer in time"));
      } finally {
        await locker`ROLLBACK`;
        locker.release();
      }
    });

    await t.step("frozen: requests end in 503 at the deadline or at once beyond the queue", async () => {
      assertEquals((await get("/api/v1/clients")).status, 200);
      w.pg.freeze();
      try {
        // 2 connections → 4 running, 5 waiting, the other 11 turned away at once.
        const statuses = await Promise.all(
          Array.from({ length: 20 }, () => rawGet(w.url, "/api/v1/clients", api, 5_000)),
        );
        assertEquals(statuses, Array(20).fill(503));
        const live = await get("/healthz", api);
        assertEquals(live.status, 200);
        await live.body?.cancel();
      } finally {
        w.pg.thaw();
      }
      await until("answers again after SIGCONT", async () => (await get("/api/v1/clients")).status === 200);
    });

    await t.step("killed: API 503 problem+json with Retry-After, pages a 503 page, probes never 500", async () => {
      await w.pg.kill();
      for (let i = 0; i < 8; i++) {
        const res = await get("/api/v1/clients");
        assertEquals(res.status, 503);
        assertEquals(res.headers.get("content-type"), "application/problem+json");
        assertEquals(res.headers.get("retry-after"), "5");
        assert((await res.json()).detail.includes("not reachable"));
      }
      const html = await get("/clients", page);
      assertEquals(html.status, 503);
      assert(html.headers.get("content-type")!.startsWith("text/html"));
      assert((await html.text()).includes("Service unavailable"));
      const live = await get("/healthz", api);
      assertEquals(live.status, 200);
      await live.body?.cancel();
      const ready = await get("/readyz", page);
      assertEquals(ready.status, 503);
      assertEquals((await ready.json()).database, "down");
    });

    await t.step("back: the scheduler claims due checks again soon after PostgreSQL answers", async () => {
      await w.pg.restart();
      await until("the app answers", async () => (await get("/api/v1/clients")).status === 200);
      const client = await genClient(w.pg.admin, w.tenantId);
      const project = await genProject(w.pg.admin, w.tenantId, client.id, { name: "Shop" });
      await withTenant(
        w.pg.admin,
        w.tenantId,
        (tx) =>
          tx`INSERT INTO health_checks (tenant_id, project_id, name, type, url, interval_seconds, timeout_ms, next_run_at)
           VALUES (${w.tenantId}, ${project.id}, 'every second', 'http', 'http://127.0.0.1:9/', 1, 1000, now())`,
      );
      let probes = 0;
      const scheduler = createScheduler({
        sql: w.sql,
        config,
        logger: silentLogger,
        now: () => new Date(),
        secret: SECRET,
        instanceId: "outage-test",
        probe: () => {
          probes++;
          return Promise.resolve({ status: "up", latencyMs: 1, statusCode: 200, detail: null, certificate: null });
        },
      });
      scheduler.start();
      try {
        await until("a first probe", () => Promise.resolve(probes > 0));
        await w.pg.kill();
        // Let the scheduler fail a few times, so the pool's reconnect backoff has grown.
        await new Promise((r) => setTimeout(r, 2_500));
        await w.pg.restart();
        const before = probes;
        // postgres.js's own backoff would keep the pool away for 8–12 s here.
        await until("a probe after the restart", () => Promise.resolve(probes > before), 3_000);
      } finally {
        await scheduler.stop();
      }
    });
  } finally {
    await w.dispose();
  }
});
