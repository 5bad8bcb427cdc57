import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { withTenant } from "../../db/tenant.ts";
import { principalFromSession } from "../../services/auth/sessions.ts";
import { createChannel, loadChannelForSending } from "../../services/notifications/channels.ts";
import { sendDelivery } from "../../services/notifications/send.ts";
import { createDispatcher } from "../../services/notifications/dispatcher.ts";
import { silentLogger } from "../../services/platform/logger.ts";
import { slackSignature } from "../../services/slack/signature.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";
import { startSlackStandIn } from "../helpers/slack_api.ts";
import { channelTestApp, genAlert, sendDeps, SIGNING_SECRET, testConfig } from "./_setup.ts";

const slack = startSlackStandIn();
const NOW = new Date("2026-11-23T10:00:00Z");
const { app, db } = await channelTestApp({ SLACK_API_URL: slack.apiUrl }, () => NOW);
const sql = db.sql;
const p = await genPersonas(sql);
const config = testConfig({ SLACK_API_URL: slack.apiUrl });
slack.users.set("UALICE", p.alice.user.email.toUpperCase());
slack.users.set("UCAROL", p.carol.user.email);
slack.users.set("USTRANGER", "stranger@example.com");

const admin = (await principalFromSession(sql, p.alice.token, new Date()))!;
const ctx = { actor: admin, ip: null, userAgent: null, now: NOW };
const { row: channelRow } = await createChannel(
  sql,
  admin,
  {
    name: "On-call",
    type: "slack",
    config: { bot_token: "xoxb-1-2-interactions", channel: "C0ONCALL" },
  },
  ctx,
  { secret: TEST_SECRET, config },
);
const channel = (await loadChannelForSending(sql, p.tenant.id, channelRow.id, TEST_SECRET))!;

/** An alert posted to Slack by the real sender, so its message ts is known. */
async function postedAlert() {
  const alertId = await genAlert(sql, p.tenant.id, "Checkout is down");
  const d = {
    id: crypto.randomUUID(),
    eventId: crypto.randomUUID(),
    eventType: "alert.triggered",
    payload: { alert: { id: alertId, status: "triggered", summary: "Checkout is down" } },
    createdAt: NOW,
    attempt: 1,
  };
  assert((await sendDelivery(channel, d, sendDeps(sql, config, p.tenant.id, NOW))).ok);
  const [m] = await withTenant(sql, p.tenant.id, (tx) => tx`SELECT ts FROM slack_messages WHERE alert_id = ${alertId}`);
  return { alertId, ts: m.ts as string };
}

function payload(user: string, action: string, alertId: string, ts: string) {
  return {
    type: "block_actions",
    user: { id: user, username: "someone" },
    container: { type: "message", channel_id: "C0ONCALL", message_ts: ts },
    channel: { id: "C0ONCALL" },
    message: { ts },
    actions: [{ action_id: action, value: alertId, type: "button" }],
    response_url: "https://hooks.slack.com/actions/T/1/x",
  };
}

async function interact(body: unknown, o: { at?: Date; secret?: string } = {}) {
  const raw = new URLSearchParams({ payload: JSON.stringify(body) }).toString();
  const timestamp = String(Math.floor((o.at ?? NOW).getTime() / 1000));
  return await app.request("/slack/interactions", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Slack-Request-Timestamp": timestamp,
      "X-Slack-Signature": await slackSignature(o.secret ?? SIGNING_SECRET, timestamp, raw),
    },
    body: raw,
  });
}

const statusOf = async (alertId: string) =>
  (await sql`SELECT status, acknowledged_by FROM alerts WHERE id = ${alertId}`)[0];

Deno.test("a signed Acknowledge click acts as the Opsdeck user with the Slack user's e-mail", async () => {
  const { alertId, ts } = await postedAlert();
  const res = await interact(payload("UALICE", "opsdeck_acknowledge", alertId, ts));
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const body = await res.json();
  assertEquals([body.response_type, body.replace_original], ["ephemeral", false]);
  assertStringIncludes(body.text, "Acknowledged");
  assertEquals(await statusOf(alertId), { status: "acknowledged", acknowledged_by: p.alice.user.id });
  const info = slack.calls.filter((c) => c.method === "users.info").at(-1)!;
  assertEquals([info.token, info.args.user], ["xoxb-1-2-interactions", "UALICE"]);
  const [audit] = await sql`SELECT actor_user_id, action FROM audits WHERE resource_id = ${alertId}`;
  assertEquals([audit.actor_user_id, audit.action], [p.alice.user.id, "alert.acknowledge"]);
});

Deno.test("Snooze 1 h and Resolve clicks go through the same lifecycle", async () => {
  const { alertId, ts } = await postedAlert();
  const snoozed = await (await interact(payload("UALICE", "opsdeck_snooze_1h", alertId, ts))).json();
  assertStringIncludes(snoozed.text, "Snoozed until 11:00 UTC");
  const [row] = await sql`SELECT status, snoozed_until FROM alerts WHERE id = ${alertId}`;
  assertEquals([row.status, row.snoozed_until.toISOString()], ["snoozed", "2026-11-23T11:00:00.000Z"]);
  const resolved = await (await interact(payload("UALICE", "opsdeck_resolve", alertId, ts))).json();
  assertStringIncludes(resolved.text, "Resolved");
  assertEquals((await statusOf(alertId)).status, "resolved");
  const again = await (await interact(payload("UALICE", "opsdeck_resolve", alertId, ts))).json();
  assertStringIncludes(again.text, "already resolved");
});

Deno.test("a badly signed interaction is 401 and changes nothing", async () => {
  const { alertId, ts } = await postedAlert();
  const res = await interact(payload("UALICE", "opsdeck_acknowledge", alertId, ts), { secret: "not-the-secret" });
  await problem(res, 401);
  assertEquals((await statusOf(alertId)).status, "triggered");
  const unsigned = await app.request("/slack/interactions", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "payload=%7B%7D",
  });
  await problem(unsigned, 401);
});

Deno.test("a correctly signed but stale interaction (over 5 minutes old) is 401 and changes nothing", async () => {
  const { alertId, ts } = await postedAlert();
  const stale = await interact(payload("UALICE", "opsdeck_acknowledge", alertId, ts), {
    at: new Date(NOW.getTime() - 6 * 60_000),
  });
  const body = await problem(stale, 401);
  assertStringIncludes(body.detail, "5 minutes");
  assertEquals((await statusOf(alertId)).status, "triggered");
});

Deno.test("unknown Slack users, client users who cannot see the alert, and foreign messages get an ephemeral answer", async () => {
  const { alertId, ts } = await postedAlert();
  const stranger = await (await interact(payload("USTRANGER", "opsdeck_acknowledge", alertId, ts))).json();
  assertStringIncludes(stranger.text, "No active Opsdeck account uses stranger@example.com");
  const carol = await (await interact(payload("UCAROL", "opsdeck_acknowledge", alertId, ts))).json();
  assertEquals(carol.text, "You cannot see this alert in Opsdeck.");
  const other = await genAlert(sql, p.tenant.id, "Another alert");
  const mismatch = await (await interact(payload("UALICE", "opsdeck_acknowledge", other, ts))).json();
  assertStringIncludes(mismatch.text, "not an Opsdeck alert");
  const unknownTs = await (await interact(payload("UALICE", "opsdeck_acknowledge", alertId, "1.000001"))).json();
  assertStringIncludes(unknownTs.text, "not an Opsdeck alert");
  assertEquals((await statusOf(alertId)).status, "triggered");
  assertEquals((await statusOf(other)).status, "triggered");
});

Deno.test("deno task slack:manifest prints the app manifest with the interactivity URL and bot scopes", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env", "--allow-read", "scripts/slack_manifest.ts"],
    env: { OPSDECK_BASE_URL: "https://ops.example.com/" },
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  const manifest = JSON.parse(new TextDecoder().decode(out.stdout));
  assertEquals(manifest.settings.interactivity, {
    is_enabled: true,
    request_url: "https://ops.example.com/slack/interactions",
  });
  assertEquals(manifest.oauth_config.scopes.bot, ["chat:write", "users:read", "users:read.email"]);
  assertEquals(manifest.display_information.name, "Opsdeck");
});

Deno.test("end to end: a click acknowledges, the alert.acknowledged event is fanned out, and the dispatcher edits the message", async () => {
  const rule = await app.request("/api/v1/notification-rules", {
    method: "POST",
    headers: { ...p.alice.bearer, "Content-Type": "application/json" },
    body: JSON.stringify({ event_types: ["alert.acknowledged"], channel_id: channel.id, mode: "immediate" }),
  });
  assertEquals(rule.status, 201, await rule.clone().text());
  const { alertId, ts } = await postedAlert();
  await interact(payload("UALICE", "opsdeck_acknowledge", alertId, ts));
  const dispatcher = createDispatcher({
    sql,
    config,
    logger: silentLogger,
    now: () => NOW,
    secret: TEST_SECRET,
    instanceId: "test",
    send: sendDelivery,
  });
  assert(await dispatcher.tick() >= 1);
  const update = slack.calls.filter((c) => c.method === "chat.update").at(-1)!;
  assertEquals([update.args.channel, update.args.ts], ["C0ONCALL", ts]);
  assertStringIncludes(String(update.args.text), "ACKNOWLEDGED: Checkout is down");
  assertStringIncludes(JSON.stringify(update.args.blocks), "Alice");
  await app.request(`/api/v1/notification-rules/${(await rule.json()).id}`, {
    method: "DELETE",
    headers: p.alice.bearer,
  });
});

addEventListener("unload", () => slack.stop());
