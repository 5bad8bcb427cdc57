/**
 * Group-committed pings: many at once are all recorded, in order per check,
 * each answered only once its transaction has committed; a bad ping fails
 * alone.
 */
import { assert, assertEquals, assertRejects } from "@std/assert";
import { generatePingToken, receivePing, recordPings } from "../../services/checks/heartbeats.ts";
import { MAX_WAITING } from "../../services/checks/heartbeat_batcher.ts";
import {
  checkRow,
  insertCheck,
  resultsOf,
  type SchedulerWorld,
  schedulerWorld,
  T0,
} from "../helpers/checks_scheduler.ts";
import { createPool } from "../../db/client.ts";

async function heartbeat(w: SchedulerWorld) {
  const { token, hash } = await generatePingToken();
  const id = await insertCheck(w, { type: "heartbeat", ping_token_hash: hash, interval_seconds: 60 });
  return { id, token };
}

const at = (ms: number) => new Date(T0.getTime() + ms);

Deno.test("400 concurrent pings on 8 checks: each answered only after its commit, none lost", async () => {
  const w = await schedulerWorld();
  const checks = await Promise.all(Array.from({ length: 8 }, () => heartbeat(w)));
  // Another connection, as any other process: what it reads has been committed.
  const observer = createPool(w.db.url, { max: 1 });
  try {
    const seenAtAnswer: boolean[] = [];
    await Promise.all(Array.from({ length: 400 }, async (_, i) => {
      const check = checks[i % checks.length];
      const body = `run ${i}`;
      const answer = await receivePing(w.sql, { token: check.token, kind: "success", now: at(i), body });
      assertEquals(answer, { found: true });
      const [row] = await observer`SELECT count(*)::int AS n FROM check_results WHERE detail = ${body}`;
      seenAtAnswer.push(row.n === 1);
    }));
    assertEquals(seenAtAnswer.length, 400);
    assert(seenAtAnswer.every(Boolean), "every acknowledged ping was already committed when it was answered");
    for (const [k, check] of checks.entries()) {
      const results = await resultsOf(w, check.id);
      assertEquals(results.length, 50);
      const row = await checkRow(w, check.id);
      // the last ping of the check (i = 392 + k) set its deadline: ping time + 60 s
      assertEquals(row.last_ping_at?.getTime(), at(392 + k).getTime());
      assertEquals(row.next_run_at.getTime(), at(392 + k).getTime() + 60_000);
    }
  } finally {
    await observer.end();
    await w.db.sql.end();
  }
});

Deno.test("a batch applies several pings of one check in order: /start then success measures the run", async () => {
  const w = await schedulerWorld();
  const hb = await heartbeat(w);
  const answers = await recordPings(w.sql, [
    { token: hb.token, kind: "start", now: at(0) },
    { token: hb.token, kind: "success", now: at(1_500) },
    { token: "hb_unknown-token-unknown-token-x", kind: "success", now: at(1_600) },
    { token: hb.token, kind: "fail", now: at(2_000) },
    { token: hb.token, kind: "start", now: at(3_000) },
  ]);
  assertEquals(answers.map((a) => a.found), [true, true, false, true, true]);
  const results = await w.sql<{ status: string; latency_ms: number | null }[]>`
    SELECT status, latency_ms FROM check_results WHERE check_id = ${hb.id} ORDER BY checked_at`;
  assertEquals(results.map((r) => [r.status, r.latency_ms]), [["up", 1_500], ["down", null]]);
  const row = await checkRow(w, hb.id);
  assertEquals(row.last_start_at?.getTime(), at(3_000).getTime(), "the start after the last outcome is kept");
  assertEquals(row.last_ping_at?.getTime(), at(2_000).getTime());
  await w.db.sql.end();
});

Deno.test("a ping that cannot be stored fails alone; the others in its batch are recorded", async () => {
  const w = await schedulerWorld();
  const good = await heartbeat(w);
  const bad = await heartbeat(w);
  // A result this check cannot take (as if its row were broken): its write raises, the batch's does too.
  await w.db.sql.unsafe(`
    CREATE FUNCTION refuse_result() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.check_id = '${bad.id}'::uuid THEN RAISE EXCEPTION 'refused'; END IF;
      RETURN NEW;
    END $$`);
  await w.db.sql`CREATE TRIGGER refuse_result BEFORE INSERT ON check_results
    FOR EACH ROW EXECUTE FUNCTION refuse_result()`;
  const pings = Array.from(
    { length: 20 },
    (_, i) => receivePing(w.sql, { token: (i === 7 ? bad : good).token, kind: "success", now: at(i) }),
  );
  await assertRejects(() => pings[7]);
  for (const [i, ping] of pings.entries()) if (i !== 7) assertEquals(await ping, { found: true });
  assertEquals((await resultsOf(w, good.id)).length, 19);
  assertEquals((await resultsOf(w, bad.id)).length, 0);
  // its state update went in the same pipelined transaction, before the failing insert: rolled back with it
  assertEquals((await checkRow(w, bad.id)).last_ping_at, null);
  assertEquals((await checkRow(w, good.id)).last_ping_at?.getTime(), at(19).getTime());
  await w.db.sql.end();
});

Deno.test("past MAX_WAITING pings waiting for their batch, the next is refused at once with 503; the rest are written", async () => {
  const w = await schedulerWorld();
  const hb = await heartbeat(w);
  // The first batch is held open by a lock on the check's row, so every later ping waits in the queue.
  const holder = createPool(w.db.url, { max: 1 });
  let release!: () => void;
  const held = holder.begin(async (tx) => {
    await tx`SELECT 1 FROM health_checks WHERE id = ${hb.id} FOR UPDATE`;
    await new Promise<void>((r) => release = r);
  });
  try {
    while (!release) await new Promise((r) => setTimeout(r, 5));
    const first = receivePing(w.sql, { token: hb.token, kind: "success", now: at(0) });
    await new Promise((r) => setTimeout(r, 50));
    const waiting = Array.from(
      { length: MAX_WAITING },
      (_, i) => receivePing(w.sql, { token: hb.token, kind: "success", now: at(1 + i) }),
    );
    const refused = await receivePing(w.sql, { token: hb.token, kind: "success", now: at(MAX_WAITING + 1) })
      .then(() => null, (e) => e);
    assertEquals(refused?.status, 503);
    release();
    await held;
    assertEquals(await first, { found: true });
    for (const ping of waiting) assertEquals(await ping, { found: true });
    assertEquals((await resultsOf(w, hb.id)).length, MAX_WAITING + 1);
  } finally {
    await holder.end();
    await w.db.sql.end();
  }
});
