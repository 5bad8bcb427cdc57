import { assertEquals } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { genChannel } from "./_outbox.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const channel = await genChannel(sql, p.tenant.id, { name: "#ops" });
const otherChannel = await genChannel(sql, p.other.id);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });

const PATH = "/api/v1/notification-rules";
const auditsFor = (id: string) =>
  sql<{ action: string }[]>`SELECT action FROM audits WHERE resource_id = ${id} ORDER BY created_at`;
const ruleCount = async () => (await sql`SELECT count(*)::int AS n FROM notification_rules`)[0].n;

async function create(body: Record<string, unknown>, headers = p.alice.bearer) {
  return await app.request(PATH, jsonRequest("POST", body, headers));
}

Deno.test("POST /api/v1/notification-rules creates a rule and audits it", async () => {
  const res = await create({ event_types: ["health_check.down"], channel_id: channel, project_id: shop.id });
  assertEquals(res.status, 201);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const rule = await res.json();
  assertEquals(
    [rule.channel_name, rule.project_name, rule.mode, rule.digest_minutes, rule.enabled, rule.event_types],
    ["#ops", "Acme shop", "immediate", null, true, ["health_check.down"]],
  );
  assertEquals((await auditsFor(rule.id)).map((a) => a.action), ["notification_rule.create"]);
});

Deno.test("POST /api/v1/notification-rules refuses bad input naming the field, storing nothing", async (t) => {
  const before = await ruleCount();
  const cases: [string, Record<string, unknown>, string][] = [
    ["another tenant's channel", { event_types: ["alert.triggered"], channel_id: otherChannel }, "channel_id"],
    ["an unknown event type", { event_types: ["coffee.ready"], channel_id: channel }, "event_types.0"],
    ["no event types", { event_types: [], channel_id: channel }, "event_types"],
    [
      "a digest without window",
      { event_types: ["alert.triggered"], channel_id: channel, mode: "digest" },
      "digest_minutes",
    ],
    ["a field nobody sets", { event_types: ["alert.triggered"], channel_id: channel, tenant_id: p.other.id }, ""],
    ["another tenant's project", {
      event_types: ["alert.triggered"],
      channel_id: channel,
      project_id: crypto.randomUUID(),
    }, "project_id"],
  ];
  for (const [name, body, path] of cases) {
    await t.step(name, async () => {
      const body422 = await problem(await create(body), 422);
      assertEquals(body422.errors.some((e: { path: string }) => e.path === path), true, JSON.stringify(body422));
    });
  }
  assertEquals(await ruleCount(), before);
});

Deno.test("notification rules are admin-only: others get 404, another tenant's ids 404", async () => {
  const rule = await (await create({ event_types: ["deployment.failed"], channel_id: channel })).json();
  for (const who of [p.bob, p.carol]) {
    await problem(await app.request(PATH, { headers: who.bearer }), 404);
    await problem(await app.request(`${PATH}/${rule.id}`, { headers: who.bearer }), 404);
  }
  await problem(await app.request(`${PATH}/${rule.id}`, { headers: p.dave.bearer }), 404);
  await problem(await app.request(`${PATH}/${rule.id}`, jsonRequest("PATCH", { enabled: false }, p.dave.bearer)), 404);
  await problem(await app.request(`${PATH}/${rule.id}`, { method: "DELETE", headers: p.dave.bearer }), 404);
  await problem(await app.request(PATH), 401);
});

Deno.test("PATCH and DELETE /api/v1/notification-rules/{id}: change, switch to digest, delete; each audited", async () => {
  const rule = await (await create({ event_types: ["deployment.failed"], channel_id: channel })).json();
  let res = await app.request(`${PATH}/${rule.id}`, jsonRequest("PATCH", { enabled: false }, p.alice.bearer));
  assertEquals(res.status, 200);
  assertEquals((await res.json()).enabled, false);
  await problem(await app.request(`${PATH}/${rule.id}`, jsonRequest("PATCH", { mode: "digest" }, p.alice.bearer)), 422);
  res = await app.request(
    `${PATH}/${rule.id}`,
    jsonRequest("PATCH", { mode: "digest", digest_minutes: 30 }, p.alice.bearer),
  );
  assertEquals([(await res.json()).mode, res.status], ["digest", 200]);
  res = await app.request(`${PATH}/${rule.id}`, { method: "DELETE", headers: p.alice.bearer });
  assertEquals(res.status, 204);
  await problem(await app.request(`${PATH}/${rule.id}`, { headers: p.alice.bearer }), 404);
  assertEquals((await auditsFor(rule.id)).map((a) => a.action), [
    "notification_rule.create",
    "notification_rule.update",
    "notification_rule.update",
    "notification_rule.delete",
  ]);
});

Deno.test("GET /api/v1/notification-rules pages with next_cursor and filters by channel", async () => {
  const second = await genChannel(sql, p.tenant.id);
  for (let i = 0; i < 3; i++) await create({ event_types: ["alert.resolved"], channel_id: second });
  const first = await (await app.request(`${PATH}?channel_id=${second}&limit=2`, { headers: p.alice.bearer })).json();
  assertEquals(first.data.length, 2);
  const next = await (await app.request(`${PATH}?channel_id=${second}&limit=2&cursor=${first.next_cursor}`, {
    headers: p.alice.bearer,
  })).json();
  assertEquals([next.data.length, next.next_cursor], [1, null]);
});
