/**
 * F6/F7/F8 against a real replica: one check goes down, three webhook
 * channels get the event. F6 a receiver answering 500 for a while: retried
 * with backoff under the same webhook-id until it takes it. F7 a 429 with
 * Retry-After: the next attempt waits at least that long. F8 a 410: the
 * delivery is dead after one attempt and the channel marked broken.
 */
import { assert, assertEquals } from "@std/assert";
import {
  faultWorld,
  insertChecks,
  startReceiver,
  startReplica,
  startTargets,
  until,
  webhookChannel,
} from "./_world.ts";

Deno.test("F6/F7/F8: receiver 500 for a while, 429 with Retry-After, 410 gone", async () => {
  const w = await faultWorld();
  const targets = startTargets();
  const failing = startReceiver((_, n) => ({ status: n <= 2 ? 500 : 200 }));
  const limited = startReceiver((_, n) => n === 1 ? { status: 429, retryAfter: "3" } : { status: 200 });
  const gone = startReceiver(() => ({ status: 410 }));
  const replica = await startReplica("a", w.pg.url);
  try {
    const channels = {
      failing: await webhookChannel(w, replica, failing.url, ["health_check.down"]),
      limited: await webhookChannel(w, replica, limited.url, ["health_check.down"]),
      gone: await webhookChannel(w, replica, gone.url, ["health_check.down"]),
    };
    await insertChecks(w, { count: 1, url: `${targets.url}/down`, intervalSeconds: 3600 });
    const state = async (channelId: string) =>
      (await w.pg.admin<{ status: string; attempts: number; broken: boolean }[]>`
        SELECT d.status, d.attempts, c.broken FROM notification_deliveries d
        JOIN notification_channels c ON c.tenant_id = d.tenant_id AND c.id = d.channel_id
        WHERE d.channel_id = ${channelId}`)[0];

    // Backoff with full jitter: at most 10 s, then 20 s, before the third attempt.
    assert(await until(async () => (await state(channels.failing))?.status === "sent", 45_000), "F6: sent at last");
    assertEquals(failing.received.map((r) => r.status), [500, 500, 200]);
    assertEquals(new Set(failing.received.map((r) => r.id)).size, 1, "F6: one webhook-id throughout");
    assertEquals(await state(channels.failing), { status: "sent", attempts: 3, broken: false });

    assert(await until(async () => (await state(channels.limited))?.status === "sent", 15_000), "F7: sent");
    const [first, second] = limited.received;
    assertEquals([first.status, second.status, first.id], [429, 200, second.id]);
    assert(second.at - first.at >= 2_900, `F7: waited ${Math.round(second.at - first.at)} ms for Retry-After: 3`);

    assert(await until(async () => (await state(channels.gone))?.status === "dead", 15_000), "F8: dead");
    assertEquals(await state(channels.gone), { status: "dead", attempts: 1, broken: true });
    assertEquals(gone.received.length, 1, "F8: a 410 is not retried");
    console.log(
      `F6: 500, 500, 200 over ${Math.round(failing.received[2].at - failing.received[0].at)} ms, one id; ` +
        `F7: second attempt ${Math.round(second.at - first.at)} ms after the 429 (Retry-After 3 s); ` +
        `F8: dead after 1 attempt, channel broken`,
    );
  } finally {
    await replica.kill("SIGKILL");
    await Promise.all([failing.stop(), limited.stop(), gone.stop(), targets.stop()]);
    await w.dispose();
  }
});
