import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createDispatcher } from "../../services/notifications/dispatcher.ts";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { dispatcherDeps, emit, genChannel, genRule, startReceiver } from "./_outbox.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const channel = await genChannel(sql, p.tenant.id, { name: "ops hook" });

const form = (fields: [string, string][], headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { ...p.alice.cookie, "Content-Type": "application/x-www-form-urlencoded", ...headers },
  body: new URLSearchParams(fields).toString(),
});
const htmx = { "HX-Request": "true" };
const page = async (path: string, headers = p.alice.cookie) => {
  const res = await app.request(path, { headers });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "text/html; charset=UTF-8");
  return await res.text();
};

Deno.test("GET /notifications/rules shows the empty state and the form", async () => {
  const text = await page("/notifications/rules");
  assertStringIncludes(text, "No rules yet");
  assertStringIncludes(text, 'action="/notifications/rules"');
  assertStringIncludes(text, "ops hook (webhook)");
});

Deno.test("POST /notifications/rules adds a rule (303), refuses a rule without events in place (422)", async () => {
  let res = await app.request("/notifications/rules", form([["channel_id", channel], ["mode", "digest"]]));
  assertEquals(res.status, 422);
  let text = await res.text();
  assertStringIncludes(text, 'id="event_types-error"');
  assertStringIncludes(text, 'id="digest_minutes-error"');

  res = await app.request(
    "/notifications/rules",
    form([
      ["channel_id", channel],
      ["project_id", ""],
      ["event_types", "health_check.down"],
      [
        "event_types",
        "health_check.up",
      ],
      ["mode", "digest"],
      ["digest_minutes", "15"],
    ]),
  );
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("Location"), "/notifications/rules");
  text = await page("/notifications/rules");
  assertStringIncludes(text, "digest every 15 min");
  assertStringIncludes(text, "health_check.up");
});

Deno.test("rule rows: htmx disable answers the row, delete answers nothing; both audited", async () => {
  const id = await genRule(sql, p.tenant.id, channel);
  let res = await app.request(`/notifications/rules/${id}/enabled`, form([["enabled", "false"]], htmx));
  assertEquals(res.status, 200);
  const row = await res.text();
  assert(row.startsWith("<tr"), row.slice(0, 40));
  assertStringIncludes(row, "Enable");
  res = await app.request(`/notifications/rules/${id}/delete`, form([], htmx));
  assertEquals([res.status, await res.text()], [200, ""]);
  const audits = await sql`SELECT action FROM audits WHERE resource_id = ${id} ORDER BY created_at`;
  assertEquals(audits.map((a) => a.action), ["notification_rule.update", "notification_rule.delete"]);
});

Deno.test("the notification pages are for those with access: an employee gets 404, anonymous the login", async () => {
  for (const path of ["/notifications/rules", "/notifications/deliveries"]) {
    assertEquals((await app.request(path, { headers: p.bob.cookie })).status, 404);
    const anonymous = await app.request(path);
    assertEquals(anonymous.status, 303);
    assertStringIncludes(anonymous.headers.get("Location") ?? "", "/login");
  }
});

Deno.test("GET /notifications/deliveries shows each attempt, tells about a broken channel (also on the overview); re-send is in place", async () => {
  const receiver = startReceiver();
  try {
    const hook = await genChannel(sql, p.tenant.id, { url: receiver.url, name: "gone hook" });
    await genRule(sql, p.tenant.id, hook, { eventTypes: ["deployment.failed"] });
    await emit(sql, p.tenant.id);
    receiver.script.push(new Response("gone", { status: 410 }));
    await createDispatcher(dispatcherDeps(sql, () => new Date())).tick();

    const text = await page("/notifications/deliveries?status=dead");
    assertStringIncludes(text, "notification channel is broken");
    assertStringIncludes(text, "<code>410</code>");
    assertStringIncludes(text, "deployment.failed");
    const overview = await page("/");
    assertStringIncludes(overview, "notification channel is broken");
    assertStringIncludes(overview, `href="/notifications/channels/${hook}"`);
    assertEquals((await page("/", p.bob.cookie)).includes("channel is broken"), false, "employees cannot fix channels");
    const [delivery] = await sql`SELECT id FROM notification_deliveries WHERE channel_id = ${hook}`;
    const res = await app.request(`/notifications/deliveries/${delivery.id}/resend`, form([], htmx));
    assertEquals(res.status, 200);
    const row = await res.text();
    assertStringIncludes(row, ">pending<");
    const noJs = await app.request(`/notifications/deliveries/${delivery.id}/resend`, form([]));
    assertEquals(noJs.status, 409, "already queued: the page says so");
    assertStringIncludes(await noJs.text(), "already queued");

    // On a channel's own log (no channel column) the answering row has the same shape.
    await createDispatcher(dispatcherDeps(sql, () => new Date())).tick();
    const narrow = await app.request(
      `/notifications/deliveries/${delivery.id}/resend`,
      form([["columns", "no-channel"]], htmx),
    );
    assertEquals((await narrow.text()).match(/<td/g)?.length, 5);
  } finally {
    await receiver.stop();
  }
});

Deno.test("GET and POST /notifications/rules/{id}: the filled-in form saves a change (303) or shows what to fix (422)", async () => {
  const id = await genRule(sql, p.tenant.id, channel, { eventTypes: ["alert.triggered"] });
  const text = await page(`/notifications/rules/${id}`);
  assertStringIncludes(text, `action="/notifications/rules/${id}"`);
  assertStringIncludes(text, 'value="alert.triggered" checked');

  let res = await app.request(`/notifications/rules/${id}`, form([["channel_id", channel], ["mode", "immediate"]]));
  assertEquals(res.status, 422);
  assertStringIncludes(await res.text(), 'id="event_types-error"');

  res = await app.request(
    `/notifications/rules/${id}`,
    form([["channel_id", channel], ["event_types", "alert.resolved"], ["mode", "digest"], ["digest_minutes", "60"]]),
  );
  assertEquals(res.status, 303);
  const [rule] = await sql`SELECT event_types, mode, digest_minutes FROM notification_rules WHERE id = ${id}`;
  assertEquals([rule.event_types, rule.mode, rule.digest_minutes], [["alert.resolved"], "digest", 60]);
});
