import { assert, assertEquals } from "@std/assert";
import { generatePingToken, receivePing } from "../../services/checks/heartbeats.ts";
import { sha256 } from "../../services/auth/tokens.ts";
import {
  type CheckInsert,
  checkRow,
  eventsOf,
  insertCheck,
  resultsOf,
  scheduler,
  type SchedulerWorld,
  schedulerWorld,
  T0,
} from "../helpers/checks_scheduler.ts";

async function heartbeat(w: SchedulerWorld, c: CheckInsert = {}) {
  const { token, hash } = await generatePingToken();
  const id = await insertCheck(w, { type: "heartbeat", ping_token_hash: hash, ...c });
  return { id, token };
}

const at = (ms: number) => new Date(T0.getTime() + ms);

Deno.test("generatePingToken: a URL-safe token and the SHA-256 that is stored", async () => {
  const { token, hash } = await generatePingToken();
  assert(/^hb_[A-Za-z0-9_-]{32}$/.test(token), token);
  assertEquals(hash, await sha256(token));
});

Deno.test("success ping: up, deadline = ping + period + grace; unknown token changes nothing", async () => {
  const w = await schedulerWorld();
  const hb = await heartbeat(w, { interval_seconds: 60, grace_seconds: 30 });
  assertEquals(await receivePing(w.sql, { token: hb.token, kind: "success", now: T0 }), { found: true });
  const row = await checkRow(w, hb.id);
  assertEquals([row.status, row.last_ping_at?.getTime(), row.next_run_at.getTime()], [
    "up",
    T0.getTime(),
    T0.getTime() + 90_000,
  ]);
  assertEquals((await resultsOf(w, hb.id)).map((r) => r.status), ["up"]);
  assertEquals(await eventsOf(w, hb.id), []);
  assertEquals(await receivePing(w.sql, { token: "hb_nope", kind: "success", now: T0 }), { found: false });
  await w.db.sql.end();
});

Deno.test("missed deadline: down and heartbeat.missed once; a later ping recovers with health_check.up", async () => {
  const w = await schedulerWorld();
  const hb = await heartbeat(w, { interval_seconds: 60, grace_seconds: 30, name: "nightly backup" });
  const never = await heartbeat(w, { interval_seconds: 60 });
  await receivePing(w.sql, { token: hb.token, kind: "success", now: T0 });
  const s = scheduler(w);
  w.clock.set(at(89_000));
  await s.tick();
  assertEquals((await checkRow(w, hb.id)).status, "up");
  w.clock.set(at(90_500));
  await s.tick();
  await s.tick();
  w.clock.set(at(200_000));
  await s.tick();
  const events = await eventsOf(w, hb.id);
  assertEquals(events.map((e) => e.type), ["heartbeat.missed"]);
  const missed = events[0].payload;
  assertEquals([missed.check_name, missed.from, missed.to], ["nightly backup", "up", "down"]);
  assertEquals([missed.last_ping_at, missed.deadline], [T0.toISOString(), at(90_000).toISOString()]);
  assertEquals((await resultsOf(w, hb.id)).map((r) => r.status), ["up", "down", "down"]);
  // a heartbeat never pinged has no deadline yet
  assertEquals((await checkRow(w, never.id)).status, "unknown");
  await receivePing(w.sql, { token: hb.token, kind: "success", now: at(210_000) });
  assertEquals((await eventsOf(w, hb.id)).map((e) => e.type), ["heartbeat.missed", "health_check.up"]);
  await w.db.sql.end();
});

Deno.test("/start then success: too fast or too slow is down with the duration; within bounds is up", async () => {
  const w = await schedulerWorld();
  const hb = await heartbeat(w, { min_duration_ms: 5_000, max_duration_ms: 60_000 });
  const ping = (kind: "start" | "success", ms: number) => receivePing(w.sql, { token: hb.token, kind, now: at(ms) });
  await ping("start", 0);
  assertEquals((await checkRow(w, hb.id)).last_start_at?.getTime(), T0.getTime());
  await ping("success", 1_200);
  await ping("start", 100_000);
  await ping("success", 130_000);
  await ping("start", 200_000);
  await ping("success", 290_000);
  const results = await resultsOf(w, hb.id);
  assertEquals(results.map((r) => [r.status, r.detail]), [
    ["down", "the run took 1.2 s, less than the minimum 5.0 s"],
    ["up", null],
    ["down", "the run took 90 s, more than the maximum 60 s"],
  ]);
  assertEquals((await eventsOf(w, hb.id)).map((e) => e.type), [
    "health_check.down",
    "health_check.up",
    "health_check.down",
  ]);
  assertEquals((await checkRow(w, hb.id)).last_start_at, null);
  // without a /start ping there is no duration to judge
  await ping("success", 400_000);
  assertEquals((await checkRow(w, hb.id)).status, "up");
  await w.db.sql.end();
});

Deno.test("/fail: down at once with the body as detail", async () => {
  const w = await schedulerWorld();
  const hb = await heartbeat(w);
  await receivePing(w.sql, { token: hb.token, kind: "success", now: T0 });
  await receivePing(w.sql, { token: hb.token, kind: "fail", now: at(1_000), body: "pg_dump: connection refused\n" });
  const events = await eventsOf(w, hb.id);
  assertEquals(events.map((e) => [e.type, e.payload.detail]), [["health_check.down", "pg_dump: connection refused"]]);
  await receivePing(w.sql, { token: hb.token, kind: "fail", now: at(2_000) });
  assertEquals((await resultsOf(w, hb.id)).at(-1)!.detail, "the job reported a failure (/fail)");
  assertEquals((await eventsOf(w, hb.id)).length, 1);
  await w.db.sql.end();
});

Deno.test("cron heartbeats: the deadline is the next occurrence in the timezone plus grace, across DST", async () => {
  const w = await schedulerWorld();
  const cases: [string, string, string, string][] = [
    // Berlin spring forward: 02:30 does not exist on 2026-03-29, expected at 03:00 CEST
    ["30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-29T01:10:00.000Z"],
    // Berlin fall back: 02:30 happens twice on 2026-10-25, expected at the first (CEST)
    ["30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", "2026-10-25T00:40:00.000Z"],
    // New York: 09:00 local before and after both changes
    ["0 9 * * *", "America/New_York", "2026-03-07T20:00:00Z", "2026-03-08T13:10:00.000Z"],
    ["0 9 * * *", "America/New_York", "2026-10-31T20:00:00Z", "2026-11-01T14:10:00.000Z"],
  ];
  for (const [cron, timezone, pingAt, deadline] of cases) {
    const hb = await heartbeat(w, { cron, timezone, grace_seconds: 600 });
    await receivePing(w.sql, { token: hb.token, kind: "success", now: new Date(pingAt) });
    assertEquals((await checkRow(w, hb.id)).next_run_at.toISOString(), deadline, `${cron} ${timezone}`);
  }
  await w.db.sql.end();
});
