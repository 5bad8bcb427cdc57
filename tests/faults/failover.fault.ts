/**
 * PostgreSQL failover: Opsdeck runs on a multi-host DATABASE_URL with
 * target_session_attrs=read-write over a primary and a streaming standby
 * (Debian's postgresql-15). The primary is killed (SIGKILL) and the standby
 * promoted, as a failover manager would; the same Opsdeck process, not
 * restarted, writes again through its API and probes again. Measured: primary
 * kill → first successful API write; checks probed again after.
 */
import { assert, assertEquals } from "@std/assert";
import { createPool } from "../../db/client.ts";
import { loadMigrations, migrate } from "../../db/migrate.ts";
import { withTenant } from "../../db/tenant.ts";
import { genClient, genTenant, genUser, signIn } from "../helpers/fixtures.ts";
import { genProject } from "../helpers/catalog.ts";
import { FAILOVER_AVAILABLE, startFailoverPair } from "../helpers/pg_failover.ts";
import { startReplica, startTargets, until } from "./_world.ts";

Deno.test({
  name: "failover: primary killed, standby promoted: the same process writes and probes again",
  ignore: !FAILOVER_AVAILABLE,
  async fn() {
    const pair = await startFailoverPair();
    const admin = createPool(pair.primaryUrl, { max: 2 });
    const targets = startTargets();
    let replica: Awaited<ReturnType<typeof startReplica>> | undefined;
    try {
      await migrate(admin, await loadMigrations());
      const tenant = await genTenant(admin);
      const client = await genClient(admin, tenant.id);
      const project = await genProject(admin, tenant.id, client.id, { name: "Failover" });
      const alice = await signIn(admin, await genUser(admin, tenant.id, { role: "admin" }));
      await withTenant(admin, tenant.id, (tx) =>
        tx`
        INSERT INTO health_checks (tenant_id, project_id, name, type, url, interval_seconds, next_run_at, timeout_ms)
        SELECT ${tenant.id}, ${project.id}, 'failover ' || n, 'http', ${targets.url} || '/ok?c=' || n, 2, now(), 2000
        FROM generate_series(1, 5) AS n`);
      // The standby has replayed everything written so far.
      assert(
        await until(
          async () =>
            (await admin<{ ok: boolean }[]>`
            SELECT coalesce(bool_and(replay_lsn >= pg_current_wal_lsn()), false) AS ok FROM pg_stat_replication`)[0].ok,
          15_000,
        ),
        "the standby caught up",
      );
      await admin.end();

      replica = await startReplica("a", pair.multiHostUrl);
      let n = 0;
      const write = async () => {
        try {
          const res = await fetch(`${replica!.url}/api/v1/notification-channels`, {
            method: "POST",
            headers: { ...alice.bearer, "content-type": "application/json" },
            body: JSON.stringify({
              name: `failover ${n++}`,
              type: "webhook",
              config: { url: `${targets.url}/hook` },
            }),
            signal: AbortSignal.timeout(10_000),
          });
          await res.body?.cancel();
          return res.status;
        } catch {
          return 0;
        }
      };
      assertEquals(await write(), 201);
      const probed = () => [...targets.hits.values()].reduce((a, b) => a + b, 0);
      // The first write can answer before the scheduler's first pass has probed anything.
      assert(await until(() => probed() > 0, 10_000), "probing before the failover");

      const killedAt = performance.now();
      pair.killPrimary();
      await pair.promoteStandby();
      const promotedMs = Math.round(performance.now() - killedAt);
      const statuses: number[] = [];
      assert(await until(async () => (statuses.push(await write()), statuses.at(-1) === 201), 30_000), "writes resume");
      const resumedMs = Math.round(performance.now() - killedAt);
      const hitsAt = new Map(targets.hits);
      assert(
        await until(() => [...targets.hits].every(([c, h]) => h > (hitsAt.get(c) ?? 0)), 15_000),
        "every check probed again",
      );
      const probedMs = Math.round(performance.now() - killedAt);
      console.log(
        `failover: standby promoted ${promotedMs} ms after the primary was killed; first successful API write ` +
          `${resumedMs} ms after the kill (answers meanwhile: ${[...new Set(statuses)].join(", ")}); ` +
          `every check probed again ${probedMs} ms after the kill; no restart`,
      );
    } finally {
      await replica?.kill("SIGKILL");
      await admin.end({ timeout: 1 }).catch(() => {});
      await targets.stop();
      await pair.dispose();
    }
  },
});
