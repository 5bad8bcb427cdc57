/** The alert lifecycle over the API: acknowledge, snooze, resolve, with history, audit, 409s and scoping. */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { auditActions, call, created } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";
import { alertEvents, alertsOf, checkEvent, fire, genCheck, historyOf } from "../helpers/alerts.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const t = p.tenant.id;
const shop = await genProject(sql, t, p.clients.acme.id, { name: "Acme shop" });
const globexSite = await genProject(sql, t, p.clients.globex.id, { name: "Globex site" });
const rule = await created(app, "/api/v1/alert-rules", p.alice.bearer, { name: "Anything down", kind: "check_down" });

/** Opens a fresh alert on a new check of `projectId`. */
async function openAlert(projectId = shop.id): Promise<string> {
  const check = await genCheck(sql, t, projectId, `Check ${crypto.randomUUID().slice(0, 6)}`);
  await fire(sql, checkEvent("health_check.down", check, t));
  const [row] = await sql`SELECT id FROM alerts WHERE check_id = ${check.id}`;
  return row.id;
}
const act = (id: string, verb: string, headers: Record<string, string>, body?: unknown) =>
  call(app, "POST", `/api/v1/alerts/${id}/${verb}`, headers, body);

Deno.test("acknowledge with a comment: status, who, history, one audit row, alert.acknowledged event", async () => {
  const id = await openAlert();
  const res = await act(id, "acknowledge", p.bob.bearer, { comment: "  On it  " });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const body = await res.json();
  assertEquals([body.status, body.acknowledged_by], ["acknowledged", p.bob.user.id]);
  assertMatch(body.acknowledged_at, /Z$/);
  assertEquals(await historyOf(sql, id), [
    [null, "triggered", "transition", null],
    ["triggered", "acknowledged", "transition", p.bob.user.id],
  ]);
  assertEquals(await auditActions(sql, id), ["alert.acknowledge"]);
  const events = await alertEvents(sql, id);
  assertEquals(events.map((e) => e.type), ["alert.triggered", "alert.acknowledged"]);
  assertEquals(events[1].payload.comment, "On it");
  assertEquals((events[1].payload.actor as { user_id: string }).user_id, p.bob.user.id);

  const again = await problem(await act(id, "acknowledge", p.bob.bearer), 409);
  assertStringIncludes(again.detail, "is already acknowledged");
});

Deno.test("GET /alerts/{id} returns the timeline with actors and comments", async () => {
  const id = await openAlert();
  await act(id, "acknowledge", p.alice.bearer, { comment: "Looking" });
  await act(id, "resolve", p.alice.bearer, { comment: "Rolled back" });
  const res = await call(app, "GET", `/api/v1/alerts/${id}`, p.bob.bearer);
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.status, "resolved");
  assertEquals(body.path, `/alerts/${id}`);
  assertEquals(
    body.history.map((h: Record<string, unknown>) => [h.to_status, h.actor_name, h.comment]),
    [["triggered", null, null], ["acknowledged", "Alice", "Looking"], ["resolved", "Alice", "Rolled back"]],
  );
});

Deno.test("snooze by minutes or until; bad input is a 422 naming the field; nothing changes", async () => {
  const id = await openAlert();
  const bad = await problem(await act(id, "snooze", p.bob.bearer, {}), 422);
  assertEquals(bad.errors[0].path, "until");
  const past = await problem(await act(id, "snooze", p.bob.bearer, { until: "2001-01-01T00:00:00Z" }), 422);
  assertEquals(past.errors[0].path, "until");
  const unknown = await problem(await act(id, "snooze", p.bob.bearer, { minutes: 5, status: "resolved" }), 422);
  assert(unknown.detail.length > 0);
  assertEquals((await alertsOf(sql, rule.id)).find((a) => a.id === id)!.status, "triggered");

  const res = await act(id, "snooze", p.bob.bearer, { minutes: 60, comment: "Vendor fix" });
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.status, "snoozed");
  const until = new Date(body.snoozed_until).getTime() - Date.now();
  assert(until > 59 * 60_000 && until <= 60 * 60_000, `snoozed for ${until} ms`);
  // a snoozed alert may be acknowledged
  assertEquals((await act(id, "acknowledge", p.bob.bearer)).status, 200);
  assertEquals(await auditActions(sql, id), ["alert.snooze", "alert.acknowledge"]);
});

Deno.test("resolve by hand; then every action is a 409 naming the status", async () => {
  const id = await openAlert();
  assertEquals((await act(id, "resolve", p.alice.bearer)).status, 200);
  for (const [verb, body] of [["acknowledge", {}], ["snooze", { minutes: 5 }], ["resolve", {}]] as const) {
    const refused = await problem(await act(id, verb, p.alice.bearer, body), 409);
    assertStringIncludes(refused.detail, "resolved");
  }
  assertEquals(await auditActions(sql, id), ["alert.resolve"]);
});

Deno.test("list: filters, open first by status, cursor pages", async () => {
  const a = await openAlert();
  const b = await openAlert();
  await act(b, "resolve", p.alice.bearer);
  const open = await (await call(app, "GET", "/api/v1/alerts?status=open&limit=200", p.bob.bearer)).json();
  const ids = open.data.map((x: { id: string }) => x.id);
  assert(ids.includes(a) && !ids.includes(b));
  const resolved = await (await call(app, "GET", `/api/v1/alerts?status=resolved&rule_id=${rule.id}`, p.bob.bearer))
    .json();
  assert(resolved.data.every((x: { status: string }) => x.status === "resolved"));
  const first = await (await call(app, "GET", "/api/v1/alerts?limit=1", p.bob.bearer)).json();
  assertEquals(first.data.length, 1);
  const second = await (await call(app, "GET", `/api/v1/alerts?limit=1&cursor=${first.next_cursor}`, p.bob.bearer))
    .json();
  assert(second.data[0].id !== first.data[0].id);
  await problem(await call(app, "GET", "/api/v1/alerts?status=burning", p.bob.bearer), 422);
  await problem(await call(app, "GET", "/api/v1/alerts?cursor=forged", p.bob.bearer), 400);
});

Deno.test("client users read their client's alerts only, and may not act on them", async () => {
  const mine = await openAlert(shop.id);
  const theirs = await openAlert(globexSite.id);
  const list = await (await call(app, "GET", "/api/v1/alerts?limit=200", p.carol.bearer)).json();
  const projects = new Set(list.data.map((x: { project_id: string }) => x.project_id));
  assertEquals([...projects], [shop.id]);
  assertEquals((await call(app, "GET", `/api/v1/alerts/${mine}`, p.carol.bearer)).status, 200);
  await problem(await call(app, "GET", `/api/v1/alerts/${theirs}`, p.carol.bearer), 404);
  await problem(await act(theirs, "acknowledge", p.carol.bearer), 404);
  await problem(await act(mine, "acknowledge", p.carol.bearer), 403);
});

Deno.test("another tenant's alert is a 404 for every route", async () => {
  const id = await openAlert();
  await problem(await call(app, "GET", `/api/v1/alerts/${id}`, p.dave.bearer), 404);
  for (const verb of ["acknowledge", "resolve"]) await problem(await act(id, verb, p.dave.bearer), 404);
  await problem(await act(id, "snooze", p.dave.bearer, { minutes: 5 }), 404);
  const list = await (await call(app, "GET", "/api/v1/alerts", p.dave.bearer)).json();
  assertEquals(list.data, []);
});
