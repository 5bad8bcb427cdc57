import { assert, assertEquals } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const globexApp = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex app" });
const initech = await genProject(sql, p.other.id, p.clients.otherClient.id, { name: "Initech portal" });
const PATH = "/api/v1/maintenance-windows";

const create = (body: unknown, headers = p.bob.bearer) => app.request(PATH, jsonRequest("POST", body, headers));
const audits = async (id: string) =>
  (await sql<{ action: string }[]>`SELECT action FROM audits WHERE resource_id = ${id} ORDER BY created_at`)
    .map((a) => a.action);

Deno.test("a CI job mutes a rollout with a duration, then ends the window; each change is audited", async () => {
  const startsAt = new Date(Date.now() - 10 * 60_000).toISOString();
  const res = await create({ title: "Deploy 2.4", project_id: shop.id, starts_at: startsAt, duration_minutes: 30 });
  assertEquals(res.status, 201);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const w = await res.json();
  assertEquals([w.kind, w.project_id, w.active, w.timezone], ["one_off", shop.id, true, "UTC"]);
  assertEquals(Date.parse(w.ends_at) - Date.parse(w.starts_at), 30 * 60_000);
  assertEquals(w.next_occurrences.length, 1);

  const ended = await app.request(`${PATH}/${w.id}/end`, { method: "POST", headers: p.bob.bearer });
  assertEquals(ended.status, 200);
  const e = await ended.json();
  assertEquals(e.active, false);
  assert(Date.parse(e.ends_at) <= Date.now());
  // ending again changes nothing and writes nothing
  const again = await app.request(`${PATH}/${w.id}/end`, { method: "POST", headers: p.bob.bearer });
  assertEquals(again.status, 200);
  assertEquals((await again.json()).ends_at, e.ends_at);
  assertEquals(await audits(w.id), ["maintenance_window.create", "maintenance_window.end"]);
});

Deno.test("a recurring window reports its next occurrences in local time across DST; PATCH and DELETE work", async () => {
  const res = await create({
    title: "Nightly",
    rrule: "FREQ=DAILY;COUNT=4",
    dtstart: "2026-03-27T02:30",
    timezone: "Europe/Berlin",
    duration_minutes: 60,
  });
  assertEquals(res.status, 201);
  const w = await res.json();
  assertEquals([w.kind, w.rrule, w.dtstart, w.project_id], [
    "recurring",
    "FREQ=DAILY;COUNT=4",
    "2026-03-27T02:30:00",
    null,
  ]);
  assertEquals(w.starts_at, "2026-03-27T01:30:00.000Z");
  assertEquals(w.ends_at, "2026-03-30T01:30:00.000Z");

  const got = await (await app.request(`${PATH}/${w.id}`, { headers: p.alice.bearer })).json();
  assertEquals(got.id, w.id);

  const patched = await app.request(
    `${PATH}/${w.id}`,
    jsonRequest("PATCH", { rrule: "FREQ=WEEKLY;BYDAY=SU" }, p.bob.bearer),
  );
  assertEquals(patched.status, 200);
  const pw = await patched.json();
  assertEquals([pw.rrule, pw.ends_at, pw.title], ["FREQ=WEEKLY;BYDAY=SU", null, "Nightly"]);
  assertEquals(pw.starts_at, "2026-03-29T01:00:00.000Z"); // Sunday 02:30 does not exist: 03:00 CEST

  const oneOff = await app.request(
    `${PATH}/${w.id}`,
    jsonRequest(
      "PATCH",
      { rrule: null, starts_at: "2030-01-01T00:00:00Z", ends_at: "2030-01-01T01:00:00Z" },
      p.bob.bearer,
    ),
  );
  assertEquals(oneOff.status, 200);
  const ow = await oneOff.json();
  assertEquals([ow.kind, ow.rrule, ow.dtstart, ow.duration_minutes], ["one_off", null, null, null]);

  // bob (employee) may not delete; alice (admin) may
  await problem(await app.request(`${PATH}/${w.id}`, { method: "DELETE", headers: p.bob.bearer }), 403);
  assertEquals((await app.request(`${PATH}/${w.id}`, { method: "DELETE", headers: p.alice.bearer })).status, 204);
  await problem(await app.request(`${PATH}/${w.id}`, { headers: p.alice.bearer }), 404);
  assertEquals(await audits(w.id), [
    "maintenance_window.create",
    "maintenance_window.update",
    "maintenance_window.update",
    "maintenance_window.delete",
  ]);
});

Deno.test("validation names the field, and the RRULE part", async () => {
  const cases: [Record<string, unknown>, string, RegExp?][] = [
    [{ title: "x" }, "ends_at"],
    [{ title: "x", ends_at: "2020-01-01T00:00:00Z", starts_at: "2021-01-01T00:00:00Z" }, "ends_at"],
    [{ title: "x", rrule: "FREQ=DAILY;BYDAY=1MO", duration_minutes: 5 }, "rrule", /^BYDAY/],
    [{ title: "x", rrule: "FREQ=HOURLY", duration_minutes: 5 }, "rrule", /^FREQ/],
    [{ title: "x", rrule: "FREQ=DAILY" }, "duration_minutes"],
    [{ title: "x", rrule: "FREQ=DAILY", duration_minutes: 5, timezone: "Mars/Olympus" }, "timezone"],
    [{ title: "x", rrule: "FREQ=DAILY", duration_minutes: 5, dtstart: "tomorrow" }, "dtstart"],
    [{ title: "x", duration_minutes: 5, project_id: initech.id }, "project_id"],
    [{ title: "x", duration_minutes: 5, tenant_id: p.other.id }, ""],
  ];
  for (const [body, path, message] of cases) {
    const res = await problem(await create(body), 422);
    assertEquals(res.errors[0].path, path, JSON.stringify(body));
    if (message) assert(message.test(res.errors[0].message), res.errors[0].message);
  }
  const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM maintenance_windows WHERE title = 'x'`;
  assertEquals(n, 0);
});

Deno.test("client users read their own client's and tenant-wide windows, never another client's, and cannot write", async () => {
  const mine = await (await create({ title: "Acme work", project_id: shop.id, duration_minutes: 10 })).json();
  const theirs = await (await create({ title: "Globex work", project_id: globexApp.id, duration_minutes: 10 })).json();
  const wide = await (await create({ title: "Everything", duration_minutes: 10 })).json();
  const list = await (await app.request(`${PATH}?state=current&limit=200`, { headers: p.carol.bearer })).json();
  const ids = list.data.map((w: { id: string }) => w.id);
  assert(ids.includes(mine.id) && ids.includes(wide.id) && !ids.includes(theirs.id));
  await problem(await app.request(`${PATH}/${theirs.id}`, { headers: p.carol.bearer }), 404);
  await problem(await create({ title: "no", project_id: shop.id, duration_minutes: 5 }, p.carol.bearer), 403);
  await problem(await app.request(`${PATH}/${mine.id}`, { headers: p.dave.bearer }), 404);
});

Deno.test("the list pages with a cursor, open series first", async () => {
  for (let i = 0; i < 3; i++) {
    await create({ title: `Page ${i}`, rrule: "FREQ=DAILY", dtstart: "2026-01-01T00:00", duration_minutes: 5 });
  }
  const first = await (await app.request(`${PATH}?limit=2`, { headers: p.alice.bearer })).json();
  assertEquals(first.data.length, 2);
  assert(first.data.every((w: { ends_at: string | null }) => w.ends_at === null));
  const second = await (await app.request(`${PATH}?limit=2&cursor=${first.next_cursor}`, { headers: p.alice.bearer }))
    .json();
  const ids = new Set([...first.data, ...second.data].map((w: { id: string }) => w.id));
  assertEquals(ids.size, first.data.length + second.data.length);
});

Deno.test("ending a window that has not started is a 409", async () => {
  const w = await (await create({
    title: "Later",
    starts_at: "2099-01-01T00:00:00Z",
    ends_at: "2099-01-01T01:00:00Z",
  })).json();
  await problem(await app.request(`${PATH}/${w.id}/end`, { method: "POST", headers: p.bob.bearer }), 409);
});
