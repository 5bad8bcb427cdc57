import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import { loadChannelForSending } from "../../services/notifications/channels.ts";
import { channelSecretAad } from "../../services/platform/secrets/fields.ts";
import { createKeyring } from "../../services/platform/secrets/crypto.ts";
import { rotateSecrets } from "../../services/platform/secrets/rotate.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";
import { startWebhookReceiver } from "../helpers/webhook_receiver.ts";
import { channelTestApp, json } from "./_setup.ts";

const { app, db } = await channelTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const API = "/api/v1/notification-channels";
const receiver = startWebhookReceiver();

async function create(body: unknown, headers = p.alice.bearer) {
  return await app.request(API, json("POST", body, headers));
}

async function storedRow(id: string) {
  const [row] = await sql`SELECT config, secret_ciphertext, key_id, broken FROM notification_channels WHERE id = ${id}`;
  return row;
}

Deno.test("a webhook channel without a secret gets a generated whsec_ secret, shown once and never again", async () => {
  const res = await create({ name: "Receiver", type: "webhook", config: { url: receiver.url } });
  assertEquals(res.status, 201);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  assertEquals(res.headers.get("Cache-Control"), "no-store");
  const body = await res.json();
  assertMatch(body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assertEquals(body.has_secret, true);
  assertEquals(body.config.url, receiver.url);
  assertEquals(body.config.secret_hint, `whsec_…${body.secret.slice(-4)}`);

  const again = await (await app.request(`${API}/${body.id}`, { headers: p.alice.bearer })).json();
  assertEquals(again.secret, undefined);
  assertFalse(JSON.stringify(again).includes(body.secret));
  const list = await (await app.request(API, { headers: p.alice.bearer })).json();
  assertFalse(JSON.stringify(list).includes(body.secret));
});

Deno.test("secrets are encrypted at rest, bound to their row, and never written to the audit trail", async () => {
  const token = "xoxb-1111-2222-supersecrettoken";
  const res = await create({ name: "On-call", type: "slack", config: { bot_token: token, channel: "C0ONCALL" } });
  assertEquals(res.status, 201);
  const body = await res.json();
  assertEquals(body.secret, undefined);
  assertEquals(body.config, { mode: "bot", channel: "C0ONCALL", secret_hint: "xoxb-…oken" });
  assertFalse(JSON.stringify(body).includes(token));

  const row = await storedRow(body.id);
  assertFalse(new TextDecoder().decode(row.secret_ciphertext).includes("supersecret"));
  assertFalse(JSON.stringify(row.config).includes(token));
  const keys = await createKeyring({ current: TEST_SECRET }, "notification_channel_secrets");
  assertEquals(row.key_id, keys.currentKeyId);
  const sealed = { ciphertext: new Uint8Array(row.secret_ciphertext), keyId: row.key_id };
  assertEquals(JSON.parse(await keys.decrypt(sealed, channelSecretAad(body.id))), { bot_token: token });

  const audits = await sql`SELECT action, details FROM audits WHERE resource_id = ${body.id}`;
  assertEquals(audits.map((a) => a.action), ["notification_channel.create"]);
  assertFalse(JSON.stringify(audits).includes("supersecret"));
});

Deno.test("bad settings are 422 naming the field, and nothing is stored", async () => {
  const [{ n: before }] = await sql`SELECT count(*)::int AS n FROM notification_channels`;
  const cases: [unknown, string][] = [
    [{ name: "S", type: "slack", config: { bot_token: "xoxb-1234-5678-abcd" } }, "config.channel"],
    [{ name: "S", type: "slack", config: { channel: "C1" } }, "config.bot_token"],
    [{ name: "S", type: "slack", config: {} }, "config.channel"],
    [{ name: "S", type: "slack", config: { bot_token: "nope", channel: "C1" } }, "config.bot_token"],
    [{ name: "E", type: "email", config: { to: ["not-an-address"] } }, "config.to.0"],
    [{ name: "E", type: "email", config: { to: [] } }, "config.to"],
    [{ name: "W", type: "webhook", config: { url: "ftp://example.com/x" } }, "config.url"],
    [{ name: "W", type: "webhook", config: { url: receiver.url, secret: "plain" } }, "config.secret"],
    [{ name: "W", type: "webhook", config: { url: receiver.url, extra: 1 } }, "config"],
    [{ name: "", type: "email", config: { to: ["a@example.com"] } }, "name"],
    [{ name: "X", type: "pager", config: {} }, "type"],
    [{ id: crypto.randomUUID(), name: "W", type: "email", config: { to: ["a@example.com"] } }, ""],
  ];
  for (const [body, path] of cases) {
    const res = await create(body);
    const prob = await problem(res, 422);
    assert(
      prob.errors.some((e: { path: string }) => e.path === path),
      `${JSON.stringify(body)}: expected an error on "${path}", got ${JSON.stringify(prob.errors)}`,
    );
  }
  const [{ n: after }] = await sql`SELECT count(*)::int AS n FROM notification_channels`;
  assertEquals(after, before);
});

Deno.test("webhook destinations in private ranges are refused unless OPSDECK_WEBHOOK_ALLOW lists them", async () => {
  for (const url of ["http://10.1.2.3/hook", "http://169.254.169.254/latest", "http://[::1]:8080/"]) {
    const prob = await problem(await create({ name: "W", type: "webhook", config: { url } }), 422);
    assertEquals(prob.errors[0].path, "config.url");
  }
  const slack = await create({ name: "S", type: "slack", config: { webhook_url: "http://192.168.1.10/services/x" } });
  const prob = await problem(slack, 422);
  assertEquals(prob.errors[0].path, "config.webhook_url");
  assertStringIncludes(prob.errors[0].message, "OPSDECK_WEBHOOK_ALLOW");
});

Deno.test("PATCH keeps the secret unless a new one is given, and saving clears broken", async () => {
  const created = await (await create({ name: "Hook", type: "webhook", config: { url: receiver.url } })).json();
  await sql`UPDATE notification_channels SET broken = true, last_error = 'HTTP 410' WHERE id = ${created.id}`;

  const renamed = await app.request(`${API}/${created.id}`, json("PATCH", { name: "Hook 2" }, p.alice.bearer));
  assertEquals(renamed.status, 200);
  const r = await renamed.json();
  assertEquals([r.name, r.broken, r.last_error, r.secret], ["Hook 2", false, null, undefined]);

  const moved = await app.request(
    `${API}/${created.id}`,
    json("PATCH", { config: { url: receiver.url + "/v2" } }, p.alice.bearer),
  );
  assertEquals((await moved.json()).config.url, receiver.url + "/v2");
  const loaded = await loadChannelForSending(sql, p.tenant.id, created.id, TEST_SECRET);
  assertEquals(loaded?.type === "webhook" && loaded.secret, created.secret);

  const fresh = "whsec_" + btoa("0123456789abcdef0123456789abcdef");
  await app.request(
    `${API}/${created.id}`,
    json("PATCH", { config: { url: receiver.url, secret: fresh } }, p.alice.bearer),
  );
  const reloaded = await loadChannelForSending(sql, p.tenant.id, created.id, TEST_SECRET);
  assertEquals(reloaded?.type === "webhook" && reloaded.secret, fresh);

  const typeChange = await app.request(`${API}/${created.id}`, json("PATCH", { type: "email" }, p.alice.bearer));
  await problem(typeChange, 422);
  const audits = await sql`SELECT action, details FROM audits WHERE resource_id = ${created.id} ORDER BY created_at`;
  assertEquals(audits.map((a) => a.action), [
    "notification_channel.create",
    "notification_channel.update",
    "notification_channel.update",
    "notification_channel.update",
  ]);
  assertFalse(JSON.stringify(audits).includes(fresh.slice(6)));
});

Deno.test("a Slack channel can switch from bot to incoming webhook and keeps its token when only the channel moves", async () => {
  const token = "xoxb-9999-8888-keepme";
  const c = await (await create({ name: "S", type: "slack", config: { bot_token: token, channel: "C1" } })).json();
  await app.request(`${API}/${c.id}`, json("PATCH", { config: { channel: "C2" } }, p.alice.bearer));
  const bot = await loadChannelForSending(sql, p.tenant.id, c.id, TEST_SECRET);
  assertEquals(bot, {
    id: c.id,
    tenantId: p.tenant.id,
    name: "S",
    broken: false,
    type: "slack",
    mode: "bot",
    channel: "C2",
    botToken: token,
  });
  const hook = "http://127.0.0.1:9/services/T/B/X";
  const res = await app.request(`${API}/${c.id}`, json("PATCH", { config: { webhook_url: hook } }, p.alice.bearer));
  assertEquals((await res.json()).config, { mode: "webhook", secret_hint: "http://127.0.0.1:9/…" });
  const loaded = await loadChannelForSending(sql, p.tenant.id, c.id, TEST_SECRET);
  assertEquals(loaded?.type === "slack" && loaded.mode === "webhook" && loaded.webhookUrl, hook);
});

Deno.test("only admins see channels: employees, clients and other tenants get 404", async () => {
  const c = await (await create({ name: "Mail", type: "email", config: { to: ["ops@example.com"] } })).json();
  for (const who of [p.bob, p.carol, p.dave]) {
    await problem(await app.request(`${API}/${c.id}`, { headers: who.bearer }), 404);
    await problem(await app.request(`${API}/${c.id}`, json("PATCH", { name: "x" }, who.bearer)), 404);
    await problem(await app.request(`${API}/${c.id}`, { method: "DELETE", headers: who.bearer }), 404);
    await problem(await app.request(`${API}/${c.id}/test`, { method: "POST", headers: who.bearer }), 404);
  }
  await problem(await app.request(API, { headers: p.bob.bearer }), 404);
  await problem(await app.request(API), 401);
  const dave = await (await app.request(API, { headers: p.dave.bearer })).json();
  assertEquals(dave.data, []);
});

Deno.test("the list pages by name with a cursor", async () => {
  for (const name of ["b", "a", "C"]) {
    await create({ name, type: "email", config: { to: ["x@example.com"] } }, p.dave.bearer);
  }
  const first = await (await app.request(`${API}?limit=2`, { headers: p.dave.bearer })).json();
  assertEquals(first.data.map((c: { name: string }) => c.name), ["a", "b"]);
  const second = await (await app.request(`${API}?limit=2&cursor=${first.next_cursor}`, { headers: p.dave.bearer }))
    .json();
  assertEquals([second.data.map((c: { name: string }) => c.name), second.next_cursor], [["C"], null]);
});

Deno.test("DELETE removes the channel (204), audited; a second DELETE is 404", async () => {
  const c = await (await create({ name: "Gone", type: "email", config: { to: ["x@example.com"] } })).json();
  const res = await app.request(`${API}/${c.id}`, { method: "DELETE", headers: p.alice.bearer });
  assertEquals(res.status, 204);
  await problem(await app.request(`${API}/${c.id}`, { method: "DELETE", headers: p.alice.bearer }), 404);
  const [audit] = await sql`SELECT action FROM audits WHERE resource_id = ${c.id} AND action LIKE '%.delete'`;
  assertEquals(audit.action, "notification_channel.delete");
});

Deno.test("send test over the API: a signed channel.test delivery the receiver verifies, logged as a delivery", async () => {
  const c = await (await create({ name: "Tested", type: "webhook", config: { url: receiver.url } })).json();
  receiver.secret = c.secret;
  const res = await app.request(`${API}/${c.id}/test`, { method: "POST", headers: p.alice.bearer });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const result = await res.json();
  assertEquals([result.ok, result.response_code, result.error], [true, 200, null]);
  const got = receiver.received.at(-1)!;
  assertEquals([got.verified, got.id], [true, result.delivery_id]);
  const body = JSON.parse(got.body);
  assertEquals([body.type, body.data.channel.name], ["channel.test", "Tested"]);
  const [delivery] = await sql`SELECT status, event_type FROM notification_deliveries WHERE id = ${result.delivery_id}`;
  assertEquals([delivery.status, delivery.event_type], ["sent", "channel.test"]);
  const channel = await (await app.request(`${API}/${c.id}`, { headers: p.alice.bearer })).json();
  assert(channel.last_success_at);

  receiver.answer({ status: 500, body: "boom" });
  const failed = await (await app.request(`${API}/${c.id}/test`, { method: "POST", headers: p.alice.bearer })).json();
  assertEquals([failed.ok, failed.response_code, failed.error], [false, 500, "HTTP 500: boom"]);
});

Deno.test("secrets:rotate re-encrypts channel secrets that the new key then opens", async () => {
  const NEW = "new-secret-new-secret-new-secret-99999999";
  const c = await (await create({ name: "Rotated", type: "webhook", config: { url: receiver.url } })).json();
  const result = await rotateSecrets(sql, { current: NEW, previous: [TEST_SECRET] });
  assert(result.rotated >= 1);
  assertEquals(result.failed, 0);
  const loaded = await loadChannelForSending(sql, p.tenant.id, c.id, NEW);
  assertEquals(loaded?.type === "webhook" && loaded.secret, c.secret);
  const previousOnly = await loadChannelForSending(sql, p.tenant.id, c.id, TEST_SECRET, [NEW]);
  assertEquals(previousOnly?.type === "webhook" && previousOnly.secret, c.secret);
  await rotateSecrets(sql, { current: TEST_SECRET, previous: [NEW] });
});

addEventListener("unload", () => receiver.stop());
