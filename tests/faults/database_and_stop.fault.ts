/**
 * F1: PostgreSQL killed for 20 s under two replicas: the API answers 503
 * meanwhile, then 200 again, and every check runs again after the restart,
 * none twice in one interval. F11: SIGTERM mid-work: the stopping replica
 * hands its claims back (none left `sending` or leased to it), and the other
 * replica runs them at once, not a lease later.
 */
import { assert, assertEquals } from "@std/assert";
import {
  doubledRuns,
  faultWorld,
  insertChecks,
  resultTimes,
  sleep,
  startReceiver,
  startReplica,
  startTargets,
  until,
  webhookChannel,
} from "./_world.ts";

const INTERVAL_S = 4;

Deno.test("F1: database killed for 20 s: 503 meanwhile, then writes and probes resume on their own", async () => {
  const w = await faultWorld();
  const targets = startTargets(1_000);
  const replicas = await Promise.all(["a", "b"].map((n) => startReplica(n, w.pg.url)));
  const api = (r = replicas[0]) =>
    fetch(`${r.url}/api/v1/health-checks`, { headers: w.alice.bearer }).then(async (res) => {
      await res.body?.cancel();
      return res;
    });
  try {
    const ids = await insertChecks(w, { count: 10, url: `${targets.url}/slow`, intervalSeconds: INTERVAL_S });
    assert(await until(async () => (await resultTimes(w)).size === ids.length, 30_000), "every check ran");
    assertEquals((await api()).status, 200);

    await w.pg.kill();
    const down = await api();
    assertEquals(down.status, 503);
    assert(down.headers.get("retry-after"), "503 says when to try again");
    await sleep(20_000);
    const restartedAt = Date.now();
    await w.pg.restart();

    assert(await until(async () => (await api()).status === 200, 30_000), "the API answers again");
    const apiBackMs = Date.now() - restartedAt;
    // Every check runs again after the restart.
    const again = async () => {
      const times = await resultTimes(w);
      return ids.map((id) => (times.get(id) ?? []).find((t) => t > restartedAt));
    };
    assert(await until(async () => (await again()).every((t) => t !== undefined), 30_000), "every check ran again");
    const resumed = (await again()).map((t) => t! - restartedAt);
    await sleep(INTERVAL_S * 1000);
    const doubled = [...await resultTimes(w)].filter(([id, t]) => doubledRuns(id, t, INTERVAL_S * 1000) > 0)
      .map(([, t]) => t.map((x) => x - restartedAt));
    console.log(
      `F1: API 200 again ${apiBackMs} ms after the restart; every check probed again within ` +
        `${Math.max(...resumed)} ms (first ${Math.min(...resumed)} ms)`,
    );
    assertEquals(doubled, [], "no check ran twice in one interval (runs in ms from the restart)");
  } finally {
    await Promise.all(replicas.map((r) => r.kill("SIGKILL")));
    await targets.stop();
    await w.dispose();
  }
});

Deno.test("F11: SIGTERM mid-work: claims are handed back and the other replica takes them at once", async () => {
  const w = await faultWorld();
  const targets = startTargets(6_000);
  const receiver = startReceiver(() => ({ status: 200, delayMs: 1_500 }));
  // Few probe slots each, so both replicas hold some of the slow checks.
  const replicas = await Promise.all(
    ["a", "b"].map((n) => startReplica(n, w.pg.url, { OPSDECK_PROBE_CONCURRENCY: "6" })),
  );
  try {
    await webhookChannel(w, replicas[0], receiver.url, ["health_check.down"]);
    // Slow probes (6 s, longer than the 2 s stop grace) and deliveries to a slow receiver.
    const slow = await insertChecks(w, {
      count: 10,
      url: `${targets.url}/slow`,
      intervalSeconds: 3600,
      timeoutMs: 10_000,
    });
    await insertChecks(w, { count: 20, url: `${targets.url}/down`, intervalSeconds: 3600 });
    const stopping = replicas[1];
    const heldChecks = async () =>
      (await w.pg.admin<{ id: string }[]>`
        SELECT id FROM health_checks WHERE claimed_by LIKE ${`%:${stopping.pid}:%`} AND claimed_until > now()`)
        .map((r) => r.id).filter((id) => slow.includes(id));
    let held: string[] = [];
    assert(await until(async () => (held = await heldChecks()).length > 0, 30_000), "it was probing");
    const termAt = Date.now();
    const status = await stopping.kill("SIGTERM");
    const stoppedMs = Date.now() - termAt;
    assertEquals(status.code, 0, "a clean exit");

    const left = await w.pg.admin<{ n: number }[]>`
      SELECT (SELECT count(*) FROM health_checks WHERE claimed_by LIKE ${`%:${stopping.pid}:%`})::int
        + (SELECT count(*) FROM notification_deliveries WHERE locked_by LIKE ${`%:${stopping.pid}:%`})::int AS n`;
    assertEquals(left[0].n, 0, "nothing left leased to the stopped replica");
    // Its aborted probes are run by the other replica now, not a lease later.
    const startedAgain = async () => {
      const rows = await w.pg.admin<{ id: string }[]>`
        SELECT id FROM health_checks WHERE id = ANY (${held}::uuid[])
          AND (claimed_by LIKE ${`%:${replicas[0].pid}:%`} OR last_checked_at > to_timestamp(${termAt / 1000}))`;
      return rows.length === held.length;
    };
    assert(await until(startedAgain, 5_000), "the other replica took its checks");
    const takenMs = Date.now() - termAt;
    assert(await until(() => receiver.perId().size === 20, 30_000), "every delivery arrived");
    console.log(
      `F11: SIGTERM with ${held.length} slow probes in flight: exited in ${stoppedMs} ms, its checks taken by the ` +
        `other replica ${takenMs} ms after the signal; 20 of 20 deliveries arrived ` +
        `(${receiver.received.length - receiver.perId().size} twice)`,
    );
    assertEquals(receiver.received.length, receiver.perId().size, "a clean stop sends nothing twice");
  } finally {
    await Promise.all(replicas.map((r) => r.kill("SIGKILL")));
    await receiver.stop();
    await targets.stop();
    await w.dispose();
  }
});
