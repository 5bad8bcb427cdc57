/**
 * Bulk acknowledge/resolve of alerts: through the API (per-id results, one
 * transition + audit row per alert, another organisation's or another
 * client's alert a 404 for its id alone) and from the inbox's form (ticked
 * rows, a redirect to the same filters that says what was done).
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { checkEvent, fire, genCheck } from "../helpers/alerts.ts";
import { genProject, getPage, postPage } from "../helpers/catalog.ts";
import { call, created } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const portal = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex portal" });
const theirs = await genProject(sql, p.other.id, p.clients.otherClient.id, { name: "Initech app" });
await created(app, "/api/v1/alert-rules", p.alice.bearer, { name: "Down", kind: "check_down" });
await created(app, "/api/v1/alert-rules", p.dave.bearer, { name: "Down", kind: "check_down" });

/** A check of `project` that went down, and the alert it opened. */
async function openAlert(tenantId: string, projectId: string, name: string): Promise<string> {
  const check = await genCheck(sql, tenantId, projectId, name);
  await fire(sql, checkEvent("health_check.down", check, tenantId));
  const [row] = await sql<{ id: string }[]>`SELECT id FROM alerts WHERE check_id = ${check.id}`;
  return row.id;
}
const statusOf = async (id: string) => (await sql`SELECT status FROM alerts WHERE id = ${id}`)[0].status;
const audits = async (id: string) =>
  (await sql<{ action: string }[]>`SELECT action FROM audits WHERE resource_id = ${id} ORDER BY seq`)
    .map((r) => r.action);
const bulk = (headers: Record<string, string>, body: unknown) =>
  call(app, "POST", "/api/v1/alerts/bulk", headers, body);
const outcome = (results: { id: string; ok: boolean; status: number }[]) => results.map((r) => [r.id, r.ok, r.status]);

Deno.test("POST /api/v1/alerts/bulk acknowledges then resolves per id, each audited; refusals are per id", async () => {
  const a = await openAlert(p.tenant.id, shop.id, "Shop home");
  const b = await openAlert(p.tenant.id, portal.id, "Portal login");
  const foreign = await openAlert(p.other.id, theirs.id, "Initech home");

  const acked = await bulk(p.bob.bearer, { action: "acknowledge", ids: [a, b, foreign, a], comment: "On it" });
  assertEquals(acked.status, 200);
  assertEquals(outcome((await acked.json()).results), [[a, true, 200], [b, true, 200], [foreign, false, 404]]);
  assertEquals([await statusOf(a), await statusOf(b), await statusOf(foreign)], [
    "acknowledged",
    "acknowledged",
    "triggered",
  ]);
  assertEquals(await audits(a), ["alert.acknowledge"], "one row per alert, the repeated id counted once");
  assertEquals(await audits(foreign), [], "another organisation's alert is untouched and unaudited");
  const [history] = await sql`SELECT comment FROM alert_history WHERE alert_id = ${a} AND to_status = 'acknowledged'`;
  assertEquals(history.comment, "On it");

  const again = await (await bulk(p.bob.bearer, { action: "acknowledge", ids: [a] })).json();
  assertEquals(outcome(again.results), [[a, false, 409]], "already acknowledged: the single call's 409");

  const resolved = await (await bulk(p.bob.bearer, { action: "resolve", ids: [a, b] })).json();
  assertEquals(outcome(resolved.results), [[a, true, 200], [b, true, 200]]);
  assertEquals(await audits(b), ["alert.acknowledge", "alert.resolve"]);
});

Deno.test("a client user: another client's alert is a 404 for its id, their own a 403 (clients only read)", async () => {
  const own = await openAlert(p.tenant.id, shop.id, "Shop cart");
  const other = await openAlert(p.tenant.id, portal.id, "Portal search");
  const { results } = await (await bulk(p.carol.bearer, { action: "resolve", ids: [other, own] })).json();
  assertEquals(results[0].status, 404, "another client's alert is not found, not forbidden");
  assertEquals(results[0].detail, "Alert not found");
  assertEquals(results[1].status, 403);
  assertEquals(await statusOf(other), "triggered");
  assertEquals(await audits(other), []);
});

Deno.test("a bulk call with no ids, too many, or an unknown action is a 422 naming the field; nothing changes", async () => {
  const c = await openAlert(p.tenant.id, shop.id, "Shop search");
  const empty = await problem(await bulk(p.bob.bearer, { action: "resolve", ids: [] }), 422);
  assertEquals(empty.errors[0].path, "ids");
  const many = Array.from({ length: 101 }, () => crypto.randomUUID());
  assertEquals((await problem(await bulk(p.bob.bearer, { action: "resolve", ids: many }), 422)).errors[0].path, "ids");
  const odd = await problem(await bulk(p.bob.bearer, { action: "snooze", ids: [c] }), 422);
  assertEquals(odd.errors[0].path, "action");
  assertEquals(await statusOf(c), "triggered");
  assertEquals(await audits(c), []);
});

Deno.test("the inbox: ticked rows are acknowledged by the bulk form, back to the same filters with what was done", async () => {
  const d = await openAlert(p.tenant.id, portal.id, "Portal cart");
  const e = await openAlert(p.tenant.id, portal.id, "Portal api");
  const inbox = await (await getPage(app, `/alerts?project_id=${portal.id}`, p.bob.cookie)).text();
  assertStringIncludes(inbox, 'id="alert-bulk-form"');
  assertStringIncludes(inbox, `value="${d}" form="alert-bulk-form" id="select-alert-${d}" hx-preserve="true"`);
  const client = await (await getPage(app, "/alerts", p.carol.cookie)).text();
  assert(!client.includes("alert-bulk-form"), "a reader without alerts:write has no bulk form or checkboxes");

  const back = `status=open&project_id=${portal.id}`;
  const res = await postPage(
    app,
    "/alerts/bulk",
    { action: "acknowledge", ids: [d, e], return_query: back },
    p.bob.cookie,
  );
  assertEquals(res.status, 303);
  const location = res.headers.get("Location")!;
  assertEquals(location, `/alerts?${back}&bulk=acknowledge&done=2&refused=0`);
  assertEquals([await statusOf(d), await statusOf(e)], ["acknowledged", "acknowledged"]);
  assertStringIncludes(await (await getPage(app, location, p.bob.cookie)).text(), "2 alerts acknowledged.");

  const none = await postPage(app, "/alerts/bulk", { action: "resolve", return_query: back }, p.bob.cookie);
  assertEquals(none.headers.get("Location"), `/alerts?${back}&bulk=none`);
  assertStringIncludes(
    await (await getPage(app, none.headers.get("Location")!, p.bob.cookie)).text(),
    "Tick at least one",
  );
});
