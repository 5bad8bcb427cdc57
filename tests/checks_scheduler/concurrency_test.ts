import { assert, assertEquals } from "@std/assert";
import { claimDueProbes } from "../../db/queries/check_scheduler.ts";
import { LEASE_MS } from "../../services/workers/lease.ts";
import {
  checkRow,
  countingTarget,
  eventsOf,
  insertCheck,
  resultsOf,
  scheduler,
  schedulerWorld,
  scriptedProbe,
  T0,
} from "../helpers/checks_scheduler.ts";
import { type ProbeDefinition, type ProbeDeps, type ProbeOutcome, runProbe } from "../../services/checks/probe.ts";

Deno.test("two scheduler instances on one database: every check runs exactly once per interval", async () => {
  const w = await schedulerWorld();
  const target = countingTarget();
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) {
    ids.push(await insertCheck(w, { url: `${target.url}/c${i}`, interval_seconds: 10, timeout_ms: 2000 }));
  }
  // small batches so both instances get a share of each due wave
  const share = { a: 0, b: 0 };
  const counted = (name: "a" | "b") => (def: ProbeDefinition, deps: ProbeDeps) => {
    share[name]++;
    return runProbe(def, deps);
  };
  const a = scheduler(w, { batchSize: 4, probe: counted("a") }, "instance-a");
  const b = scheduler(w, { batchSize: 4, probe: counted("b") }, "instance-b");
  for (let second = 0; second < 60; second++) {
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    w.clock.advance(1_000);
  }
  let runs = 0;
  for (const [i, id] of ids.entries()) {
    const results = await resultsOf(w, id);
    const times = results.map((r) => r.checked_at.getTime());
    // first run at once, then one run per 10 s slot of the check's phase
    for (let k = 2; k < times.length; k++) assertEquals(times[k] - times[k - 1], 10_000, `check ${i}`);
    assert(times.length === 6 || times.length === 7, `check ${i} ran ${times.length} times`);
    assertEquals(target.hits.get(`/c${i}`)?.length, times.length, `target hits of check ${i}`);
    assert(results.every((r) => r.status === "up"));
    runs += times.length;
  }
  const by = await w.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM health_checks WHERE claimed_by IS NOT NULL`;
  assertEquals(by[0].n, 0);
  assert(runs >= 180);
  // both did real work, and together exactly what the target saw
  // Both took part; a pass that filled every slot goes on at once (services/checks/scheduler.ts), so one may take most.
  assert(share.a > 0 && share.b > 0, JSON.stringify(share));
  assertEquals(share.a + share.b, runs);
  await target.stop();
  await w.db.sql.end();
});

Deno.test("a check claimed by a process that died runs again once its lease expires", async () => {
  const w = await schedulerWorld();
  const p = scriptedProbe();
  const id = await insertCheck(w, { url: "http://127.0.0.1:9/crash", timeout_ms: 5_000 });
  // the dead process: claimed, never finished
  const [claimed] = await claimDueProbes(w.sql, { now: T0, instanceId: "dead", limit: 10, leaseMs: LEASE_MS });
  assertEquals(claimed.id, id);
  const survivor = scheduler(w, { probe: p.probe }, "survivor");
  w.clock.advance(LEASE_MS - 1);
  assertEquals((await survivor.tick()).claimed, 0);
  assertEquals((await checkRow(w, id)).claimed_by, "dead");
  // one lease, whatever the check's timeout: nobody renewed it
  w.clock.set(T0.getTime() + LEASE_MS + 1);
  assertEquals(await survivor.tick(), { claimed: 1, finished: 1 });
  const row = await checkRow(w, id);
  assertEquals([row.claimed_by, row.status], [null, "up"]);
  assertEquals((await resultsOf(w, id)).length, 1);
  await w.db.sql.end();
});

Deno.test("stop: probes that finish within the grace are recorded; the rest are aborted and handed back", async () => {
  const w = await schedulerWorld();
  const quick = await insertCheck(w, { url: "http://127.0.0.1:9/quick" });
  const slow = await insertCheck(w, { url: "http://127.0.0.1:9/slow", timeout_ms: 60_000 });
  const started: string[] = [];
  const probe = (def: ProbeDefinition, deps: ProbeDeps): Promise<ProbeOutcome> => {
    started.push(def.url!);
    const ms = def.url!.endsWith("quick") ? 20 : 60_000;
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => resolve({ status: "up", latencyMs: ms, statusCode: 200, detail: null, certificate: null }),
        ms,
      );
      deps.signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve({ status: "down", latencyMs: null, statusCode: null, detail: "aborted", certificate: null });
      });
    });
  };
  const s = scheduler(w, { probe, stopGraceMs: 300, flushMs: 10 });
  s.start();
  while (started.length < 2) await new Promise((r) => setTimeout(r, 10));
  const stopAt = Date.now();
  await s.stop();
  assert(Date.now() - stopAt < 2_000, "stop waited for the hanging probe");
  assertEquals((await resultsOf(w, quick)).map((r) => r.status), ["up"]);
  assertEquals(await resultsOf(w, slow), []);
  const row = await checkRow(w, slow);
  assertEquals([row.claimed_by, row.claimed_until, row.status], [null, null, "unknown"]);
  assertEquals(row.next_run_at.getTime(), T0.getTime());
  await w.db.sql.end();
});

Deno.test("a probe frees its slot when it ends: with one slot, all due checks run while their results wait to be written", async () => {
  const w = await schedulerWorld();
  const ids = await Promise.all([1, 2, 3].map((i) => insertCheck(w, { url: `http://127.0.0.1:9/c${i}` })));
  const scripted = scriptedProbe();
  // Writing results blocks on this lock until the test lets go of it.
  const blocker = await w.db.sql.reserve();
  await blocker`BEGIN`;
  await blocker`LOCK TABLE check_results_hourly IN ACCESS EXCLUSIVE MODE`;
  const s = scheduler(w, {
    probe: scripted.probe,
    config: { ...w.deps().config, probeConcurrency: 1 },
    pollMs: 5,
    flushMs: 1,
  });
  s.start();
  try {
    for (let i = 0; i < 400 && scripted.calls.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    assertEquals(scripted.calls.length, 3, "each finished probe handed its slot on before its result was written");
    assertEquals((await Promise.all(ids.map((id) => resultsOf(w, id)))).flat(), [], "nothing written yet");
  } finally {
    await blocker`ROLLBACK`;
    blocker.release();
  }
  for (let i = 0; i < 400; i++) {
    if ((await Promise.all(ids.map((id) => resultsOf(w, id)))).every((r) => r.length === 1)) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await s.stop();
  assertEquals((await Promise.all(ids.map((id) => resultsOf(w, id)))).map((r) => r.length), [1, 1, 1]);
  await w.db.sql.end();
});

Deno.test("a probe longer than a lease keeps its check: the heartbeat renews the claim, nobody else runs it", async () => {
  const w = await schedulerWorld();
  const id = await insertCheck(w, { url: "http://127.0.0.1:9/long", timeout_ms: 60_000 });
  let release = () => {};
  const finished = new Promise<void>((r) => release = r);
  const long = scheduler(w, {
    renewEveryMs: 20,
    probe: async () => {
      await finished;
      return { status: "up", latencyMs: 1, statusCode: 200, detail: null, certificate: null };
    },
  }, "long-runner");
  long.start();
  try {
    while ((await checkRow(w, id)).claimed_by !== "long-runner") await new Promise((r) => setTimeout(r, 10));
    const other = scheduler(w, { probe: scriptedProbe().probe }, "other");
    for (let step = 0; step < 4; step++) {
      // Half a lease later each time (two leases in all); a beat or more in between renews the claim.
      w.clock.advance(LEASE_MS / 2);
      const renewedTo = w.clock.now().getTime() + LEASE_MS;
      while ((await checkRow(w, id)).claimed_until!.getTime() < renewedTo) await new Promise((r) => setTimeout(r, 10));
      assertEquals((await other.tick()).claimed, 0, "still held by the long probe");
    }
    release();
    while ((await resultsOf(w, id)).length === 0) await new Promise((r) => setTimeout(r, 10));
    assertEquals((await checkRow(w, id)).claimed_by, null, "written and released by its runner");
  } finally {
    release();
    await long.stop();
    await w.db.sql.end();
  }
});

Deno.test("runs that finish while a write is held up go into one next write (group commit), not a queue of small ones", async () => {
  const w = await schedulerWorld();
  const ids = await Promise.all(
    Array.from({ length: 12 }, (_, i) => insertCheck(w, { url: `http://127.0.0.1:9/g${i}` })),
  );
  let finished = 0;
  // One probe ends at once (its write blocks on the lock below), the others one by one over ~110 ms.
  const probe = (def: ProbeDefinition): Promise<ProbeOutcome> => {
    const ms = Number(def.url!.slice(def.url!.lastIndexOf("g") + 1)) * 10;
    return new Promise((resolve) =>
      setTimeout(() => {
        finished++;
        resolve({ status: "up", latencyMs: ms, statusCode: 200, detail: null, certificate: null });
      }, ms)
    );
  };
  const blocker = await w.db.sql.reserve();
  await blocker`BEGIN`;
  await blocker`LOCK TABLE check_results_hourly IN ACCESS EXCLUSIVE MODE`;
  const s = scheduler(w, { probe, flushMs: 1 });
  s.start();
  try {
    for (let i = 0; i < 400 && finished < ids.length; i++) await new Promise((r) => setTimeout(r, 10));
    assertEquals(finished, ids.length);
    // past every flush timer of the last runs
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    await blocker`ROLLBACK`;
    blocker.release();
  }
  const written = () =>
    w.sql<{ n: number; writes: number }[]>`
    SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS writes FROM check_results
    WHERE check_id = ANY(${ids}::uuid[])`;
  for (let i = 0; i < 400 && (await written())[0].n < ids.length; i++) await new Promise((r) => setTimeout(r, 10));
  await s.stop();
  // the held-up write (the first run) and one write for the 11 that finished behind it
  assertEquals((await written())[0], { n: ids.length, writes: 2 });
  await w.db.sql.end();
});

Deno.test("a write that committed but whose answer was lost is retried without running the check again or repeating its events", async () => {
  // F1 (docs/scaling.md): the database killed at a commit. The write reached the disk, the scheduler saw an
  // error and kept the runs; by the time its retry came the check was due again and claimed afresh. The retry
  // took the fresh claim for its own, cleared it without moving next_run_at, and re-emitted the old events.
  const w = await schedulerWorld();
  const p = scriptedProbe();
  const url = "http://127.0.0.1:9/lost-ack";
  p.set(url, { status: "down", statusCode: 500 });
  const id = await insertCheck(w, { url, interval_seconds: 60 });
  let lost = false;
  const begin = w.sql.begin.bind(w.sql);
  const sql = new Proxy(w.sql, {
    get(target, key) {
      if (key !== "begin") return Reflect.get(target, key);
      return async (...args: Parameters<typeof begin>) => {
        const result = await begin(...args);
        if (!lost && (await w.sql`SELECT 1 FROM check_results WHERE check_id = ${id}`).length > 0) {
          lost = true;
          w.clock.advance(120_000); // the outage: the check is due again when the database answers
          throw new Error("connection terminated unexpectedly");
        }
        return result;
      };
    },
  });
  const s = scheduler(w, { sql, probe: p.probe, pollMs: 5, flushMs: 1 }, "replica-a");
  s.start();
  try {
    const settled = async () => (await resultsOf(w, id)).length === 2 && (await checkRow(w, id)).claimed_by === null;
    for (let i = 0; i < 500 && !await settled(); i++) await new Promise((r) => setTimeout(r, 10));
  } finally {
    await s.stop();
  }
  assert(lost, "the first write's answer was lost");
  const row = await checkRow(w, id);
  assertEquals(p.calls.length, 2, "the run before the outage and one catch-up run");
  assert(row.next_run_at > w.clock.now(), `next run ${row.next_run_at.toISOString()} is ahead`);
  assertEquals((await eventsOf(w, id)).map((e) => e.type), ["health_check.down"], "the down event once");
  await w.db.sql.end();
});
