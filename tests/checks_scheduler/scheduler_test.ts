import { assert, assertEquals } from "@std/assert";
import {
  checkRow,
  eventsOf,
  insertCheck,
  resultsOf,
  scheduler,
  type SchedulerWorld,
  schedulerWorld,
  scriptedProbe,
  T0,
} from "../helpers/checks_scheduler.ts";
import { phaseOf } from "../../services/checks/transitions.ts";
import type { Scheduler } from "../../services/checks/scheduler.ts";
import { genProject } from "../helpers/catalog.ts";
import { genClient, genTenant } from "../helpers/fixtures.ts";

/** Sets the clock to the check's next run and ticks. */
async function runNext(w: SchedulerWorld, s: Scheduler, id: string, lateMs = 0) {
  const row = await checkRow(w, id);
  w.clock.set(row.next_run_at.getTime() + lateMs);
  return await s.tick();
}

Deno.test("tick runs due checks only: not future, paused or heartbeat ones", async () => {
  const w = await schedulerWorld();
  const p = scriptedProbe();
  const due = await insertCheck(w, { url: "http://127.0.0.1:9/due" });
  await insertCheck(w, { url: "http://127.0.0.1:9/later", next_run_at: new Date(T0.getTime() + 30_000) });
  await insertCheck(w, { url: "http://127.0.0.1:9/paused", paused: true });
  await insertCheck(w, { type: "heartbeat", ping_token_hash: new Uint8Array(32).fill(1) });
  const s = scheduler(w, { probe: p.probe });
  assertEquals(await s.tick(), { claimed: 1, finished: 1 });
  assertEquals(p.calls, ["http://127.0.0.1:9/due"]);
  const row = await checkRow(w, due);
  assertEquals([row.status, row.claimed_by, row.claimed_until], ["up", null, null]);
  assert(row.next_run_at > T0);
  assertEquals(await s.tick(), { claimed: 0, finished: 0 });
  w.clock.advance(30_000);
  assertEquals((await s.tick()).claimed, 1);
  assertEquals(p.calls.at(-1), "http://127.0.0.1:9/later");
  assertEquals((await resultsOf(w, due)).length, 1);
  await w.db.sql.end();
});

Deno.test("next run advances by the interval from the scheduled time, in the check's phase, however late it ran", async () => {
  const w = await schedulerWorld();
  const s = scheduler(w, { probe: scriptedProbe().probe });
  const id = await insertCheck(w, { interval_seconds: 60 });
  // created with now(): microseconds, which JavaScript dates do not hold
  await w.sql`UPDATE health_checks SET next_run_at = next_run_at + interval '123 microseconds' WHERE id = ${id}`;
  w.clock.advance(1);
  assertEquals((await s.tick()).finished, 1);
  const first = (await checkRow(w, id)).next_run_at.getTime();
  assertEquals((first - phaseOf(id, 60_000)) % 60_000, 0);
  let scheduled = first;
  for (const late of [700, 3_000, 25_000, 0]) {
    await runNext(w, s, id, late);
    const next = (await checkRow(w, id)).next_run_at.getTime();
    assertEquals(next - scheduled, 60_000);
    scheduled = next;
  }
  await w.db.sql.end();
});

Deno.test("600 checks created together spread over the interval after their first run", async () => {
  const w = await schedulerWorld();
  await w.sql`
    INSERT INTO health_checks (tenant_id, project_id, name, type, url, interval_seconds, next_run_at)
    SELECT ${w.tenantId}, ${w.projectId}, 'c' || i, 'http', 'http://127.0.0.1:9/' || i, 60, ${T0}
    FROM generate_series(1, 600) AS i`;
  const s = scheduler(w, { probe: scriptedProbe().probe, batchSize: 1000 });
  assertEquals((await s.tick()).finished, 600);
  const rows = await w.sql<{ ms: number }[]>`
    SELECT (extract(epoch FROM next_run_at) * 1000)::bigint % 60000 AS ms FROM health_checks`;
  const buckets = Array(6).fill(0);
  for (const r of rows) buckets[Math.floor(Number(r.ms) / 10_000)]++;
  for (const n of buckets) assert(n > 60 && n < 140, `bucket of ${n}: ${buckets}`);
  await w.db.sql.end();
});

Deno.test("confirmations: one down event after N failures, one up event on recovery, payload complete", async () => {
  const w = await schedulerWorld();
  const p = scriptedProbe();
  const url = "http://127.0.0.1:9/conf";
  const id = await insertCheck(w, { url, confirmations: 3, name: "Shop home" });
  const s = scheduler(w, { probe: p.probe });
  await s.tick();
  p.set(url, { status: "down", statusCode: 500, detail: "expected status 200, got 500", latencyMs: 8.4 });
  await runNext(w, s, id);
  await runNext(w, s, id);
  assertEquals(await eventsOf(w, id), []);
  assertEquals((await checkRow(w, id)).status, "up");
  await runNext(w, s, id);
  await runNext(w, s, id);
  p.set(url, {});
  await runNext(w, s, id);
  await runNext(w, s, id);
  const events = await eventsOf(w, id);
  assertEquals(events.map((e) => e.type), ["health_check.down", "health_check.up"]);
  const down = events[0].payload;
  assertEquals(down.check_id, id);
  assertEquals(down.check_name, "Shop home");
  assertEquals(down.project_id, w.projectId);
  assertEquals(down.project_name, "Shop");
  assertEquals([down.from, down.to, down.status_code, down.latency_ms], ["up", "down", 500, 8]);
  assertEquals(down.detail, "expected status 200, got 500");
  assertEquals(down.url, url);
  assert(typeof down.client_id === "string" && typeof down.checked_at === "string");
  assertEquals(down.held_back, undefined);
  assertEquals((await resultsOf(w, id)).map((r) => r.status), ["up", "down", "down", "down", "down", "up", "up"]);
  await w.db.sql.end();
});

Deno.test("degraded from the probe is one event, and back to up another", async () => {
  const w = await schedulerWorld();
  const p = scriptedProbe();
  const url = "http://127.0.0.1:9/slow";
  const id = await insertCheck(w, { url, confirmations: 2 });
  const s = scheduler(w, { probe: p.probe });
  await s.tick();
  p.set(url, { status: "degraded", detail: "latency 900 ms over 500 ms" });
  await runNext(w, s, id);
  await runNext(w, s, id);
  p.set(url, {});
  await runNext(w, s, id);
  const events = await eventsOf(w, id);
  assertEquals(events.map((e) => `${e.type} ${e.payload.from}->${e.payload.to}`), [
    "health_check.degraded up->degraded",
    "health_check.up degraded->up",
  ]);
  await w.db.sql.end();
});

Deno.test("flapping: alternating results are all recorded but events stop until the check settles", async () => {
  const w = await schedulerWorld();
  const p = scriptedProbe();
  const url = "http://127.0.0.1:9/flap";
  const id = await insertCheck(w, { url });
  const s = scheduler(w, { probe: p.probe });
  for (let i = 0; i < 20; i++) {
    p.set(url, { status: i % 2 ? "down" : "up" });
    if (i === 0) await s.tick();
    else await runNext(w, s, id);
  }
  assertEquals((await resultsOf(w, id)).length, 20);
  const flapping = await checkRow(w, id);
  assert(flapping.flapping, JSON.stringify(flapping));
  assertEquals((await eventsOf(w, id)).length, 5);
  p.set(url, {});
  for (let i = 0; i < 20; i++) await runNext(w, s, id);
  const row = await checkRow(w, id);
  assertEquals([row.flapping, row.status], [false, "up"]);
  const events = await eventsOf(w, id);
  assert(events.length <= 6, `${events.length} events`);
  assertEquals(events.at(-1)!.type, "health_check.up");
  await w.db.sql.end();
});

Deno.test("dependency: a child's down is held back while its parent is down; its recovery is not", async () => {
  const w = await schedulerWorld();
  const p = scriptedProbe();
  const parentUrl = "http://127.0.0.1:9/lb";
  const childUrl = "http://127.0.0.1:9/site";
  const parent = await insertCheck(w, { url: parentUrl });
  const child = await insertCheck(w, { url: childUrl, depends_on_id: parent });
  const s = scheduler(w, { probe: p.probe, batchSize: 10 });
  await s.tick();
  // both fail in the same batch: the parent's new status counts
  p.set(parentUrl, { status: "down" });
  p.set(childUrl, { status: "down" });
  w.clock.advance(120_000);
  await s.tick();
  const [parentDown] = await eventsOf(w, parent);
  const [childDown] = await eventsOf(w, child);
  assertEquals([parentDown.type, parentDown.payload.held_back], ["health_check.down", undefined]);
  assertEquals([childDown.type, childDown.payload.held_back], ["health_check.down", "dependency"]);
  // the child recovers while the parent is still down: never held back
  p.set(childUrl, {});
  await runNext(w, s, child);
  const childUp = (await eventsOf(w, child))[1];
  assertEquals([childUp.type, childUp.payload.held_back], ["health_check.up", undefined]);
  // the parent recovers; a later failure of the child alone pages again
  p.set(parentUrl, {});
  w.clock.advance(120_000);
  await s.tick();
  p.set(childUrl, { status: "down" });
  await runNext(w, s, child);
  const last = (await eventsOf(w, child)).at(-1)!;
  assertEquals([last.type, last.payload.held_back], ["health_check.down", undefined]);
  await w.db.sql.end();
});

Deno.test("maintenance: down and degraded are held back inside a window; recovery is not", async () => {
  const w = await schedulerWorld();
  const p = scriptedProbe();
  const url = "http://127.0.0.1:9/maint";
  const id = await insertCheck(w, { url });
  const s = scheduler(w, { probe: p.probe });
  await s.tick();
  await w.sql`
    INSERT INTO maintenance_windows (tenant_id, project_id, title, starts_at, ends_at)
    VALUES (${w.tenantId}, ${w.projectId}, 'Rollout', ${T0}, ${new Date(T0.getTime() + 3_600_000)})`;
  p.set(url, { status: "down" });
  await runNext(w, s, id);
  p.set(url, {});
  await runNext(w, s, id);
  const events = await eventsOf(w, id);
  assertEquals(events.map((e) => [e.type, e.payload.held_back]), [
    ["health_check.down", "maintenance"],
    ["health_check.up", undefined],
  ]);
  // after the window, a failure pages
  w.clock.set(T0.getTime() + 4_000_000);
  p.set(url, { status: "down" });
  await s.tick();
  assertEquals((await eventsOf(w, id)).at(-1)!.payload.held_back, undefined);
  await w.db.sql.end();
});

Deno.test("certificate.expiring once per certificate; a renewed certificate is recorded and noted", async () => {
  const w = await schedulerWorld();
  const p = scriptedProbe();
  const url = "https://127.0.0.1:9/tls";
  const id = await insertCheck(w, { url, cert_expiry_days: 14 });
  const cert = (fp: string, days: number) => ({
    notAfter: new Date(T0.getTime() + days * 86_400_000 + 3_600_000),
    notBefore: new Date(T0.getTime() - 86_400_000),
    fingerprint256: fp.repeat(64),
    subject: "CN=localhost",
    issuer: "CN=Test CA",
  });
  p.set(url, { certificate: cert("a", 5) });
  const s = scheduler(w, { probe: p.probe });
  await s.tick();
  await runNext(w, s, id);
  await runNext(w, s, id);
  p.set(url, { certificate: cert("b", 90) });
  await runNext(w, s, id);
  p.set(url, { certificate: cert("c", 3) });
  await runNext(w, s, id);
  await runNext(w, s, id);
  const events = await eventsOf(w, id);
  assertEquals(events.map((e) => [e.type, e.payload.days_left, e.payload.fingerprint]), [
    ["certificate.expiring", 5, "a".repeat(64)],
    ["certificate.expiring", 3, "c".repeat(64)],
  ]);
  assertEquals(events[0].payload.subject, "CN=localhost");
  assertEquals(typeof events[0].payload.not_after, "string");
  const row = await checkRow(w, id);
  assertEquals([row.cert_fingerprint, row.cert_notified_fingerprint], ["c".repeat(64), "c".repeat(64)]);
  const details = (await resultsOf(w, id)).map((r) => r.detail);
  assertEquals(details[3], `certificate changed (was ${"a".repeat(16)}…, now ${"b".repeat(16)}…)`);
  assertEquals(details[2], null);
  await w.db.sql.end();
});

Deno.test("one scheduler serves every tenant: results and events stay with their check's tenant", async () => {
  const w = await schedulerWorld();
  const other = await genTenant(w.sql);
  const otherClient = await genClient(w.sql, other.id);
  const otherProject = await genProject(w.sql, other.id, otherClient.id, { name: "Other shop" });
  const p = scriptedProbe();
  const mine = await insertCheck(w, { url: "http://127.0.0.1:9/mine" });
  const theirs = await insertCheck({ ...w, tenantId: other.id }, {
    url: "http://127.0.0.1:9/theirs",
    project_id: otherProject.id,
  });
  p.set("http://127.0.0.1:9/mine", { status: "down" });
  p.set("http://127.0.0.1:9/theirs", { status: "down" });
  assertEquals((await scheduler(w, { probe: p.probe }).tick()).finished, 2);
  const rows = await w.sql<{ subject_id: string; tenant_id: string; project_id: string; name: string }[]>`
    SELECT e.subject_id, e.tenant_id, e.project_id, e.payload->>'project_name' AS name FROM events e ORDER BY name`;
  assertEquals(rows.map((r) => [r.subject_id, r.tenant_id, r.project_id, r.name]), [
    [theirs, other.id, otherProject.id, "Other shop"],
    [mine, w.tenantId, w.projectId, "Shop"],
  ]);
  const results = await w.sql<{ check_id: string; tenant_id: string }[]>`
    SELECT check_id, tenant_id FROM check_results ORDER BY tenant_id = ${w.tenantId}`;
  assertEquals(results.map((r) => [r.check_id, r.tenant_id]), [[theirs, other.id], [mine, w.tenantId]]);
  await w.db.sql.end();
});
