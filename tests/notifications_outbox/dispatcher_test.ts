import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { claimDue } from "../../db/queries/notification_deliveries.ts";
import { ConflictError } from "../../services/platform/errors.ts";
import { createDispatcher, deliverNow } from "../../services/notifications/dispatcher.ts";
import { LEASE_MS } from "../../services/workers/lease.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { genTenant } from "../helpers/fixtures.ts";
import {
  deliveryStates,
  dispatcherDeps,
  emit,
  genChannel,
  genRule,
  manualClock,
  type Receiver,
  startReceiver,
} from "./_outbox.ts";

const db = await createTestDatabase();
const sql = db.sql;

/** A tenant with one channel to `url` and a rule for deployment.failed; a fresh clock. */
async function setUp(url: string, o: { type?: "slack" | "webhook"; timeoutMs?: number } = {}) {
  const tenant = await genTenant(sql);
  const channel = await genChannel(sql, tenant.id, { url, ...o });
  await genRule(sql, tenant.id, channel);
  const clock = manualClock(new Date("2026-02-01T09:00:00Z"));
  return { tenant, channel, clock };
}

const attemptsOf = (deliveryId: string) =>
  sql<{ attempt: number; response_code: number | null; error: string | null; latency_ms: number }[]>`
    SELECT attempt, response_code, error, latency_ms FROM notification_attempts
    WHERE delivery_id = ${deliveryId} ORDER BY attempt`;

async function withReceiver(fn: (r: Receiver) => Promise<void>) {
  const receiver = startReceiver();
  try {
    await fn(receiver);
  } finally {
    await receiver.stop();
  }
}

Deno.test("500s are retried with backoff until the receiver takes the delivery, with the same id each time", () =>
  withReceiver(async (receiver) => {
    const { tenant, clock } = await setUp(receiver.url);
    const d = createDispatcher(dispatcherDeps(sql, clock.now));
    await emit(sql, tenant.id, { now: clock.now() });
    receiver.script.push(new Response("boom", { status: 500 }), new Response("boom", { status: 503 }));

    assertEquals(await d.tick(), 1);
    let [row] = await deliveryStates(sql, tenant.id);
    assertEquals([row.status, row.attempts], ["failed", 1]);
    // full jitter with random() = 0.5: half of 10 s × 2^0
    assertEquals(row.next_attempt_at.getTime() - clock.now().getTime(), 5_000);
    assertEquals(await d.tick(), 0, "not due before its backoff");

    clock.advance(5_000);
    await d.tick();
    [row] = await deliveryStates(sql, tenant.id);
    assertEquals(row.next_attempt_at.getTime() - clock.now().getTime(), 10_000, "the ceiling doubles");
    clock.advance(10_000);
    await d.tick();

    [row] = await deliveryStates(sql, tenant.id);
    assertEquals([row.status, row.attempts, row.last_error], ["sent", 3, null]);
    assertEquals(new Set(receiver.received.map((r) => r.id)), new Set([row.id]));
    const attempts = await attemptsOf(row.id);
    assertEquals(attempts.map((a) => [a.attempt, a.response_code, a.error]), [
      [1, 500, "HTTP 500"],
      [2, 503, "HTTP 503"],
      [3, 200, null],
    ]);
    assert(attempts.every((a) => a.latency_ms >= 0));
  }));

Deno.test("429 Retry-After is honoured, as seconds and as an HTTP date", () =>
  withReceiver(async (receiver) => {
    const { tenant, clock } = await setUp(receiver.url);
    const d = createDispatcher(dispatcherDeps(sql, clock.now));
    await emit(sql, tenant.id, { now: clock.now() });
    receiver.script.push(new Response("slow down", { status: 429, headers: { "Retry-After": "120" } }));
    await d.tick();
    let [row] = await deliveryStates(sql, tenant.id);
    assertEquals(row.status, "failed");
    assertEquals(row.next_attempt_at.getTime() - clock.now().getTime(), 120_000);

    clock.advance(120_000);
    const at = new Date(clock.now().getTime() + 300_000);
    receiver.script.push(new Response("slow down", { status: 429, headers: { "Retry-After": at.toUTCString() } }));
    await d.tick();
    [row] = await deliveryStates(sql, tenant.id);
    assertEquals(row.next_attempt_at.toISOString(), at.toISOString());
  }));

Deno.test("a timeout and a refused connection are failures without a response code, retried later", async (t) => {
  await t.step("timeout", () =>
    withReceiver(async (receiver) => {
      const { tenant, clock } = await setUp(receiver.url, { timeoutMs: 300 });
      await emit(sql, tenant.id, { now: clock.now() });
      receiver.script.push("hang");
      await createDispatcher(dispatcherDeps(sql, clock.now)).tick();
      const [row] = await deliveryStates(sql, tenant.id);
      assertEquals(row.status, "failed");
      const [attempt] = await attemptsOf(row.id);
      assertEquals(attempt.response_code, null);
      assertMatch(attempt.error ?? "", /time|abort/i);
      assert(attempt.latency_ms >= 250, `latency ${attempt.latency_ms} ms`);
    }));
  await t.step("connection refused", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const { tenant, clock } = await setUp(`http://127.0.0.1:${port}/hook`);
    await emit(sql, tenant.id, { now: clock.now() });
    await createDispatcher(dispatcherDeps(sql, clock.now)).tick();
    const [row] = await deliveryStates(sql, tenant.id);
    assertEquals([row.status, row.attempts], ["failed", 1]);
    assertMatch(row.last_error ?? "", /refused|connect/i);
  });
});

Deno.test("404 and 410 are permanent: the delivery is dead at once and the channel marked broken", async (t) => {
  for (const status of [404, 410]) {
    await t.step(`HTTP ${status}`, () =>
      withReceiver(async (receiver) => {
        const { tenant, channel, clock } = await setUp(receiver.url);
        await emit(sql, tenant.id, { now: clock.now() });
        receiver.script.push(new Response("gone", { status }));
        await createDispatcher(dispatcherDeps(sql, clock.now)).tick();
        const [row] = await deliveryStates(sql, tenant.id);
        assertEquals([row.status, row.attempts], ["dead", 1]);
        const [c] = await sql`SELECT broken, last_error FROM notification_channels WHERE id = ${channel}`;
        assertEquals([c.broken, c.last_error], [true, `HTTP ${status}`]);
        // A broken channel gets no new deliveries until someone fixes it.
        await emit(sql, tenant.id, { now: clock.now() });
        assertEquals((await deliveryStates(sql, tenant.id)).length, 1);
      }));
  }
});

Deno.test("after the attempt limit a delivery is parked as dead", () =>
  withReceiver(async (receiver) => {
    const { tenant, clock } = await setUp(receiver.url);
    const d = createDispatcher(dispatcherDeps(sql, clock.now, { maxAttempts: 3 }));
    await emit(sql, tenant.id, { now: clock.now() });
    for (let i = 0; i < 3; i++) {
      receiver.script.push(new Response("no", { status: 500 }));
      await d.tick();
      clock.advance(3_600_000);
    }
    const [row] = await deliveryStates(sql, tenant.id);
    assertEquals([row.status, row.attempts], ["dead", 3]);
    assertEquals(await d.tick(), 0, "a dead delivery is not taken again");
    assertEquals(receiver.received.length, 3);
  }));

Deno.test("a digest channel's due rows go out as ONE message and are all marked sent", () =>
  withReceiver(async (receiver) => {
    const tenant = await genTenant(sql);
    const channel = await genChannel(sql, tenant.id, { url: receiver.url });
    await genRule(sql, tenant.id, channel, { digestMinutes: 10 });
    const clock = manualClock(new Date("2026-02-01T09:01:00Z"));
    for (let i = 0; i < 3; i++) {
      await emit(sql, tenant.id, { now: clock.now() });
      clock.advance(60_000);
    }
    const d = createDispatcher(dispatcherDeps(sql, clock.now));
    assertEquals(await d.tick(), 0, "nothing before the window closes");
    clock.set(new Date("2026-02-01T09:10:00Z"));
    assertEquals(await d.tick(), 3);
    const rows = await deliveryStates(sql, tenant.id);
    assertEquals(receiver.received.length, 1);
    assertEquals(receiver.received[0].id, rows[0].id, "the message carries the oldest row's id");
    assertEquals(receiver.received[0].body.digest, rows.map((r) => r.id));
    assertEquals(rows.map((r) => r.status), ["sent", "sent", "sent"]);
    const digestIds = await sql`SELECT DISTINCT digest_id FROM notification_deliveries WHERE tenant_id = ${tenant.id}`;
    assertEquals(digestIds.map((r) => r.digest_id), [rows[0].id]);
  }));

Deno.test("a delivery whose sender died (lease ran out while sending) is sent again with the same id", () =>
  withReceiver(async (receiver) => {
    const { tenant, clock } = await setUp(receiver.url);
    await emit(sql, tenant.id, { now: clock.now() });
    // A process claims and dies before recording anything.
    const now = clock.now();
    await claimDue(sql, { now, until: new Date(now.getTime() + 60_000), by: "dead-process" }, 10);
    const d = createDispatcher(dispatcherDeps(sql, clock.now));
    assertEquals(await d.tick(), 0, "the lease still holds");
    clock.advance(60_001);
    assertEquals(await d.tick(), 1);
    const [row] = await deliveryStates(sql, tenant.id);
    assertEquals([row.status, row.attempts], ["sent", 2]);
    assertEquals(receiver.received.map((r) => r.id), [row.id]);
  }));

Deno.test("two dispatchers side by side send every delivery exactly once", () =>
  withReceiver(async (receiver) => {
    const { tenant, clock } = await setUp(receiver.url);
    for (let i = 0; i < 150; i++) await emit(sql, tenant.id, { now: clock.now() });
    const a = createDispatcher(dispatcherDeps(sql, clock.now, { batchSize: 20 }));
    const b = createDispatcher(dispatcherDeps(sql, clock.now, { batchSize: 20 }));
    const drain = async (d: typeof a) => {
      while (await d.tick() > 0) { /* until nothing is due */ }
    };
    await Promise.all([drain(a), drain(b)]);
    const ids = receiver.received.map((r) => r.id);
    assertEquals(ids.length, 150);
    assertEquals(new Set(ids).size, 150);
    assert((await deliveryStates(sql, tenant.id)).every((r) => r.status === "sent"));
  }));

Deno.test("a Slack channel is paced: messages at least ~1 s apart", () =>
  withReceiver(async (receiver) => {
    const { tenant, clock } = await setUp(receiver.url, { type: "slack" });
    for (let i = 0; i < 3; i++) await emit(sql, tenant.id, { now: clock.now() });
    await createDispatcher(dispatcherDeps(sql, clock.now, { paceMs: 1000 })).tick();
    const times = receiver.received.map((r) => r.at);
    assertEquals(times.length, 3);
    // Slots are 1 s apart on the database's clock; the reservation's round trip moves each send by a few tens of ms.
    for (let i = 1; i < times.length; i++) assert(times[i] - times[i - 1] >= 900, `gap ${times[i] - times[i - 1]} ms`);
  }));

Deno.test("two dispatchers (two replicas) share one Slack channel's pace", () =>
  withReceiver(async (receiver) => {
    const { tenant, clock } = await setUp(receiver.url, { type: "slack" });
    for (let i = 0; i < 4; i++) await emit(sql, tenant.id, { now: clock.now() });
    const one = dispatcherDeps(sql, clock.now, { paceMs: 1000, batchSize: 2, instanceId: "replica-a" });
    const two = dispatcherDeps(sql, clock.now, { paceMs: 1000, batchSize: 2, instanceId: "replica-b" });
    await Promise.all([createDispatcher(one).tick(), createDispatcher(two).tick()]);
    const times = receiver.received.map((r) => r.at).sort((a, b) => a - b);
    assertEquals(times.length, 4);
    // Slots are 1 s apart on the database's clock; the reservation's round trip moves each send by a few tens of ms.
    for (let i = 1; i < times.length; i++) assert(times[i] - times[i - 1] >= 900, `gap ${times[i] - times[i - 1]} ms`);
  }));

Deno.test("stop() ends cleanly and hands back what was claimed but not yet sent", () =>
  withReceiver(async (receiver) => {
    const { tenant, clock } = await setUp(receiver.url, { type: "slack" });
    for (let i = 0; i < 3; i++) await emit(sql, tenant.id, { now: clock.now() });
    const d = createDispatcher(dispatcherDeps(sql, clock.now, { paceMs: 5_000, pollMs: 50 }));
    d.start();
    while (receiver.received.length === 0) await new Promise((r) => setTimeout(r, 10));
    await d.stop();
    const rows = await deliveryStates(sql, tenant.id);
    assertEquals(rows.map((r) => r.status).sort(), ["pending", "pending", "sent"]);
    assert(rows.filter((r) => r.status === "pending").every((r) => r.attempts === 0));
  }));

Deno.test("deliverNow sends one delivery at once and records it; one being sent elsewhere is a 409", () =>
  withReceiver(async (receiver) => {
    const { tenant, clock } = await setUp(receiver.url);
    await emit(sql, tenant.id, { now: clock.now() });
    await emit(sql, tenant.id, { now: clock.now() });
    const [first, second] = await deliveryStates(sql, tenant.id);
    const result = await deliverNow(dispatcherDeps(sql, clock.now), tenant.id, first.id);
    assertEquals([result.ok, result.responseCode], [true, 200]);
    assertEquals(receiver.received.map((r) => r.id), [first.id]);
    assertEquals((await deliveryStates(sql, tenant.id))[0].status, "sent");

    const now = clock.now();
    await claimDue(sql, { now, until: new Date(now.getTime() + 60_000), by: "elsewhere" }, 10);
    await assertRejects(() => deliverNow(dispatcherDeps(sql, clock.now), tenant.id, second.id), ConflictError);
  }));

Deno.test("a send longer than a lease keeps its delivery: the heartbeat renews it, no other dispatcher takes it", () =>
  withReceiver(async (receiver) => {
    const { tenant, clock } = await setUp(receiver.url);
    await emit(sql, tenant.id, { now: clock.now() });
    let release = () => {};
    const held = new Promise<void>((r) => release = r);
    let sends = 0;
    const slow = createDispatcher(dispatcherDeps(sql, clock.now, {
      renewEveryMs: 20,
      send: async () => {
        sends++;
        await held;
        return { ok: true, responseCode: 200, error: null, latencyMs: 1 };
      },
    }));
    slow.start();
    try {
      while (sends === 0) await new Promise((r) => setTimeout(r, 10));
      const lockedUntil = async () =>
        (await sql<{ locked_until: Date }[]>`
          SELECT locked_until FROM notification_deliveries WHERE tenant_id = ${tenant.id}`)[0].locked_until.getTime();
      for (let step = 0; step < 4; step++) {
        clock.advance(LEASE_MS / 2);
        const renewedTo = clock.now().getTime() + LEASE_MS;
        while (await lockedUntil() < renewedTo) await new Promise((r) => setTimeout(r, 10));
        assertEquals(await createDispatcher(dispatcherDeps(sql, clock.now)).tick(), 0, "still held by the slow send");
      }
      release();
      await slow.stop();
      const [row] = await deliveryStates(sql, tenant.id);
      assertEquals([row.status, row.attempts, sends], ["sent", 1, 1]);
      assertEquals(receiver.received.length, 0, "the other dispatchers never sent it");
    } finally {
      release();
      await slow.stop();
    }
  }));
