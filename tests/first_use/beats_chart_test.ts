/**
 * Beat bars (the last results, one bar each) on the check page and the
 * board, and the latency chart of a young check: it spans the time the check
 * has, not 24 empty hours. Times are placed relative to the test's clock.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { BEATS, chartSpan } from "../../services/checks/view_model.ts";
import { createTestApp } from "../helpers/app.ts";
import { genProject, getPage } from "../helpers/catalog.ts";
import { createCheck, httpCheck, insertResults } from "../helpers/checks.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const NOW = new Date("2026-03-11T10:17:30Z");
const H = 3_600_000;

Deno.test("chartSpan: a check younger than the range gets its own span in minute steps; an old one the range", () => {
  const young = chartSpan("24h", NOW, new Date(NOW.getTime() - 2 * H));
  assertEquals([young.young, young.step], [true, 60]);
  assert(young.from.getTime() <= NOW.getTime() - 2 * H && young.from.getTime() > NOW.getTime() - 2 * H - 60_000);
  assert(young.to > NOW && young.to.getTime() - NOW.getTime() <= 60_000);
  const newborn = chartSpan("24h", NOW, new Date(NOW.getTime() - 60_000));
  assertEquals(newborn.step, 60);
  assertEquals(newborn.to.getTime() - newborn.from.getTime() >= 30 * 60_000, true, "at least half an hour");
  const old = chartSpan("24h", NOW, new Date(NOW.getTime() - 3 * 24 * H));
  assertEquals([old.young, old.step, old.to.getTime() - old.from.getTime()], [false, 900, 24 * H]);
  const week = chartSpan("7d", NOW, new Date(NOW.getTime() - 20 * H));
  assertEquals([week.young, week.step], [true, 600], "20 hours in 10-minute steps");
  assertEquals(chartSpan("7d", NOW, new Date(NOW.getTime() - 6 * 24 * H)).young, false);
});

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });

Deno.test("a young check's page: a beat bar of its 5 results in 60 slots, a chart over its own 25 minutes", async () => {
  const check = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "New shop" }));
  const now = Date.now();
  const statuses = ["up", "up", "down", "degraded", "up"] as const;
  await insertResults(
    sql,
    p.tenant.id,
    check.id,
    statuses.map((status, i) => ({ status, latencyMs: 100 + i * 10, at: new Date(now - (25 - i * 5) * 60_000) })),
  );
  const page = await (await getPage(app, `/checks/${check.id}`, p.bob.cookie)).text();
  assertStringIncludes(page, `Last ${BEATS} results`);
  const bar = page.slice(page.indexOf('class="beat-bar"'), page.indexOf("</span></span>", page.indexOf("beat-bar")));
  assertEquals((bar.match(/class="beat beat-none"/g) ?? []).length, BEATS - 5);
  assertEquals([...bar.matchAll(/class="beat beat-(up|down|degraded)"/g)].map((m) => m[1]), [...statuses]);
  assertStringIncludes(bar, 'aria-label="Last 60 results: 5 results, 1 down, 1 slow"');
  assertStringIncludes(page, "since its first result");
  // The chart's five ticks cover about half an hour, so they are minutes apart, not the 24 h range's hours.
  const label = page.match(
    /class="chart latency-chart"[^>]*aria-label="Latency from ([^ ]+) to ([^:]+:[^:]+:[^ ]+?):/,
  )!;
  const span = new Date(label[2]).getTime() - new Date(label[1]).getTime();
  assert(span >= 25 * 60_000 && span <= 40 * 60_000, `chart spans ${span / 60_000} min`);
});

Deno.test("the board shows each check's last outcomes as beats and when it was updated in the reader's zone", async () => {
  const check = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Beating shop" }));
  await sql`UPDATE health_checks SET recent_outcomes = 'uuddg', status = 'down' WHERE id = ${check.id}`;
  const board = await (await getPage(app, "/checks", p.bob.cookie)).text();
  const row = board.slice(board.indexOf(`id="check-${check.id}"`));
  const bar = row.slice(row.indexOf('class="beat-bar"'), row.indexOf("</td>", row.indexOf("beat-bar")));
  assertEquals((bar.match(/beat-none/g) ?? []).length, 21 - 5);
  assertEquals([...bar.matchAll(/class="beat beat-(up|down|degraded)"/g)].map((m) => m[1]), [
    "up",
    "up",
    "down",
    "down",
    "degraded",
  ]);
  assert(/Updated <time datetime="[^"]+" title="[^"]+" data-format="clock">\d\d:\d\d:\d\d /.test(board));
});

Deno.test("GET /checks/{id}/live answers the check page's live part alone; another client's check is a 404", async () => {
  const check = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Live shop" }));
  const page = await (await getPage(app, `/checks/${check.id}`, p.bob.cookie)).text();
  assertStringIncludes(
    page,
    `hx-get="/checks/${check.id}/live" hx-trigger="live, every 15s" data-live="checks" data-live-poll="10"`,
  );
  await sql`UPDATE health_checks SET status = 'down', last_checked_at = now() WHERE id = ${check.id}`;
  const live = await getPage(app, `/checks/${check.id}/live`, p.bob.cookie, true);
  assertEquals(live.status, 200);
  const body = await live.text();
  assert(!body.includes("<html"), "a fragment, not a page");
  assert(body.startsWith('<div id="check-live"'));
  assertStringIncludes(body, 'data-status="down"');
  assertStringIncludes(body, `action="/checks/${check.id}/pause"`);
  assertEquals((await getPage(app, `/checks/${check.id}/live`, p.carol.cookie, true)).status, 200, "Acme's own");
  assertEquals((await getPage(app, `/checks/${check.id}/live`, p.erin.cookie, true)).status, 404, "not Globex's");
  assertEquals(
    (await getPage(app, `/checks/${check.id}/live`, p.dave.cookie, true)).status,
    404,
    "not another agency's",
  );
});
