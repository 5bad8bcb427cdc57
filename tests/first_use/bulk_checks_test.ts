/**
 * Bulk pause/resume/delete of checks: through the API (per-id results, one
 * audit row per check, refusals reported per id and stopping nothing) and
 * from the checks list's form (ticked rows, a redirect that says what was
 * done).
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject, getPage, postPage } from "../helpers/catalog.ts";
import { call } from "../helpers/change_requests.ts";
import { createCheck, httpCheck } from "../helpers/checks.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const theirs = await genProject(sql, p.other.id, p.clients.otherClient.id, { name: "Initech app" });

const audits = async (id: string) =>
  (await sql<
    { action: string }[]
  >`SELECT action FROM audits WHERE resource_id = ${id} AND action <> 'health_check.create'
    ORDER BY seq`).map((r) => r.action);
const pausedOf = async (ids: string[]) =>
  (await sql<{ paused: boolean }[]>`SELECT paused FROM health_checks WHERE id = ANY (${ids}::uuid[]) ORDER BY name`)
    .map((r) => r.paused);

Deno.test("POST /api/v1/health-checks/bulk pauses, resumes and deletes per id, each audited; refusals are per id", async () => {
  const a = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "A shop" }));
  const b = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "B shop" }));
  const foreign = await createCheck(app, p.dave.bearer, httpCheck(theirs.id, { name: "Their check" }));

  const paused = await call(app, "POST", "/api/v1/health-checks/bulk", p.alice.bearer, {
    action: "pause",
    ids: [a.id, b.id, foreign.id, a.id],
  });
  assertEquals(paused.status, 200);
  const { results } = await paused.json();
  assertEquals(results.map((r: { id: string; ok: boolean; status: number }) => [r.id, r.ok, r.status]), [
    [a.id, true, 200],
    [b.id, true, 200],
    [foreign.id, false, 404],
  ]);
  assertEquals(await pausedOf([a.id, b.id]), [true, true]);
  assertEquals(await audits(a.id), ["health_check.pause"], "one row per check, the repeated id counted once");
  assertEquals(await audits(foreign.id), [], "another agency's check is untouched and unaudited");
  assertEquals((await sql`SELECT paused FROM health_checks WHERE id = ${foreign.id}`)[0].paused, false);

  const resumed = await call(app, "POST", "/api/v1/health-checks/bulk", p.alice.bearer, {
    action: "resume",
    ids: [a.id, b.id],
  });
  assertEquals((await resumed.json()).results.every((r: { ok: boolean }) => r.ok), true);
  assertEquals(await pausedOf([a.id, b.id]), [false, false]);

  const deleted = await call(app, "POST", "/api/v1/health-checks/bulk", p.alice.bearer, {
    action: "delete",
    ids: [b.id],
  });
  assertEquals((await deleted.json()).results[0].status, 204);
  assertEquals(await audits(b.id), ["health_check.pause", "health_check.resume", "health_check.delete"]);
  assertEquals((await sql`SELECT 1 FROM health_checks WHERE id = ${b.id}`).length, 0);
});

Deno.test("a bulk call with no ids or an unknown action is a 422 naming the field; nothing changes", async () => {
  const c = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "C shop" }));
  const empty = await problem(
    await call(app, "POST", "/api/v1/health-checks/bulk", p.alice.bearer, { action: "pause", ids: [] }),
    422,
  );
  assertEquals(empty.errors[0].path, "ids");
  const odd = await problem(
    await call(app, "POST", "/api/v1/health-checks/bulk", p.alice.bearer, { action: "explode", ids: [c.id] }),
    422,
  );
  assertEquals(odd.errors[0].path, "action");
  assertEquals(await audits(c.id), []);
});

Deno.test("the checks list: ticked rows are paused by the bulk form, then the list says so", async () => {
  const d = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "D shop" }));
  const e = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "E shop" }));
  const board = await (await getPage(app, "/checks", p.alice.cookie)).text();
  assertStringIncludes(board, 'id="bulk-form"');
  assertStringIncludes(board, `value="${d.id}" form="bulk-form" id="select-${d.id}" hx-preserve="true"`);
  const clientBoard = await (await getPage(app, "/checks", p.carol.cookie)).text();
  assert(!clientBoard.includes("bulk-form"), "a reader without write has no bulk actions");

  const res = await postPage(app, "/checks/bulk", { action: "pause", ids: [d.id, e.id] }, p.alice.cookie);
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("Location"), "/checks?bulk=pause&done=2&refused=0");
  assertEquals(await pausedOf([d.id, e.id]), [true, true]);
  assertStringIncludes(
    await (await getPage(app, res.headers.get("Location")!, p.alice.cookie)).text(),
    "2 checks paused.",
  );

  const none = await postPage(app, "/checks/bulk", { action: "pause" }, p.alice.cookie);
  assertEquals(none.headers.get("Location"), "/checks?bulk=none");
  assertStringIncludes(await (await getPage(app, "/checks?bulk=none", p.alice.cookie)).text(), "Tick at least one");
});
