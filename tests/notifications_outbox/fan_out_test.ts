import { assertEquals, assertRejects } from "@std/assert";
import { withTenant } from "../../db/tenant.ts";
import { emitEvent } from "../../services/events/emit.ts";
import { enqueueDelivery } from "../../services/notifications/outbox.ts";
import { genProject } from "../helpers/catalog.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { genClient, genTenant } from "../helpers/fixtures.ts";
import { deliveryStates, emit, genChannel, genRule } from "./_outbox.ts";

const db = await createTestDatabase();
const sql = db.sql;
const tenant = await genTenant(sql);
const other = await genTenant(sql);
const client = await genClient(sql, tenant.id);
const shop = await genProject(sql, tenant.id, client.id);
const blog = await genProject(sql, tenant.id, client.id);

const deliveriesOf = (eventId: string) =>
  sql<{ channel_id: string; mode: string; next_attempt_at: Date; rule_id: string | null }[]>`
    SELECT channel_id, mode, next_attempt_at, rule_id FROM notification_deliveries WHERE event_id = ${eventId}
    ORDER BY channel_id`;

Deno.test("fan-out writes one delivery per matching channel in the event's transaction", async (t) => {
  const wide = await genChannel(sql, tenant.id);
  const forShop = await genChannel(sql, tenant.id);
  const wrongType = await genChannel(sql, tenant.id);
  const disabled = await genChannel(sql, tenant.id);
  const broken = await genChannel(sql, tenant.id, { broken: true });
  const otherTenants = await genChannel(sql, other.id);
  await genRule(sql, tenant.id, wide);
  await genRule(sql, tenant.id, forShop, { projectId: shop.id });
  await genRule(sql, tenant.id, wrongType, { eventTypes: ["deployment.succeeded"] });
  await genRule(sql, tenant.id, disabled, { enabled: false });
  await genRule(sql, tenant.id, broken);
  await genRule(sql, other.id, otherTenants);

  await t.step("an event of the shop reaches the tenant-wide and the shop's channel only", async () => {
    const id = await emit(sql, tenant.id, { projectId: shop.id });
    assertEquals((await deliveriesOf(id)).map((d) => d.channel_id).sort(), [wide, forShop].sort());
  });
  await t.step("an event of another project reaches only the tenant-wide channel", async () => {
    const id = await emit(sql, tenant.id, { projectId: blog.id });
    assertEquals((await deliveriesOf(id)).map((d) => d.channel_id), [wide]);
  });
  await t.step("a held-back event (maintenance) is recorded but writes no delivery", async () => {
    const id = await emit(sql, tenant.id, { projectId: shop.id, heldBack: "maintenance" });
    assertEquals((await deliveriesOf(id)).length, 0);
  });
  await t.step("a rolled-back change leaves no delivery behind", async () => {
    const before = (await deliveryStates(sql, tenant.id)).length;
    await assertRejects(() =>
      withTenant(sql, tenant.id, async (tx) => {
        await emitEvent(tx, { actor: null, ip: null, userAgent: null, now: new Date() }, {
          tenantId: tenant.id,
          type: "deployment.failed",
          subject: { type: "deployment", id: crypto.randomUUID() },
          projectId: shop.id,
          payload: {},
        });
        throw new Error("the change fails after its event");
      })
    );
    assertEquals((await deliveryStates(sql, tenant.id)).length, before);
  });
});

Deno.test("two rules hitting one channel give one delivery, the immediate rule winning over a digest", async () => {
  const channel = await genChannel(sql, tenant.id);
  await genRule(sql, tenant.id, channel, { eventTypes: ["heartbeat.missed"], digestMinutes: 15 });
  const immediate = await genRule(sql, tenant.id, channel, { eventTypes: ["heartbeat.missed"], projectId: shop.id });
  const id = await emit(sql, tenant.id, { type: "heartbeat.missed", projectId: shop.id });
  const rows = await deliveriesOf(id);
  assertEquals(rows.length, 1);
  assertEquals([rows[0].mode, rows[0].rule_id], ["immediate", immediate]);
});

Deno.test("a digest delivery waits for the end of its aligned window", async () => {
  const channel = await genChannel(sql, tenant.id);
  await genRule(sql, tenant.id, channel, { eventTypes: ["health_check.degraded"], digestMinutes: 15 });
  const id = await emit(sql, tenant.id, { type: "health_check.degraded", now: new Date("2026-01-05T10:07:30Z") });
  const [row] = await deliveriesOf(id);
  assertEquals(row.mode, "digest");
  assertEquals(row.next_attempt_at.toISOString(), "2026-01-05T10:15:00.000Z");
});

Deno.test("enqueueDelivery is idempotent per (channel, event): the second call returns the first id", async () => {
  const channel = await genChannel(sql, tenant.id);
  const eventId = await emit(sql, tenant.id, { type: "alert.triggered" });
  const enqueue = () =>
    withTenant(sql, tenant.id, (tx) =>
      enqueueDelivery(tx, {
        tenantId: tenant.id,
        channelId: channel,
        eventId,
        eventType: "alert.triggered",
        payload: { summary: "down" },
      }));
  const first = await enqueue();
  assertEquals(await enqueue(), first);
});
