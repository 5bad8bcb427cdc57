import { assertEquals, assertStringIncludes } from "@std/assert";
import { withTenant } from "../../db/tenant.ts";
import { emitEvent } from "../../services/events/emit.ts";
import { createDispatcher } from "../../services/notifications/dispatcher.ts";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";
import { dispatcherDeps, emit, genChannel, genRule, startReceiver } from "./_outbox.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const receiver = startReceiver();
const channel = await genChannel(sql, p.tenant.id, { url: receiver.url, name: "ops hook" });
await genRule(sql, p.tenant.id, channel, { eventTypes: ["deployment.failed", "alert.triggered"] });
const otherChannel = await genChannel(sql, p.other.id, { url: receiver.url });
await genRule(sql, p.other.id, otherChannel);

// One delivery taken at once, one dead (410), one about an alert.
const [ruleRow] = await sql`
  INSERT INTO alert_rules (tenant_id, name, kind) VALUES (${p.tenant.id}, 'Shop down', 'check_down') RETURNING id`;
const [alert] = await sql`
  INSERT INTO alerts (tenant_id, rule_id, subject_key, severity, summary)
  VALUES (${p.tenant.id}, ${ruleRow.id}, 'check:x', 'critical', 'Shop is down') RETURNING id`;
await emit(sql, p.tenant.id);
await withTenant(sql, p.tenant.id, (tx) =>
  emitEvent(tx, { actor: null, ip: null, userAgent: null, now: new Date() }, {
    tenantId: p.tenant.id,
    type: "alert.triggered",
    subject: { type: "alert", id: alert.id },
    projectId: null,
    payload: { summary: "Shop is down" },
  }));
await emit(sql, p.other.id);
receiver.script.push(new Response("ok"), new Response("ok"), new Response("ok"));
await createDispatcher(dispatcherDeps(sql, () => new Date())).tick();
// the next one finds the receiver gone (410): dead, the channel broken
await emit(sql, p.tenant.id);
receiver.script.push(new Response("gone", { status: 410 }));
await createDispatcher(dispatcherDeps(sql, () => new Date())).tick();

const PATH = "/api/v1/notification-deliveries";
const list = async (query = "", headers = p.alice.bearer) => {
  const res = await app.request(`${PATH}${query}`, { headers });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  return await res.json();
};

Deno.test("GET /api/v1/notification-deliveries lists the tenant's deliveries, newest first, with attempts", async () => {
  const page = await list();
  assertEquals(page.data.length, 3);
  const [dead] = page.data;
  assertEquals([dead.status, dead.attempt_count, dead.channel_name], ["dead", 1, "ops hook"]);
  assertEquals(dead.attempts.map((a: { response_code: number }) => a.response_code), [410]);
  assertEquals(typeof dead.attempts[0].latency_ms, "number");
});

Deno.test("GET /api/v1/notification-deliveries filters by status, alert and event type", async () => {
  assertEquals((await list("?status=dead")).data.length, 1);
  assertEquals((await list("?status=sent")).data.length, 2);
  const forAlert = await list(`?alert_id=${alert.id}`);
  assertEquals(forAlert.data.map((d: { event_type: string }) => d.event_type), ["alert.triggered"]);
  assertEquals((await list("?event_type=deployment.failed")).data.length, 2);
  await problem(await app.request(`${PATH}?status=lost`, { headers: p.alice.bearer }), 422);
});

Deno.test("deliveries are hidden from roles without channel access and from other tenants (404)", async () => {
  const [one] = (await list()).data;
  for (const who of [p.bob, p.carol, p.dave]) {
    await problem(await app.request(`${PATH}/${one.id}`, { headers: who.bearer }), 404);
    await problem(await app.request(`${PATH}/${one.id}/resend`, { method: "POST", headers: who.bearer }), 404);
  }
  assertEquals((await list("", p.dave.bearer)).data.length, 1, "dave sees his own tenant's only");
});

Deno.test("POST /api/v1/notification-deliveries/{id}/resend queues a dead delivery again, same id, attempts kept", async () => {
  const [dead] = (await list("?status=dead")).data;
  const res = await app.request(`${PATH}/${dead.id}/resend`, { method: "POST", headers: p.alice.bearer });
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals([body.id, body.status, body.attempt_count, body.attempts.length], [dead.id, "pending", 1, 1]);
  const [audit] = await sql`SELECT action, details FROM audits WHERE resource_id = ${dead.id}`;
  assertEquals(audit.action, "notification_delivery.resend");

  const again = await problem(
    await app.request(`${PATH}/${dead.id}/resend`, { method: "POST", headers: p.alice.bearer }),
    409,
  );
  assertStringIncludes(again.detail, "queued");

  await sql`UPDATE notification_channels SET broken = false WHERE id = ${channel}`;
  await createDispatcher(dispatcherDeps(sql, () => new Date())).tick();
  const after = await (await app.request(`${PATH}/${dead.id}`, { headers: p.alice.bearer })).json();
  assertEquals([after.status, after.attempt_count], ["sent", 2]);
  assertEquals(receiver.received.filter((r) => r.id === dead.id).length, 2, "the receiver saw the same id twice");
  await receiver.stop();
});
