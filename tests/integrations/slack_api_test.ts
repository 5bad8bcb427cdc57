/**
 * Slack installed by OAuth v2 against the Slack stand-in
 * (tests/helpers/slack_api.ts + slack_oauth.ts): two workspaces in one
 * tenant, reinstalling one updates its row; a replayed callback, a replayed
 * code, a cancelled consent → 400 naming state/code with nothing stored; a
 * channel posts as a workspace with its sealed token (another tenant's or a
 * made-up workspace → 422, nothing stored); the workspace removing the app →
 * integration broken (event, e-mail) and the channel broken, mended by
 * reinstalling; token rotation refreshed ahead of expiry; sync by auth.test;
 * disconnect revokes with auth.revoke.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { type SignedIn, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { consentAt, createIntegrationTestApp, startConnect } from "../helpers/integrations.ts";
import { startSlackStandIn } from "../helpers/slack_api.ts";
import { SLACK_APP_ID, SLACK_CLIENT } from "../helpers/slack_oauth.ts";
import { loadChannelForSending } from "../../services/notifications/channels.ts";
import { sendDelivery } from "../../services/notifications/send.ts";
import { ACTION_ACK } from "../../services/notifications/channels/slack/message.ts";
import { slackSignature } from "../../services/slack/signature.ts";
import { genAlert, sendDeps, SIGNING_SECRET } from "../notifications_channels/_setup.ts";

const slack = startSlackStandIn();
let clock = Date.now();
const { app, deps, sql, p, tenantId, worker } = await createIntegrationTestApp({
  env: { SLACK_SIGNING_SECRET: SIGNING_SECRET, ...slack.env },
  instanceId: "test-slack-integrations",
  now: () => new Date(clock),
});
const ACME = "T0ACME0001";
const BETA = "T0BETA0002";

/** The admin's browser: Connect, then Allow (or Cancel) on Slack's consent page; answers the callback path. */
async function consentAtSlack(team: string, o: { session?: SignedIn; cancel?: boolean } = {}) {
  const authorize = await startConnect(app, "slack", o.session ?? p.alice);
  const page = await fetch(authorize);
  assertStringIncludes(await page.text(), "Opsdeck is requesting permission");
  const form = new URLSearchParams({ team, decision: o.cancel ? "cancel" : "allow" });
  return await consentAt(authorize, authorize, ["redirect_uri", "state", "scope", "code_challenge"], form);
}

async function install(team: string) {
  const done = await app.request(await consentAtSlack(team), { headers: p.alice.cookie });
  assertEquals(done.status, 303);
  return done.headers.get("location");
}

const counts = async () => {
  const [r] = await sql<{ integrations: number; audits: number; channels: number }[]>`
    SELECT (SELECT count(*)::int FROM integrations WHERE tenant_id = ${tenantId}) AS integrations,
      (SELECT count(*)::int FROM audits WHERE tenant_id = ${tenantId} AND action LIKE 'integration.%') AS audits,
      (SELECT count(*)::int FROM notification_channels WHERE tenant_id = ${tenantId}) AS channels`;
  return r;
};
const slackRows = async () =>
  (await (await app.request("/api/v1/integrations", { headers: p.alice.bearer })).json()).integrations
    .filter((i: { platform: string }) => i.platform === "slack");
const ids: Record<string, string> = {};
const channels: Record<string, string> = {};

Deno.test("install into two workspaces by OAuth v2; reinstalling one updates it; bad callbacks are 400", async () => {
  const api = await app.request("/api/v1/integration-providers/slack/connect", {
    method: "POST",
    headers: p.alice.bearer,
  });
  assertEquals(api.status, 200);
  const url = new URL((await api.json()).authorize_url);
  assertEquals(`${url.origin}${url.pathname}`, slack.env.SLACK_AUTHORIZE_URL);
  assertEquals(url.searchParams.get("client_id"), SLACK_CLIENT.id);
  assertEquals(url.searchParams.get("scope"), "chat:write,users:read,users:read.email");
  assert(
    url.searchParams.get("state") && url.searchParams.get("redirect_uri")?.endsWith("/integrations/slack/callback"),
  );

  assertEquals(await install(ACME), "/integrations?connected=Acme%20Ops");
  assertEquals(await install(BETA), "/integrations?connected=Beta%20Studio");
  const rows = await slackRows();
  assertEquals(rows.map((i: { account_id: string }) => i.account_id).sort(), [ACME, BETA]);
  for (const i of rows) ids[i.account_id] = i.id;
  const acme = rows.find((i: { account_id: string }) => i.account_id === ACME);
  assertEquals([acme.status, acme.account_name, acme.scopes], ["connected", "Acme Ops", [
    "chat:write",
    "users:read",
    "users:read.email",
  ]]);
  assertEquals(acme.metadata.team, { id: ACME, name: "Acme Ops" });
  assertEquals([acme.metadata.bot_user_id, acme.metadata.app_id, acme.metadata.installed_by], [
    "U0BOT0ACME0001",
    SLACK_APP_ID,
    "U0GRACE001",
  ]);
  const beta = rows.find((i: { account_id: string }) => i.account_id === BETA);
  assertEquals(beta.metadata.enterprise, { id: "E0GRID0001", name: "Beta Group" });
  const [sealed] = await sql`SELECT access_token_ciphertext FROM integrations WHERE id = ${acme.id}`;
  assert(!new TextDecoder().decode(sealed.access_token_ciphertext).includes("xoxb-"), "the bot token is sealed");

  // Reinstalling into Acme: the same row, a reconnect audit row.
  assertEquals(await install(ACME), "/integrations?connected=Acme%20Ops");
  assertEquals((await slackRows()).length, 2);
  const [audit] = await sql`SELECT action FROM audits WHERE resource_id = ${acme.id} ORDER BY created_at DESC LIMIT 1`;
  assertEquals(audit.action, "integration.reconnect");

  const before = await counts();
  const first = await consentAtSlack(ACME);
  assertEquals((await app.request(first, { headers: p.alice.cookie })).status, 303);
  const replay = await app.request(first, { headers: p.alice.cookie });
  assertEquals(replay.status, 400);
  assertStringIncludes(await replay.text(), "state is unknown or was used already");
  const wrong = await app.request("/integrations/slack/callback?state=forged&code=x", { headers: p.alice.cookie });
  assertEquals(wrong.status, 400);
  assertStringIncludes(await wrong.text(), "state is unknown");
  // The used code under a fresh, valid state: Slack answers { ok: false, error: "invalid_code" }.
  const fresh = new URL(await consentAtSlack(ACME), "http://localhost");
  fresh.searchParams.set("code", new URL(first, "http://localhost").searchParams.get("code")!);
  const reused = await app.request(`${fresh.pathname}${fresh.search}`, { headers: p.alice.cookie });
  assertEquals(reused.status, 400);
  assertStringIncludes(await reused.text(), "code was refused by the provider (invalid_code)");
  const cancelled = await app.request(await consentAtSlack(BETA, { cancel: true }), { headers: p.alice.cookie });
  assertEquals(cancelled.status, 400);
  assertStringIncludes(await cancelled.text(), "code was not given: the provider answered access_denied");
  // The first replayed install did reconnect (one audit row); nothing else was stored.
  assertEquals(await counts(), { ...before, audits: before.audits + 1 });
});

const create = (name: string, cfg: Record<string, unknown>, who = p.alice) =>
  app.request(
    "/api/v1/notification-channels",
    jsonRequest("POST", { name, type: "slack", config: cfg }, who.bearer),
  );
const sendTest = async (channelId: string) =>
  await (await app.request(
    `/api/v1/notification-channels/${channelId}/test`,
    jsonRequest("POST", {}, p.alice.bearer),
  )).json();
const lastPost = () => slack.calls.filter((c) => c.method === "chat.postMessage").at(-1)!;

Deno.test("a Slack channel posts as an installed workspace with its sealed token; bad workspaces are 422", async () => {
  for (const [team, channel] of [[ACME, "C0ACMEOPS1"], [BETA, "C0BETAOPS1"]]) {
    const res = await create(`#ops ${team}`, { integration_id: ids[team], channel });
    assertEquals(res.status, 201);
    const ch = await res.json();
    channels[team] = ch.id;
    assertEquals(ch.has_secret, false);
    assertEquals(ch.config.mode, "app");
    assertEquals(ch.config.integration_id, ids[team]);
  }
  const shown = await (await app.request(`/api/v1/notification-channels/${channels[BETA]}`, {
    headers: p.alice.bearer,
  })).json();
  assertEquals(shown.config.workspace, "Beta Studio");

  const before = await counts();
  const dave = await create("theirs", { integration_id: ids[ACME], channel: "C1" }, p.dave);
  assertEquals((await problem(dave, 422)).errors[0].path, "config.integration_id");
  const madeUp = await create("made up", { integration_id: crypto.randomUUID(), channel: "C1" });
  assertEquals((await problem(madeUp, 422)).errors[0].path, "config.integration_id");
  const both = await create("both", { integration_id: ids[ACME], channel: "C1", bot_token: "xoxb-1234-5678-abcd" });
  assertEquals((await problem(both, 422)).errors[0].path, "config.integration_id");
  const noChannel = await create("no channel", { integration_id: ids[ACME] });
  assertEquals((await problem(noChannel, 422)).errors[0].path, "config.channel");
  assertEquals(await counts(), before);

  const sent = await sendTest(channels[ACME]);
  assertEquals([sent.ok, sent.error], [true, null]);
  assertEquals(lastPost().args.channel, "C0ACMEOPS1");
  assert(lastPost().token?.startsWith(`xoxb-${ACME}-`), "posted with Acme's token");
  assertEquals((await sendTest(channels[BETA])).ok, true);
  assert(lastPost().token?.startsWith(`xoxb-${BETA}-`), "posted with Beta's token");

  // A pasted-token channel moved onto a workspace drops its token; a later PATCH of the channel keeps the workspace.
  const pasted = await (await create("pasted", { bot_token: "xoxb-1234-5678-abcd", channel: "C0OLD" })).json();
  assertEquals(pasted.has_secret, true);
  const moved = await app.request(
    `/api/v1/notification-channels/${pasted.id}`,
    jsonRequest("PATCH", { config: { integration_id: ids[ACME], channel: "C0OLD" } }, p.alice.bearer),
  );
  const movedJson = await moved.json();
  assertEquals([movedJson.has_secret, movedJson.config.mode, movedJson.config.workspace], [false, "app", "Acme Ops"]);
  const renamed = await app.request(
    `/api/v1/notification-channels/${pasted.id}`,
    jsonRequest("PATCH", { config: { channel: "C0NEW" } }, p.alice.bearer),
  );
  const renamedJson = await renamed.json();
  assertEquals([renamedJson.config.integration_id, renamedJson.config.channel], [ids[ACME], "C0NEW"]);
  await app.request(`/api/v1/notification-channels/${pasted.id}`, { method: "DELETE", headers: p.alice.bearer });

  // The page lists the installed workspaces in the form and the workspace on the channel.
  const page = await (await app.request("/notifications", { headers: p.alice.cookie })).text();
  assertStringIncludes(page, `<option value="${ids[BETA]}">Beta Studio</option>`);
  assertStringIncludes(page, "Acme Ops · C0ACMEOPS1");
});

Deno.test("an alert posted as a workspace: its Acknowledge button reads the clicker with that workspace's token", async () => {
  const alertId = await genAlert(sql, tenantId, "Checkout is down");
  const channel = (await loadChannelForSending(sql, tenantId, channels[BETA], TEST_SECRET))!;
  const now = new Date();
  const sent = await sendDelivery(channel, {
    id: crypto.randomUUID(),
    eventId: crypto.randomUUID(),
    eventType: "alert.triggered",
    payload: { alert: { id: alertId, status: "triggered", summary: "Checkout is down" } },
    createdAt: now,
    attempt: 1,
  }, sendDeps(sql, deps.config, tenantId, now));
  assert(sent.ok);
  const post = lastPost();
  slack.users.set("U0ALICE", p.alice.user.email);
  const [m] = await sql`SELECT ts FROM slack_messages WHERE alert_id = ${alertId}`;
  const body = new URLSearchParams({
    payload: JSON.stringify({
      type: "block_actions",
      user: { id: "U0ALICE" },
      container: { type: "message", channel_id: "C0BETAOPS1", message_ts: m.ts },
      actions: [{ action_id: ACTION_ACK, value: alertId, type: "button" }],
    }),
  }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const res = await app.request("/slack/interactions", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Slack-Request-Timestamp": timestamp,
      "X-Slack-Signature": await slackSignature(SIGNING_SECRET, timestamp, body),
    },
    body,
  });
  assertStringIncludes(JSON.stringify(await res.json()), "Acknowledged");
  const info = slack.calls.filter((c) => c.method === "users.info").at(-1)!;
  assertEquals(info.token, post.token);
  const [alert] = await sql`SELECT status FROM alerts WHERE id = ${alertId}`;
  assertEquals(alert.status, "acknowledged");
});

Deno.test("the workspace removes the app: integration broken, admins told, channel broken; reinstalling mends", async () => {
  slack.oauth.removeApp(ACME);
  const failed = await sendTest(channels[ACME]);
  assertEquals([failed.ok, failed.error], [false, "Slack: token_revoked"]);
  const i = await (await app.request(`/api/v1/integrations/${ids[ACME]}`, { headers: p.alice.bearer })).json();
  assertEquals([i.status, i.last_error], ["broken", "Slack refused the token (token_revoked)"]);
  const [events] = await sql`
    SELECT count(*)::int AS n FROM events WHERE type = 'integration.broken' AND subject_id = ${ids[ACME]}`;
  assertEquals(events.n, 1);
  const mail = await sql`SELECT recipient, subject FROM mail_outbox WHERE purpose = 'integration_broken'`;
  assertEquals(mail.map((m) => [m.recipient, m.subject]), [[
    p.alice.user.email,
    "Integration broken: Slack (Acme Ops)",
  ]]);
  const [ch] = await sql`SELECT broken FROM notification_channels WHERE id = ${channels[ACME]}`;
  assertEquals(ch.broken, true);
  // Beta is untouched.
  assertEquals((await sendTest(channels[BETA])).ok, true);
  // A broken workspace cannot be picked for a channel.
  const pick = await create("later", { integration_id: ids[ACME], channel: "C2" });
  assertStringIncludes((await problem(pick, 422)).errors[0].message, "Acme Ops is broken");

  await install(ACME);
  const [mended] = await sql`SELECT broken FROM notification_channels WHERE id = ${channels[ACME]}`;
  assertEquals(mended.broken, false);
  assertEquals((await sendTest(channels[ACME])).ok, true);
});

Deno.test("token rotation: refreshed ahead of expiry with the refresh token; sync reads auth.test", async () => {
  slack.oauth.rotation = true;
  await install(BETA);
  const [row] = await sql`SELECT token_expires_at, refresh_token_ciphertext FROM integrations WHERE id = ${ids[BETA]}`;
  assert(row.refresh_token_ciphertext && row.token_expires_at, "a rotating token has an expiry and a refresh token");
  assertEquals((await sendTest(channels[BETA])).ok, true);
  const rotated = lastPost().token!;
  assert(rotated.startsWith("xoxe.xoxb-1-"));

  // Four minutes left: the next send refreshes first (Slack's grant_type=refresh_token on oauth.v2.access).
  await sql`UPDATE integrations SET token_expires_at = now() + interval '4 minutes' WHERE id = ${ids[BETA]}`;
  const calls = slack.oauth.tokenCalls.length;
  assertEquals((await sendTest(channels[BETA])).ok, true);
  assertEquals(slack.oauth.tokenCalls.slice(calls), ["refresh_token"]);
  assert(lastPost().token !== rotated && lastPost().token!.startsWith("xoxe.xoxb-1-"), "posted with the new token");

  clock += 61_000;
  assertEquals(await worker.tick(), { synced: 2, failed: 0 });
  const i = await (await app.request(`/api/v1/integrations/${ids[BETA]}`, { headers: p.alice.bearer })).json();
  assertEquals([i.last_error, i.metadata.url], [null, "https://acme.slack.com/"]);
});

Deno.test("disconnect revokes the token with auth.revoke; the channel then fails for good", async () => {
  const before = slack.oauth.revoked.length;
  const res = await app.request(`/api/v1/integrations/${ids[ACME]}`, { method: "DELETE", headers: p.alice.bearer });
  assertEquals(await res.json(), { revoked: true });
  assertEquals(slack.oauth.revoked.length - before, 1);
  const revoke = slack.calls.filter((c) => c.method === "auth.revoke").at(-1)!;
  assertEquals(revoke.token, slack.oauth.revoked.at(-1));
  const [row] = await sql`SELECT status, is_active, access_token_ciphertext FROM integrations WHERE id = ${ids[ACME]}`;
  assertEquals([row.status, row.is_active, row.access_token_ciphertext], ["disconnected", false, null]);
  const failed = await sendTest(channels[ACME]);
  assertEquals([failed.ok, failed.error], [
    false,
    "The Slack workspace was disconnected: pick another one for this channel",
  ]);
  // Renaming the channel still works; changing its settings names the workspace that is gone.
  const rename = await app.request(
    `/api/v1/notification-channels/${channels[ACME]}`,
    jsonRequest("PATCH", { name: "#ops (old Acme)" }, p.alice.bearer),
  );
  assertEquals(rename.status, 200);
  const resave = await app.request(
    `/api/v1/notification-channels/${channels[ACME]}`,
    jsonRequest("PATCH", { config: { channel: "C0ACMEOPS2" } }, p.alice.bearer),
  );
  assertEquals((await problem(resave, 422)).errors[0].path, "config.integration_id");
  await problem(await app.request(`/api/v1/integrations/${ids[BETA]}`, { headers: p.dave.bearer }), 404);
  const patch = await app.request(
    `/api/v1/integrations/${ids[BETA]}`,
    jsonRequest("PATCH", { close_on_resolve: true }, p.alice.bearer),
  );
  assertEquals((await problem(patch, 422)).errors[0].path, "close_on_resolve");
});

Deno.test({
  name: "stop the stand-in",
  sanitizeResources: false,
  fn: async () => {
    await slack.stop();
  },
});
