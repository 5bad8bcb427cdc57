/**
 * Report recipients may be notification channels: a run is posted to a
 * webhook (a real receiver checking the signature) and to Slack (the stand-in)
 * as `report.ready` with the report's name, the run time and a link to the
 * file in Opsdeck, which downloads; another tenant's channel is refused by the
 * API (422 naming `channel_ids`) and on the page; nothing stored.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createReportWorker } from "../../services/dashboards/reports/worker.ts";
import { createDispatcher } from "../../services/notifications/dispatcher.ts";
import { silentLogger } from "../../services/platform/logger.ts";
import { getPage, postPage } from "../helpers/catalog.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { startSlackStandIn } from "../helpers/slack_api.ts";
import { startWebhookReceiver } from "../helpers/webhook_receiver.ts";
import { channelTestApp, testConfig } from "../notifications_channels/_setup.ts";

const now = new Date("2026-03-10T12:00:00Z");
const slack = startSlackStandIn();
const receiver = startWebhookReceiver();
// plain http, so the test's session cookie (not a __Host- one) is good for the pages; forms post from this origin
const SITE = "http://ops.example.com";
const env = { SLACK_API_URL: slack.apiUrl, OPSDECK_BASE_URL: SITE };
const config = testConfig(env);
const { app, db } = await channelTestApp(env, () => now);
const sql = db.sql;
const p = await genPersonas(sql);
const bg = { sql, config, logger: silentLogger, now: () => now, secret: TEST_SECRET, instanceId: "test" };
const worker = createReportWorker(bg);
const dispatcher = createDispatcher({ ...bg, paceMs: 0 });

async function json(method: string, path: string, body?: unknown, status = 200, headers = p.alice.bearer) {
  const res = await app.request(path, body === undefined ? { method, headers } : jsonRequest(method, body, headers));
  assertEquals(res.status, status, await res.clone().text());
  return await res.json();
}

const hook = await json("POST", "/api/v1/notification-channels", {
  name: "Ops hook",
  type: "webhook",
  config: { url: receiver.url },
}, 201);
receiver.secret = hook.secret;
const chat = await json("POST", "/api/v1/notification-channels", {
  name: "Ops chat",
  type: "slack",
  config: { bot_token: "xoxb-1-2-reports", channel: "C0REPORTS" },
}, 201);
const theirs = await json(
  "POST",
  "/api/v1/notification-channels",
  {
    name: "Theirs",
    type: "webhook",
    config: { url: receiver.url },
  },
  201,
  p.dave.bearer,
);
const dash = await json("POST", "/api/v1/dashboards", { name: "Weekly ops" }, 201);
const base = { dashboard_id: dash.id, name: "Monday ops", cron: "0 8 * * 1", format: "csv" };
const reportCount = async () => Number((await sql`SELECT count(*)::int AS n FROM reports`)[0].n);

Deno.test("report channels", async (t) => {
  try {
    await t.step(
      "another tenant's channel, or no recipient at all, is a 422 naming the field; nothing stored",
      async () => {
        const before = await reportCount();
        const foreign = await app.request(
          "/api/v1/reports",
          jsonRequest("POST", { ...base, channel_ids: [chat.id, theirs.id] }, p.alice.bearer),
        );
        const prob = await problem(foreign, 422);
        assertEquals(prob.errors[0].path, "channel_ids");
        const none = await app.request("/api/v1/reports", jsonRequest("POST", { ...base }, p.alice.bearer));
        assertEquals((await problem(none, 422)).errors[0].path, "recipients");
        // a client user may not name the tenant's channels
        const client = await app.request(
          "/api/v1/reports",
          jsonRequest("POST", { ...base, channel_ids: [chat.id] }, p.carol.bearer),
        );
        assert(client.status === 403 || client.status === 404, String(client.status));
        assertEquals(await reportCount(), before);
      },
    );

    await t.step("a run posts report.ready to the webhook and to Slack with a link that downloads", async () => {
      const report = await json("POST", "/api/v1/reports", { ...base, channel_ids: [hook.id, chat.id] }, 201);
      assertEquals(report.recipients, []);
      assertEquals(report.channel_ids.sort(), [hook.id, chat.id].sort());
      const run = await json("POST", `/api/v1/reports/${report.id}/send`, undefined, 202);
      await worker.tick();
      await dispatcher.tick();

      const [got] = receiver.received;
      assert(got?.verified, "the webhook is signed with the channel's secret");
      const envelope = JSON.parse(got.body);
      assertEquals(envelope.type, "report.ready");
      assertEquals(envelope.data.report.name, "Monday ops");
      assertEquals(envelope.data.run.finished_at, now.toISOString());
      const runId = envelope.data.run.id;
      assertEquals(runId, run.id);
      assertEquals(envelope.data.run.file_url, `${SITE}/api/v1/report-runs/${runId}/file`);

      const post = slack.calls.find((c) => c.method === "chat.postMessage");
      assert(post, "Slack got a message");
      assertEquals(post.args.channel, "C0REPORTS");
      const said = JSON.stringify(post.args);
      assertStringIncludes(said, "Report ready: Monday ops");
      assertStringIncludes(said, `${SITE}/api/v1/report-runs/${runId}/file`);
      assertStringIncludes(said, now.toISOString());

      const file = await app.request(envelope.data.run.file_path, { headers: p.alice.bearer });
      assertEquals(file.status, 200);
      assert((await file.arrayBuffer()).byteLength > 0);
      const deliveries = await sql`
        SELECT channel_id, status FROM notification_deliveries WHERE event_type = 'report.ready' ORDER BY channel_id`;
      assertEquals(deliveries.map((d) => d.status), ["sent", "sent"]);

      const changed = await app.request(
        `/api/v1/reports/${report.id}`,
        jsonRequest("PATCH", { channel_ids: [theirs.id] }, p.alice.bearer),
      );
      assertEquals((await problem(changed, 422)).errors[0].path, "channel_ids");
      assertEquals((await json("GET", `/api/v1/reports/${report.id}`)).channel_ids.length, 2);
    });

    await t.step("the page offers the tenant's channels and refuses a foreign one in plain words", async () => {
      const res = await getPage(app, `/dashboards/${dash.id}/reports`, p.alice.cookie);
      const page = await res.text();
      assertEquals(res.status, 200, res.headers.get("location") ?? page);
      assertStringIncludes(page, `value="${chat.id}"`);
      assert(!page.includes(theirs.id));
      const fields = { name: "By page", cron: "0 9 * * 1", timezone: "UTC", recipients: "", format: "pdf" };
      const bad = await postPage(
        app,
        `/dashboards/${dash.id}/reports`,
        { ...fields, channel_ids: [theirs.id] },
        { ...p.alice.cookie, Origin: SITE },
      );
      assertEquals(bad.status, 422);
      assertStringIncludes(await bad.text(), "is not one of your channels");
      const ok = await postPage(
        app,
        `/dashboards/${dash.id}/reports`,
        { ...fields, channel_ids: [chat.id] },
        { ...p.alice.cookie, Origin: SITE },
      );
      assertEquals(ok.status, 303);
      const list = await (await getPage(app, `/dashboards/${dash.id}/reports`, p.alice.cookie)).text();
      assertStringIncludes(list, "channels: Ops chat");
    });
  } finally {
    await slack.stop();
    await receiver.stop();
  }
});
