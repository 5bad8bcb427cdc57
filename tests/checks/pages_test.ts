import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject, getPage, postPage } from "../helpers/catalog.ts";
import { auditActionsFor, checkCount, createCheck, httpCheck, insertResults } from "../helpers/checks.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const globexApp = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex app" });

const home = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Shop home" }));
const api = await createCheck(app, p.alice.bearer, httpCheck(globexApp.id, { name: "Globex API" }));
await sql`UPDATE health_checks SET status = 'down', last_checked_at = now() WHERE id = ${api.id}`;
const now = Date.now();
await insertResults(
  sql,
  p.tenant.id,
  home.id,
  Array.from({ length: 30 }, (_, i) => ({
    status: i === 25 ? "down" as const : "up" as const,
    latencyMs: 80 + i,
    at: new Date(now - (30 - i) * 60_000),
    detail: i === 25 ? "expected status 200, got 503" : undefined,
  })),
);

Deno.test("GET /checks shows every visible check grouped by client and project, polling itself", async () => {
  const res = await getPage(app, "/checks", p.bob.cookie);
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "text/html; charset=UTF-8");
  const body = await res.text();
  assertStringIncludes(body, "Acme");
  assertStringIncludes(body, "Globex app");
  assertStringIncludes(body, `id="check-${home.id}" data-status="unknown"`);
  assertStringIncludes(body, `id="check-${api.id}" data-status="down"`);
  assertStringIncludes(body, 'hx-trigger="live, every 15s" data-live="checks" data-live-poll="5"');
  assertStringIncludes(body, 'href="/maintenance"');
  assertStringIncludes(body, 'href="/checks/new"');
  assertStringIncludes(body, "uptime-bar bar-mixed");
  assertStringIncludes(body, "96.7 %"); // 29 of 30 up over 24 h
});

Deno.test("GET /checks as htmx answers the board alone; filters narrow it and keep themselves in the poll URL", async () => {
  const res = await getPage(app, `/checks?status=down&project_id=${globexApp.id}`, p.bob.cookie, true);
  assertEquals(res.status, 200);
  const body = await res.text();
  assert(!body.includes("<html"), "a fragment, not a page");
  assertStringIncludes(body, `hx-get="/checks?project_id=${globexApp.id}&amp;status=down"`);
  assertStringIncludes(body, "Globex API");
  assert(!body.includes("Shop home"));
  const none = await (await getPage(app, "/checks?status=paused", p.bob.cookie)).text();
  assertStringIncludes(none, "No checks match these filters.");
  const bogus = await getPage(app, "/checks?status=bogus&project_id=nope", p.bob.cookie);
  assertEquals(bogus.status, 200);
});

Deno.test("a client user's board holds their client's checks only, without a New check button", async () => {
  const body = await (await getPage(app, "/checks", p.carol.cookie)).text();
  assertStringIncludes(body, "Shop home");
  assert(!body.includes("Globex API"));
  assert(!body.includes('href="/checks/new"'));
  assertEquals((await getPage(app, `/checks/${api.id}`, p.carol.cookie)).status, 404);
});

Deno.test("an empty board invites to create the first check", async () => {
  const { app: emptyApp, db: emptyDb } = await createTestApp();
  const q = await genPersonas(emptyDb.sql);
  const body = await (await getPage(emptyApp, "/checks", q.alice.cookie)).text();
  assertStringIncludes(body, "No health checks yet");
  assertStringIncludes(body, 'href="/checks/new" role="button"');
});

Deno.test("GET /checks/{id} shows state, uptime, the latency chart, history with load more, and the actions", async () => {
  const res = await getPage(app, `/checks/${home.id}`, p.alice.cookie);
  assertEquals(res.status, 200);
  const body = await res.text();
  assertStringIncludes(body, "Shop home");
  assertStringIncludes(body, 'class="chart latency-chart"');
  assertStringIncludes(body, "Uptime 24 h");
  assertStringIncludes(body, "expected status 200, got 503");
  assertStringIncludes(body, `action="/checks/${home.id}/run"`);
  assertStringIncludes(body, `action="/checks/${home.id}/pause"`);
  assertStringIncludes(body, `action="/checks/${home.id}/delete"`);
  assertStringIncludes(body, "Load more");
  const more = body.match(/hx-get="(\/checks\/[^"]+\/results\?cursor=[^"]+)"/)![1];
  const rows = await (await getPage(app, more, p.alice.cookie, true)).text();
  assertEquals(rows.match(/<tr /g)?.length, 10);
  for (const range of ["7d", "30d", "90d"]) {
    assertEquals((await getPage(app, `/checks/${home.id}?range=${range}`, p.alice.cookie)).status, 200);
  }
});

Deno.test("the form creates a check (303 to its page) and shows every refusal next to its field", async () => {
  const form = await (await getPage(app, "/checks/new", p.bob.cookie)).text();
  assertStringIncludes(form, 'name="url"');
  assertStringIncludes(form, 'name="cron"');

  const bad = await postPage(app, "/checks", {
    project_id: shop.id,
    name: "",
    type: "http",
    url: "ftp://x",
    expected_status: "200, abc",
    headers: "no colon here",
    interval_seconds: "10",
    timeout_ms: "20000",
  }, p.bob.cookie);
  assertEquals(bad.status, 422);
  const page = await bad.text();
  for (const field of ["name", "url", "expected_status", "headers"]) {
    assertStringIncludes(page, `id="${field}-error"`);
  }
  assertStringIncludes(page, 'value="ftp://x"');

  const ok = await postPage(app, "/checks", {
    project_id: shop.id,
    name: "Checkout",
    type: "http",
    url: "https://shop.example.com/checkout",
    expected_status: "200, 302",
    headers: "Accept: text/html",
    keyword: "Pay",
    follow_redirects: "true",
    verify_tls: "true",
    host: "ignored.example.com",
    cron: "ignored",
  }, p.bob.cookie);
  assertEquals(ok.status, 303);
  const id = ok.headers.get("Location")!.split("/").pop()!;
  const [row] = await sql`SELECT expected_status, headers, keyword, host, cron FROM health_checks WHERE id = ${id}`;
  assertEquals([row.expected_status, row.headers, row.keyword, row.host, row.cron], [
    [200, 302],
    { Accept: "text/html" },
    "Pay",
    null,
    null,
  ]);
});

Deno.test("creating a heartbeat in the form redirects (PRG) to its page, which shows the ping URL once", async () => {
  const before = await checkCount(sql, p.tenant.id);
  const res = await postPage(app, "/checks", {
    project_id: shop.id,
    name: "Backup",
    type: "heartbeat",
    interval_seconds: "86400",
    grace_seconds: "3600",
  }, p.bob.cookie);
  assertEquals(res.status, 303);
  const location = res.headers.get("Location")!;
  const kept = res.headers.get("Set-Cookie")!.split(";")[0];
  const shown = await getPage(app, location, { ...p.bob.cookie, Cookie: `${p.bob.cookie.Cookie}; ${kept}` });
  assertEquals(shown.headers.get("Cache-Control"), "no-store");
  const body = await shown.text();
  assertStringIncludes(body, "/api/v1/heartbeats/hb_");
  assertStringIncludes(body, "/fail");
  assertStringIncludes(body, "shown only this once");
  // Reloading is a GET: no second check, and the secret is not shown again.
  const reload = await (await getPage(app, location, p.bob.cookie)).text();
  assertEquals(reload.includes("/api/v1/heartbeats/hb_"), false);
  assertEquals(await checkCount(sql, p.tenant.id), before + 1);
});

Deno.test("edit, pause, resume, run now and delete from the pages, each audited", async () => {
  const check = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Editable", keyword: "ok" }));
  const edit = await (await getPage(app, `/checks/${check.id}/edit`, p.alice.cookie)).text();
  assertStringIncludes(edit, 'value="Editable"');
  assertStringIncludes(edit, 'value="ok"');

  const saved = await postPage(app, `/checks/${check.id}`, {
    project_id: shop.id,
    name: "Edited",
    url: "https://shop.example.com/",
    method: "GET",
    expected_status: "200",
    keyword: "",
    follow_redirects: "true",
    verify_tls: "true",
  }, p.alice.cookie);
  assertEquals(saved.status, 303);
  const [row] = await sql`SELECT name, keyword FROM health_checks WHERE id = ${check.id}`;
  assertEquals([row.name, row.keyword], ["Edited", null]);

  for (const action of ["pause", "resume", "run"]) {
    const res = await postPage(app, `/checks/${check.id}/${action}`, {}, p.alice.cookie);
    assertEquals(res.status, 303, action);
  }
  const refused = await postPage(app, `/checks/${check.id}/delete`, {}, p.bob.cookie);
  assertEquals(refused.status, 403);
  assertStringIncludes(await refused.text(), "Edited");
  const gone = await postPage(app, `/checks/${check.id}/delete`, {}, p.alice.cookie);
  assertEquals([gone.status, gone.headers.get("Location")], [303, "/checks"]);
  assertEquals(await auditActionsFor(sql, check.id), [
    "health_check.create",
    "health_check.update",
    "health_check.pause",
    "health_check.resume",
    "health_check.run",
    "health_check.delete",
  ]);
});

Deno.test("the project hub's Health tab shows that project's checks, live, with a way to add one", async () => {
  const body = await (await getPage(app, `/projects/${shop.id}/health`, p.bob.cookie, true)).text();
  assertStringIncludes(body, "Shop home");
  assert(!body.includes("Globex API"));
  assertStringIncludes(body, `hx-get="/checks?project_id=${shop.id}"`);
  assertStringIncludes(body, `href="/checks/new?project_id=${shop.id}"`);
});
