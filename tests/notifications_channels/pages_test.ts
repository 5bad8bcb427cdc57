import { assert, assertEquals, assertFalse, assertStringIncludes } from "@std/assert";
import { genPersonas } from "../helpers/fixtures.ts";
import { startWebhookReceiver } from "../helpers/webhook_receiver.ts";
import { channelTestApp } from "./_setup.ts";

const { app, db } = await channelTestApp({ OPSDECK_BASE_URL: "" });
const sql = db.sql;
const p = await genPersonas(sql);
const receiver = startWebhookReceiver();

const form = (fields: Record<string, string>, extra: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { ...p.alice.cookie, "Content-Type": "application/x-www-form-urlencoded", ...extra },
  body: new URLSearchParams(fields).toString(),
});

Deno.test("the channels page starts with a friendly empty state and the Slack form", async () => {
  const res = await app.request("/notifications", { headers: p.dave.cookie });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "text/html; charset=UTF-8");
  const page = await res.text();
  assertStringIncludes(page, "No channels yet.");
  assertStringIncludes(page, 'name="config.bot_token"');
  assertStringIncludes(page, 'href="/notifications/rules"');
  const email = await (await app.request("/notifications?type=email", { headers: p.dave.cookie })).text();
  assertStringIncludes(email, "SMTP_URL is not set");
});

Deno.test("employees and clients cannot open the channel pages", async () => {
  for (const who of [p.bob, p.carol]) {
    const res = await app.request("/notifications", { headers: who.cookie });
    assertEquals(res.status, 404);
  }
});

Deno.test("an invalid form is shown again with inline errors, secrets not echoed, nothing stored", async () => {
  const res = await app.request(
    "/notifications/channels",
    form({ type: "slack", name: "Ops", "config.bot_token": "xoxb-1234-5678-secretvalue" }),
  );
  assertEquals(res.status, 422);
  const page = await res.text();
  assertStringIncludes(page, 'id="config.channel-error"');
  assertStringIncludes(page, "Which channel should the bot post to?");
  assertStringIncludes(page, 'value="Ops"');
  assertFalse(page.includes("secretvalue"));
  const emailRes = await app.request(
    "/notifications/channels",
    form({ type: "email", name: "M", "config.to": "a@x.io, nope" }),
  );
  assertEquals(emailRes.status, 422);
  assertStringIncludes(await emailRes.text(), 'id="config.to-error"');
  const [{ n }] = await sql`SELECT count(*)::int AS n FROM notification_channels WHERE tenant_id = ${p.tenant.id}`;
  assertEquals(n, 0);
});

Deno.test("creating a webhook channel shows its generated secret once; edit, test in place, delete", async () => {
  const created = await app.request(
    "/notifications/channels",
    form({ type: "webhook", name: "Hook", "config.url": receiver.url }),
  );
  assertEquals(created.status, 200);
  assertEquals(created.headers.get("Cache-Control"), "no-store");
  const page = await created.text();
  const secret = page.match(/value="(whsec_[^"]+)"/)![1];
  receiver.secret = secret;
  const [row] = await sql`SELECT id FROM notification_channels WHERE tenant_id = ${p.tenant.id} AND name = 'Hook'`;
  const detail = await (await app.request(`/notifications/channels/${row.id}`, { headers: p.alice.cookie })).text();
  assertFalse(detail.includes(secret));
  assertStringIncludes(detail, "Nothing has been sent yet.");

  const test = await app.request(`/notifications/channels/${row.id}/test`, form({}, { "HX-Request": "true" }));
  assertEquals(test.status, 200);
  const fragment = await test.text();
  assertFalse(fragment.includes("<html"));
  assertStringIncludes(fragment, "Sent (200)");
  assert(receiver.received.at(-1)!.verified);

  const saved = await app.request(
    `/notifications/channels/${row.id}`,
    form({ name: "Hook 2", "config.url": receiver.url }),
  );
  assertEquals([saved.status, saved.headers.get("Location")], [303, `/notifications/channels/${row.id}`]);
  const after = await (await app.request(`/notifications/channels/${row.id}`, { headers: p.alice.cookie })).text();
  assertStringIncludes(after, "Hook 2");
  assertStringIncludes(after, "channel.test");

  const gone = await app.request(`/notifications/channels/${row.id}/delete`, form({}, { "HX-Request": "true" }));
  assertEquals([gone.status, await gone.text()], [200, ""]);
  assertEquals((await app.request(`/notifications/channels/${row.id}`, { headers: p.alice.cookie })).status, 404);
});

Deno.test("a Slack channel is created with a redirect to its page, which never shows the token", async () => {
  const res = await app.request(
    "/notifications/channels",
    form({ type: "slack", name: "Alerts", "config.channel": "C0PAGE", "config.bot_token": "xoxb-1234-5678-pagetoken" }),
  );
  assertEquals(res.status, 303);
  const detail = await (await app.request(res.headers.get("Location")!, { headers: p.alice.cookie })).text();
  assertStringIncludes(detail, "bot in C0PAGE");
  assertStringIncludes(detail, "leave blank to keep the stored one");
  assertFalse(detail.includes("pagetoken"));
});

Deno.test("posting without the CSRF token is refused", async () => {
  const { "X-CSRF-Token": _, ...noToken } = p.alice.cookie;
  const res = await app.request("/notifications/channels", {
    method: "POST",
    headers: { ...noToken, "Content-Type": "application/x-www-form-urlencoded" },
    body: "type=email&name=x&config.to=a%40example.com",
  });
  assertEquals(res.status, 403);
});

addEventListener("unload", () => receiver.stop());
