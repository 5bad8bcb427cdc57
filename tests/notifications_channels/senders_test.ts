import { assert, assertEquals, assertFalse, assertStringIncludes } from "@std/assert";
import { withTenant } from "../../db/tenant.ts";
import { principalFromSession } from "../../services/auth/sessions.ts";
import { createChannel, loadChannelForSending } from "../../services/notifications/channels.ts";
import type { SendableChannel } from "../../services/notifications/channels/registry.ts";
import type { OutgoingDelivery } from "../../services/notifications/channels/kind.ts";
import { sendDelivery } from "../../services/notifications/send.ts";
import { NO_SMTP } from "../../services/notifications/channels/email/send.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { startTestSmtp } from "../helpers/mail.ts";
import { startSlackStandIn } from "../helpers/slack_api.ts";
import { startWebhookReceiver } from "../helpers/webhook_receiver.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { genAlert, sendDeps, testConfig } from "./_setup.ts";

const db = await createTestDatabase();
const sql = db.sql;
const p = await genPersonas(sql);
const slack = startSlackStandIn();
const receiver = startWebhookReceiver();
const smtp = await startTestSmtp();
const config = testConfig({ SLACK_API_URL: slack.apiUrl, SMTP_URL: smtp.url });
const NOW = new Date("2026-11-23T10:00:00Z");
const deps = sendDeps(sql, config, p.tenant.id, NOW);
const ctx = { actor: null, actorLabel: "test", ip: null, userAgent: null, now: NOW };
const EVIL = "<!channel> & <b>x</b>";

async function channel(type: "slack" | "email" | "webhook", cfg: Record<string, unknown>): Promise<SendableChannel> {
  const principal = (await principalFromSession(sql, p.alice.token, new Date()))!;
  const input = { name: `${type} channel`, type, config: cfg } as Parameters<typeof createChannel>[2];
  const { row } = await createChannel(sql, principal, input, { ...ctx, actor: principal }, {
    secret: TEST_SECRET,
    config,
  });
  return (await loadChannelForSending(sql, p.tenant.id, row.id, TEST_SECRET))!;
}

function delivery(eventType: string, payload: Record<string, unknown>, id = crypto.randomUUID()): OutgoingDelivery {
  return { id, eventId: crypto.randomUUID(), eventType, payload, createdAt: NOW, attempt: 1 };
}

const down = () =>
  delivery("health_check.down", {
    check: { id: crypto.randomUUID(), name: "API health", path: "/checks/1" },
    project: { id: crypto.randomUUID(), name: EVIL },
    result: { error: "connection refused", latency_ms: 12 },
  });

Deno.test("webhook: signed per Standard Webhooks, the same webhook-id on every retry, JSON envelope", async () => {
  const ch = await channel("webhook", { url: receiver.url });
  assert(ch.type === "webhook");
  receiver.secret = ch.secret;
  const d = down();
  receiver.answer({ status: 503 });
  const first = await sendDelivery(ch, d, deps);
  assertEquals([first.ok, first.responseCode, first.permanent], [false, 503, false]);
  const second = await sendDelivery(ch, { ...d, attempt: 2 }, deps);
  assertEquals([second.ok, second.responseCode, second.error], [true, 200, null]);
  const [a, b] = receiver.received.slice(-2);
  assertEquals([a.id, b.id], [d.id, d.id]);
  assert(a.verified && b.verified);
  assertEquals(b.timestamp, String(NOW.getTime() / 1000));
  assertEquals(b.headers.get("content-type"), "application/json");
  const body = JSON.parse(b.body);
  assertEquals(body.type, "health_check.down");
  assertEquals(body.timestamp, NOW.toISOString());
  assertEquals(body.data.event_id, d.eventId);
  assertEquals(body.data.project.name, EVIL);
  assertEquals(body.data.result, { error: "connection refused", latency_ms: 12 });
});

Deno.test("webhook: a bad secret fails the receiver's check; 429 honours Retry-After; 404/410 are permanent", async () => {
  const ch = await channel("webhook", { url: receiver.url });
  assert(ch.type === "webhook");
  receiver.secret = "whsec_" + btoa("a different secret entirely!!");
  const refused = await sendDelivery(ch, down(), deps);
  assertEquals([refused.ok, refused.responseCode, refused.permanent], [false, 401, false]);
  assertFalse(receiver.received.at(-1)!.verified);
  receiver.secret = ch.secret;
  receiver.answer({ status: 429, retryAfter: "7" });
  const limited = await sendDelivery(ch, down(), deps);
  assertEquals([limited.ok, limited.responseCode, limited.retryAfterMs], [false, 429, 7000]);
  for (const status of [404, 410]) {
    receiver.answer({ status });
    const gone = await sendDelivery(ch, down(), deps);
    assertEquals([gone.ok, gone.responseCode, gone.permanent], [false, status, true]);
  }
  receiver.answer({ status: 302 });
  const moved = await sendDelivery(ch, down(), deps);
  assertEquals([moved.ok, moved.responseCode], [false, 302]);
});

Deno.test("webhook: connection refused and a destination refused at send time are failures to retry", async () => {
  const ch = await channel("webhook", { url: receiver.url });
  assert(ch.type === "webhook");
  const closed = await sendDelivery({ ...ch, url: "http://127.0.0.1:9/nothing" }, down(), deps);
  assertEquals([closed.ok, closed.responseCode, closed.permanent], [false, null, undefined]);
  const strict = { ...deps, config: testConfig({ OPSDECK_WEBHOOK_ALLOW: "" }) };
  const blocked = await sendDelivery(ch, down(), strict);
  assertFalse(blocked.ok);
  assertStringIncludes(blocked.error!, "refused by the webhook policy");
});

Deno.test("timeouts: a receiver or Slack answering too late is a failure to retry", async () => {
  const hook = await channel("webhook", { url: receiver.url });
  receiver.answer({ status: 200, delayMs: 500 });
  const slow = await sendDelivery(hook, down(), { ...deps, timeoutMs: 100 });
  assertEquals([slow.ok, slow.responseCode, slow.permanent], [false, null, undefined]);
  assertStringIncludes(slow.error!, "timed out after 100 ms");
  const bot = await channel("slack", { bot_token: "xoxb-1-2-stand-in-token", channel: "C0SLOW" });
  slack.fail("chat.postMessage", { hangMs: 500 });
  const late = await sendDelivery(bot, down(), { ...deps, timeoutMs: 100 });
  assertEquals([late.ok, late.error], [false, "Slack: no answer within 100 ms"]);
  await new Promise((resolve) => setTimeout(resolve, 500));
});

Deno.test("slack bot: Block Kit through the SDK, names escaped, mentions neutralised", async () => {
  const ch = await channel("slack", { bot_token: "xoxb-1-2-stand-in-token", channel: "C0ALERTS" });
  const result = await sendDelivery(ch, down(), deps);
  assertEquals([result.ok, result.responseCode, result.error], [true, 200, null]);
  const call = slack.calls.at(-1)!;
  assertEquals([call.method, call.token, call.args.channel], [
    "chat.postMessage",
    "xoxb-1-2-stand-in-token",
    "C0ALERTS",
  ]);
  const wire = JSON.stringify(call.args);
  assertFalse(wire.includes("<!channel>"));
  assertFalse(wire.includes("<b>"));
  assertStringIncludes(String(call.args.text), "DOWN: API health (&lt;!channel&gt; &amp; &lt;b&gt;x&lt;/b&gt;)");
  const blocks = call.args.blocks as { type: string; elements?: { text: string }[] }[];
  assertEquals(blocks.map((b) => b.type), ["header", "section", "section", "context"]);
  assertStringIncludes(blocks[3].elements![0].text, "<https://ops.example.com/checks/1|Open in Opsdeck>");
});

Deno.test("slack bot: an alert posts with buttons, then its acknowledgement edits the same message", async () => {
  const ch = await channel("slack", { bot_token: "xoxb-1-2-stand-in-token", channel: "C0ALERTS" });
  const alertId = await genAlert(sql, p.tenant.id);
  const alert = (status: string) => ({
    alert: { id: alertId, status, severity: "critical", summary: "@here API down" },
  });
  assert((await sendDelivery(ch, delivery("alert.triggered", alert("triggered")), deps)).ok);
  const posted = slack.calls.at(-1)!;
  const actions = (posted.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
    .find((b) => b.type === "actions")!;
  assertEquals(actions.elements!.map((e) => [e.action_id, e.value]), [
    ["opsdeck_acknowledge", alertId],
    ["opsdeck_snooze_1h", alertId],
    ["opsdeck_resolve", alertId],
  ]);
  assertFalse(JSON.stringify(posted.args).includes("@here"));
  const [stored] = await withTenant(
    sql,
    p.tenant.id,
    (tx) => tx`SELECT slack_channel, ts FROM slack_messages WHERE alert_id = ${alertId}`,
  );
  assertEquals(stored.slack_channel, "C0ALERTS");

  const ack = { ...alert("acknowledged"), actor: { label: "Alice" } };
  assert((await sendDelivery(ch, delivery("alert.acknowledged", ack), deps)).ok);
  const update = slack.calls.at(-1)!;
  assertEquals([update.method, update.args.channel, update.args.ts], ["chat.update", "C0ALERTS", stored.ts]);
  const buttons = (update.args.blocks as { type: string; elements?: { action_id: string }[] }[])
    .find((b) => b.type === "actions")!.elements!.map((e) => e.action_id);
  assertEquals(buttons, ["opsdeck_snooze_1h", "opsdeck_resolve"]);

  assert((await sendDelivery(ch, delivery("alert.resolved", alert("resolved")), deps)).ok);
  const resolved = slack.calls.at(-1)!;
  assertEquals([resolved.method, resolved.args.ts], ["chat.update", stored.ts]);
  assertFalse((resolved.args.blocks as { type: string }[]).some((b) => b.type === "actions"));
});

Deno.test("slack bot: ratelimited answers give Retry-After; channel_not_found and friends are permanent; 500 retries", async () => {
  const ch = await channel("slack", { bot_token: "xoxb-1-2-stand-in-token", channel: "C0ALERTS" });
  slack.fail("chat.postMessage", { status: 429, retryAfter: 30 });
  const http429 = await sendDelivery(ch, down(), deps);
  assertEquals([http429.ok, http429.responseCode, http429.retryAfterMs], [false, 429, 30_000]);
  slack.fail("chat.postMessage", { error: "ratelimited", retryAfter: 5 });
  const body429 = await sendDelivery(ch, down(), deps);
  assertEquals([body429.ok, body429.retryAfterMs, body429.error], [false, 5000, "Slack: ratelimited"]);
  for (const error of ["channel_not_found", "invalid_auth", "account_inactive", "not_in_channel"]) {
    slack.fail("chat.postMessage", { error });
    const r = await sendDelivery(ch, down(), deps);
    assertEquals([r.ok, r.permanent, r.error], [false, true, `Slack: ${error}`]);
  }
  slack.fail("chat.postMessage", { status: 500 });
  const broken = await sendDelivery(ch, down(), deps);
  assertEquals([broken.ok, broken.responseCode, broken.permanent], [false, 500, undefined]);
});

Deno.test("slack incoming webhook: JSON without buttons; 404/410 permanent; 500 retried", async () => {
  const ch = await channel("slack", { webhook_url: slack.webhookUrl });
  assert((await sendDelivery(ch, down(), deps)).ok);
  const posted = slack.webhookPosts.at(-1)!;
  assertStringIncludes(String(posted.text), "&lt;!channel&gt;");
  slack.fail("webhook", { status: 410 });
  const gone = await sendDelivery(ch, down(), deps);
  assertEquals([gone.ok, gone.responseCode, gone.permanent], [false, 410, true]);
  slack.fail("webhook", { status: 500 });
  const failed = await sendDelivery(ch, down(), deps);
  assertEquals([failed.ok, failed.responseCode, failed.permanent], [false, 500, false]);
});

Deno.test("email: one message to every recipient, clear subject, text and HTML parts with names escaped", async () => {
  const ch = await channel("email", { to: ["ops@example.com", "oncall@example.com"] });
  const result = await sendDelivery(ch, down(), deps);
  assertEquals([result.ok, result.responseCode], [true, 250]);
  const mail = smtp.messages.at(-1)!;
  assertEquals(mail.to.sort(), ["oncall@example.com", "ops@example.com"]);
  const raw = mail.raw.replace(/=\r?\n/g, "");
  assertStringIncludes(raw, "text/plain");
  assertStringIncludes(raw, "text/html");
  assertStringIncludes(raw, "&lt;b&gt;x&lt;/b&gt;");
  assertFalse(raw.includes("<b>x</b></"));
  assertStringIncludes(raw, "https://ops.example.com/checks/1");
  const subject = raw.match(/^Subject: (.*)$/m)![1];
  assertStringIncludes(subject, "[Opsdeck] DOWN: API health (");
});

Deno.test("email: without SMTP_URL the send fails with a message saying so", async () => {
  const ch = await channel("email", { to: ["ops@example.com"] });
  const result = await sendDelivery(ch, down(), { ...deps, config: testConfig() });
  assertEquals([result.ok, result.error, result.permanent], [false, NO_SMTP, undefined]);
});

Deno.test("a digest is one message listing every grouped event, carrying the lead delivery's id", async () => {
  const ch = await channel("webhook", { url: receiver.url });
  assert(ch.type === "webhook");
  receiver.secret = ch.secret;
  const items = [
    down(),
    down(),
    delivery("deployment.failed", { deployment: { environment: "prod" }, project: { name: "Shop" } }),
  ];
  const result = await sendDelivery(ch, { ...items[0], digest: items }, deps);
  assert(result.ok);
  const got = receiver.received.at(-1)!;
  assertEquals(got.id, items[0].id);
  const body = JSON.parse(got.body);
  assertEquals(body.type, "digest");
  assertEquals(body.data.items.map((i: { type: string }) => i.type), [
    "health_check.down",
    "health_check.down",
    "deployment.failed",
  ]);
  const sl = await channel("slack", { bot_token: "xoxb-1-2-stand-in-token", channel: "C0DIGEST" });
  assert((await sendDelivery(sl, { ...items[0], digest: items }, deps)).ok);
  assertStringIncludes(JSON.stringify(slack.calls.at(-1)!.args.blocks), "Deployment FAILED: Shop to prod");
});

addEventListener("unload", () => {
  slack.stop();
  receiver.stop();
  smtp.stop();
});
