/**
 * Deploy gates end to end: an admin protects production; CI records a
 * deployment (202, queued, approval pending) and runs scripts/deploy_gate_wait.ts,
 * which blocks; the approval request goes out to Slack (the stand-in) with
 * buttons; Alice clicks Approve there; the script exits 0 and CI moves the
 * deployment on; the page shows who approved. A rejection cancels.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { principalFromSession } from "../../services/auth/sessions.ts";
import { createChannel } from "../../services/notifications/channels.ts";
import { createDispatcher } from "../../services/notifications/dispatcher.ts";
import { silentLogger } from "../../services/platform/logger.ts";
import { slackSignature } from "../../services/slack/signature.ts";
import { createKey } from "../helpers/api_keys.ts";
import { listen } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { patchStatus, report, SHA } from "../helpers/deployments.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { startSlackStandIn } from "../helpers/slack_api.ts";
import { channelTestApp, SIGNING_SECRET, testConfig } from "../notifications_channels/_setup.ts";

const slack = startSlackStandIn();
const env = { SLACK_API_URL: slack.apiUrl };
const test = await channelTestApp(env);
const served = listen(test.app);
const sql = test.db.sql;
const p = await genPersonas(sql);
const config = testConfig(env);
slack.users.set("UALICE", p.alice.user.email);
const project = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Storefront" });

const admin = (await principalFromSession(sql, p.alice.token, new Date()))!;
const { row: channel } = await createChannel(
  sql,
  admin,
  { name: "Deploys", type: "slack", config: { bot_token: "xoxb-1-2-gates", channel: "C0GATES" } },
  { actor: admin, ip: null, userAgent: null, now: new Date() },
  { secret: TEST_SECRET, config },
);
await sql`
  INSERT INTO notification_rules (tenant_id, channel_id, event_types, mode)
  VALUES (${p.tenant.id}, ${channel.id}, ${["approval.requested", "approval.decided"]}, 'immediate')`;
const dispatcher = createDispatcher({
  sql,
  config,
  logger: silentLogger,
  now: () => new Date(),
  secret: TEST_SECRET,
  instanceId: "gate-test",
  paceMs: 0,
});
const ci = await createKey(test.app, p.bob.bearer, { name: "CI", scopes: ["deployments:write", "approvals:read"] });
const ciHeaders = { Authorization: `Bearer ${ci.key}` };

async function click(action: string, approvalId: string, ts: string) {
  const raw = new URLSearchParams({
    payload: JSON.stringify({
      type: "block_actions",
      user: { id: "UALICE" },
      container: { type: "message", channel_id: "C0GATES", message_ts: ts },
      actions: [{ action_id: action, value: approvalId, type: "button" }],
    }),
  }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  return await test.app.request("/slack/interactions", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Slack-Request-Timestamp": timestamp,
      "X-Slack-Signature": await slackSignature(SIGNING_SECRET, timestamp, raw),
    },
    body: raw,
  });
}

Deno.test({
  name: "protecting an environment needs approvals:manage",
  fn: async () => {
    const path = `/api/v1/deploy-gates/${project.id}/production`;
    await problem(await test.app.request(path, jsonRequest("PUT", { protected: true }, p.bob.bearer)), 403);
    const res = await test.app.request(path, jsonRequest("PUT", { protected: true }, p.alice.bearer));
    assertEquals(res.status, 200);
    assertEquals((await res.json()).protected, true);
    const unknown = await test.app.request(
      `/api/v1/deploy-gates/${project.id}/moon`,
      jsonRequest("PUT", { protected: true }, p.alice.bearer),
    );
    assertStringIncludes(JSON.stringify(await problem(unknown, 422)), "environment");
  },
});

Deno.test({
  name: "a CI script blocks on the production gate until Approve is clicked in Slack",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const recorded = await report(test.app, ciHeaders, {
      project_id: project.id,
      environment: "production",
      status: "in_progress",
      commit_sha: SHA,
    });
    assertEquals(recorded.status, 202);
    const deployment = await recorded.json();
    assertEquals([deployment.status, deployment.approval.status], ["queued", "pending"]);
    const mails = await sql`
      SELECT recipient, subject, text_body FROM mail_outbox WHERE reference = ${deployment.approval.id}`;
    assertEquals(mails.map((m) => m.recipient), [p.alice.user.email], "the admins, never the requester");
    assertStringIncludes(mails[0].subject, "Approval needed: Deploy 9f2c1e7 to production");
    assertStringIncludes(mails[0].text_body, `https://ops.example.com/approvals/${deployment.approval.id}`);
    const early = await problem(await patchStatus(test.app, ciHeaders, deployment.id, { status: "in_progress" }), 409);
    assertStringIncludes(JSON.stringify(early), "waits for approval");

    const script = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", "--allow-env", "scripts/deploy_gate_wait.ts", deployment.approval.wait_url, "2"],
      env: { OPSDECK_URL: served.url, OPSDECK_API_KEY: ci.key },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let exited = false;
    const output = script.output().then((o) => (exited = true, o));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert(!exited, "the script waits while the approval is pending");

    await dispatcher.tick();
    const posted = slack.calls.find((c) => c.method === "chat.postMessage" && c.args.channel === "C0GATES")!;
    const blocks = posted.args.blocks as { block_id?: string; elements?: { action_id: string; value: string }[] }[];
    const buttons = blocks.find((b) => b.block_id === "opsdeck_approval")!.elements!;
    assertEquals(buttons.map((b) => b.action_id), ["opsdeck_approve", "opsdeck_reject"]);
    assertEquals(buttons[0].value, deployment.approval.id);
    const ts = (await sql`SELECT ts FROM approval_slack_messages WHERE approval_id = ${deployment.approval.id}`)[0].ts;

    const clicked = await click("opsdeck_approve", deployment.approval.id, ts);
    assertEquals(clicked.status, 200);
    assertStringIncludes((await clicked.json()).text, "Approved");

    const done = await output;
    const stdout = new TextDecoder().decode(done.stdout);
    assertEquals(done.code, 0, new TextDecoder().decode(done.stderr));
    assertStringIncludes(stdout, "approved by Alice");

    assertEquals((await patchStatus(test.app, ciHeaders, deployment.id, { status: "in_progress" })).status, 200);
    await dispatcher.tick();
    const update = slack.calls.find((c) => c.method === "chat.update" && c.args.ts === ts)!;
    assert(!JSON.stringify(update.args.blocks).includes("opsdeck_approve"), "the decided message loses its buttons");

    const page = await test.app.request(`/deployments/${deployment.id}`, {
      headers: { ...p.bob.bearer, Accept: "text/html" },
    });
    assertStringIncludes(await page.text(), "Approved by Alice");
    const audits = (await sql`SELECT action FROM audits WHERE resource_id = ${deployment.approval.id} ORDER BY seq`)
      .map((r) => r.action);
    assertEquals(audits, ["approval.request", "approval.approve"]);
  },
});

Deno.test("a rejected gate cancels the deployment; the requester's own click is refused", async () => {
  const recorded = await report(test.app, ciHeaders, {
    project_id: project.id,
    environment: "production",
    status: "in_progress",
    commit_sha: SHA,
  });
  const deployment = await recorded.json();
  await problem(
    await test.app.request(
      `/api/v1/approvals/${deployment.approval.id}/approve`,
      jsonRequest("POST", {}, p.bob.bearer),
    ),
    403,
  );
  const rejected = await test.app.request(
    `/api/v1/approvals/${deployment.approval.id}/reject`,
    jsonRequest("POST", { comment: "Freeze until Monday" }, p.alice.bearer),
  );
  assertEquals(rejected.status, 200);
  const after = await (await test.app.request(`/api/v1/deployments/${deployment.id}`, { headers: p.bob.bearer }))
    .json();
  assertEquals([after.status, after.approval.status, after.approval.decided_by_name], [
    "cancelled",
    "rejected",
    "Alice",
  ]);
  await problem(await patchStatus(test.app, ciHeaders, deployment.id, { status: "in_progress" }), 409);
});

Deno.test("an unprotected environment records as before (201, no approval)", async () => {
  const res = await report(test.app, ciHeaders, {
    project_id: project.id,
    environment: "staging",
    status: "in_progress",
    commit_sha: SHA,
  });
  assertEquals(res.status, 201);
  assertEquals((await res.json()).approval, null);
});

addEventListener("unload", () => {
  served.stop();
  slack.stop();
});
