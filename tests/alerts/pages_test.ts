/** The alerts inbox, an alert's page and the rules pages, as HTML with and without htmx. */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { auditActions, created, page, postForm } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { checkEvent, fire, genCheck } from "../helpers/alerts.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const t = p.tenant.id;
const shop = await genProject(sql, t, p.clients.acme.id, { name: "Acme shop" });
const site = await genProject(sql, t, p.clients.globex.id, { name: "Globex site" });
await created(app, "/api/v1/alert-rules", p.alice.bearer, { name: "Anything down", kind: "check_down" });

async function openAlert(projectId = shop.id, name = "Storefront homepage"): Promise<string> {
  const check = await genCheck(sql, t, projectId, name);
  await fire(sql, checkEvent("health_check.down", check, t));
  return (await sql`SELECT id FROM alerts WHERE check_id = ${check.id}`)[0].id;
}

Deno.test("the inbox shows open alerts with actions; an empty filter says so", async () => {
  const id = await openAlert();
  const res = await page(app, "/alerts", p.bob.cookie);
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "text/html; charset=UTF-8");
  const html = await res.text();
  assertStringIncludes(html, `id="alert-${id}"`);
  assertStringIncludes(html, "Storefront homepage is down: HTTP 503");
  assertStringIncludes(html, `hx-post="/alerts/${id}/acknowledge"`);
  assertStringIncludes(html, 'hx-trigger="load, live, every 15s" data-live="alerts" data-live-poll="5"');
  const none = await (await page(app, "/alerts?status=snoozed&severity=info", p.bob.cookie)).text();
  assertStringIncludes(none, "No alerts match these filters.");
});

Deno.test("htmx acknowledge answers with the row; resolve then drops the actions", async () => {
  const id = await openAlert(shop.id, "Checkout");
  const ack = await postForm(app, `/alerts/${id}/acknowledge`, { comment: "on it" }, p.bob.cookie, true);
  assertEquals(ack.status, 200);
  const row = await ack.text();
  assert(row.startsWith(`<tr id="alert-${id}"`), row.slice(0, 80));
  assertStringIncludes(row, "acknowledged");
  assertStringIncludes(row, "by Bob");
  const resolved = await (await postForm(app, `/alerts/${id}/resolve`, {}, p.bob.cookie, true)).text();
  assertStringIncludes(resolved, "resolved");
  assert(!resolved.includes("/resolve"));
  assertEquals(await auditActions(sql, id), ["alert.acknowledge", "alert.resolve"]);
  // a refused action comes back in the row
  const again = await (await postForm(app, `/alerts/${id}/resolve`, {}, p.bob.cookie, true)).text();
  assertStringIncludes(again, "is already resolved");
});

Deno.test("snooze until tomorrow 09:00 in the user's timezone; without htmx a 303 back", async () => {
  await sql`UPDATE users SET timezone = 'America/New_York' WHERE id = ${p.bob.user.id}`;
  const id = await openAlert(shop.id, "Search");
  const res = await postForm(app, `/alerts/${id}/snooze`, { snooze: "tomorrow", return_to: "/alerts" }, p.bob.cookie);
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("Location"), "/alerts");
  const [row] = await sql`SELECT status, snoozed_until FROM alerts WHERE id = ${id}`;
  assertEquals(row.status, "snoozed");
  const local = new Intl.DateTimeFormat("en-US", {
    timeZone: "America/New_York",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(row.snoozed_until);
  assertEquals(local, "09:00");
  const hours = (row.snoozed_until.getTime() - Date.now()) / 3600_000;
  assert(hours > 9 && hours <= 33, `${hours} h`);
});

Deno.test("the alert page shows the timeline; client users see theirs read-only and not others'", async () => {
  const id = await openAlert(shop.id, "Cart");
  await postForm(app, `/alerts/${id}/acknowledge`, { comment: "DB failover" }, p.alice.cookie, true);
  const html = await (await page(app, `/alerts/${id}`, p.alice.cookie)).text();
  assertStringIncludes(html, "Timeline");
  assertStringIncludes(html, "DB failover");
  assertStringIncludes(html, "Opsdeck</strong> triggered");
  const carol = await page(app, `/alerts/${id}`, p.carol.cookie);
  assertEquals(carol.status, 200);
  const carolHtml = await carol.text();
  assert(!carolHtml.includes("/acknowledge"));
  const theirs = await openAlert(site.id, "Globex home");
  assertEquals((await page(app, `/alerts/${theirs}`, p.carol.cookie)).status, 404);
  assertEquals((await page(app, `/alerts/${id}`, p.dave.cookie)).status, 404);
  const carolInbox = await (await page(app, "/alerts", p.carol.cookie)).text();
  assert(!carolInbox.includes(theirs));
});

Deno.test("the poll counts alerts opened since the page loaded", async () => {
  const since = new Date();
  await openAlert(shop.id, "Late");
  const res = await page(app, `/alerts/poll?since=${encodeURIComponent(since.toISOString())}`, p.bob.cookie, true);
  assertEquals(res.status, 200);
  assertStringIncludes(await res.text(), "1 new alert");
});

Deno.test("rules page: create with inline errors (422), then a 303 to the rule; edit and delete", async () => {
  const list = await (await page(app, "/alert-rules", p.alice.cookie)).text();
  assertStringIncludes(list, "Anything down");
  const bad = await postForm(
    app,
    "/alert-rules",
    { name: "", kind: "metric_threshold", metric_type: "" },
    p.alice.cookie,
  );
  assertEquals(bad.status, 422);
  assertStringIncludes(await bad.text(), 'id="name-error"');
  const noMetric = await postForm(app, "/alert-rules", { name: "CPU", kind: "metric_threshold" }, p.alice.cookie);
  assertEquals(noMetric.status, 422);
  const noMetricHtml = await noMetric.text();
  assertStringIncludes(noMetricHtml, 'id="operator-error"');
  assertStringIncludes(noMetricHtml, "is required for metric_threshold rules");
  const ok = await postForm(app, "/alert-rules", {
    name: "Latency",
    kind: "metric_threshold",
    metric_type: "http.p95_ms",
    operator: "above",
    threshold: "800",
    window_seconds: "",
    environment: "ignored for this kind",
    enabled: "true",
    severity: "critical",
  }, p.alice.cookie);
  assertEquals(ok.status, 303);
  const path = ok.headers.get("Location")!;
  const [rule] =
    await sql`SELECT threshold, window_seconds, environment, enabled FROM alert_rules WHERE name = 'Latency'`;
  assertEquals([rule.threshold, rule.window_seconds, rule.environment, rule.enabled], [800, 300, null, true]);
  const edited = await postForm(app, path, {
    name: "Latency p95",
    threshold: "900",
    operator: "above",
    metric_type: "http.p95_ms",
  }, p.alice.cookie);
  assertEquals(edited.status, 303);
  const [after] = await sql`SELECT name, threshold, enabled FROM alert_rules WHERE name = 'Latency p95'`;
  assertEquals([after.threshold, after.enabled], [900, false]);
  assertEquals((await postForm(app, `${path}/delete`, {}, p.alice.cookie)).status, 303);
  assertEquals((await page(app, path, p.alice.cookie)).status, 404);
  assertEquals((await page(app, "/alert-rules", p.carol.cookie)).status, 404);
});
