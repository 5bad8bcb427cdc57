/**
 * The board at 2,050 checks: every check is on exactly one page (keyset pages,
 * forwards and back, that do not shift when checks are added before them),
 * the summary counts the whole board, the filters and page live in the URL,
 * the poll answers only the rows that changed, and the page travels
 * gzip-compressed to a browser.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject, getPage } from "../helpers/catalog.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { BOARD_PAGE_SIZE } from "../../services/checks/board.ts";

const CHECKS = 2_050;
const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const ids = (await sql<{ id: string }[]>`
  INSERT INTO health_checks (tenant_id, project_id, name, type, url, interval_seconds, next_run_at, status)
  SELECT ${p.tenant.id}, ${shop.id}, 'check ' || lpad(i::text, 5, '0'), 'http', 'https://example.com/' || i, 60,
         now() + interval '1 day', CASE WHEN i % 10 = 0 THEN 'down' ELSE 'up' END
  FROM generate_series(1, ${CHECKS}) AS i
  RETURNING id`).map((r) => r.id);

const shownIds = (body: string) => [...body.matchAll(/id="check-([0-9a-f-]{36})" data-status/g)].map((m) => m[1]);

const linkOf = (body: string, rel: "next" | "prev") =>
  body.match(new RegExp(`<a href="([^"]+)" rel="${rel}">`))?.[1]?.replaceAll("&amp;", "&") ?? null;

Deno.test("every one of 2,050 checks is on exactly one page of the board, and the pages link up both ways", async () => {
  const seen: string[] = [];
  const pagesSeen: string[][] = [];
  let path: string | null = "/checks";
  let last = "";
  while (path && pagesSeen.length < 50) {
    const res = await getPage(app, path, p.alice.cookie);
    assertEquals(res.status, 200);
    const body = await res.text();
    const onPage = shownIds(body);
    assert(onPage.length <= BOARD_PAGE_SIZE, `page ${pagesSeen.length + 1} holds ${onPage.length}`);
    seen.push(...onPage);
    pagesSeen.push(onPage);
    // the summary counts the whole board on every page
    assertStringIncludes(body, "205 down");
    assertStringIncludes(body, "1845 up");
    const from = seen.length - onPage.length + 1;
    assertStringIncludes(body, `Checks ${from.toLocaleString("en")}–${seen.length.toLocaleString("en")} of 2,050`);
    path = linkOf(body, "next");
    last = body;
  }
  assertEquals(pagesSeen.length, Math.ceil(CHECKS / BOARD_PAGE_SIZE));
  assertEquals(seen.length, CHECKS, "no check is shown twice or dropped");
  assertEquals(new Set(seen).size, CHECKS);
  assertEquals([...new Set(seen)].sort(), [...ids].sort());
  // …and back from the last page, through the same pages.
  let back = linkOf(last, "prev");
  for (let i = pagesSeen.length - 2; i >= 0; i--) {
    assert(back, `a Previous link on page ${i + 2}`);
    const body = await (await getPage(app, back, p.alice.cookie)).text();
    assertEquals(shownIds(body), pagesSeen[i], `page ${i + 1} read backwards`);
    back = linkOf(body, "prev");
  }
  assertEquals(back, null, "the first page has no Previous");
});

Deno.test("a page of the board stays the same page when checks are added and removed before it", async () => {
  const first = await (await getPage(app, "/checks", p.alice.cookie)).text();
  const second = linkOf(first, "next")!;
  const before = shownIds(await (await getPage(app, second, p.alice.cookie)).text());
  const [added] = await sql<{ id: string }[]>`
    INSERT INTO health_checks (tenant_id, project_id, name, type, url, interval_seconds, next_run_at)
    VALUES (${p.tenant.id}, ${shop.id}, 'check 00000', 'http', 'https://example.com/0', 60, now() + interval '1 day')
    RETURNING id`;
  // the last check of page 1 (the cursor's own row) goes away: the cursor still holds
  const cursorRow = shownIds(first).at(-1)!;
  await sql`DELETE FROM health_checks WHERE id = ${cursorRow}`;
  try {
    const after = await (await getPage(app, second, p.alice.cookie)).text();
    assertEquals(shownIds(after), before);
    assertStringIncludes(after, `Checks 201–400 of 2,050`);
  } finally {
    await sql`DELETE FROM health_checks WHERE id = ${added.id}`;
    await sql`
      INSERT INTO health_checks (id, tenant_id, project_id, name, type, url, interval_seconds, next_run_at, status)
      VALUES (${cursorRow}, ${p.tenant.id}, ${shop.id}, ${"check " + String(BOARD_PAGE_SIZE).padStart(5, "0")}, 'http',
              'https://example.com/200', 60, now() + interval '1 day', 'down')`;
  }
});

Deno.test("the board's filters and page live in its URL: pager links and the poll keep them", async () => {
  const body = await (await getPage(app, `/checks?status=up&project_id=${shop.id}`, p.alice.cookie)).text();
  assertStringIncludes(body, `hx-get="/checks?project_id=${shop.id}&amp;status=up"`);
  const next = linkOf(body, "next")!;
  assertStringIncludes(next, `/checks?project_id=${shop.id}&status=up&after=`);
  const second = await (await getPage(app, next, p.alice.cookie)).text();
  assertStringIncludes(second, `Checks ${BOARD_PAGE_SIZE + 1}–${2 * BOARD_PAGE_SIZE} of 1,845`);
  assertStringIncludes(second, `hx-get="${next.replaceAll("&", "&amp;")}"`);
  assertEquals(second.match(/data-status="up"/g)?.length, BOARD_PAGE_SIZE);
  // A hand-edited cursor is dropped: the first page, not an error.
  const forged = await getPage(app, `/checks?status=up&after=bm90LWEtY3Vyc29y`, p.alice.cookie);
  assertEquals(forged.status, 200);
  assertStringIncludes(await forged.text(), `Checks 1–${BOARD_PAGE_SIZE} of 1,845`);
});

const poll = async (path: string, version: string) => {
  const sep = path.includes("?") ? "&" : "?";
  const res = await getPage(app, `${path}${sep}v=${encodeURIComponent(version)}`, p.alice.cookie, true);
  assertEquals(res.status, 200);
  return { res, body: await res.text() };
};
const versionOf = (body: string) => body.match(/id="board-version" name="v" value="([^"]+)"/)![1];

Deno.test("the poll answers only the rows written since the version it holds; a new layout gets the whole board", async () => {
  const page = await (await getPage(app, "/checks", p.alice.cookie, true)).text();
  const v1 = versionOf(page);
  const quiet = await poll("/checks", v1);
  assertEquals(shownIds(quiet.body), [], "nothing written, no row sent");
  assertEquals(quiet.res.headers.get("HX-Retarget"), null);
  assertStringIncludes(quiet.body, 'id="board-updated" hx-swap-oob="true"');
  assert(quiet.body.length < 400, `${quiet.body.length} bytes for nothing new`);

  // A check on this page gets a result, as the scheduler writes it: its row (and only it) comes, with the counts.
  const target = shownIds(page)[3];
  await sql`UPDATE health_checks SET status = 'down', last_checked_at = now() WHERE id = ${target}`;
  const changed = await poll("/checks", quiet.body.match(/value="([^"]+)" hx-swap-oob/)![1]);
  assertEquals(shownIds(changed.body), [target]);
  assertStringIncludes(changed.body, `<template><tr id="check-${target}" data-status="down" hx-swap-oob="true">`);
  assertStringIncludes(changed.body, "206 down");
  assertStringIncludes(changed.body, 'id="board-summary" hx-swap-oob="true"');
  const v2 = changed.body.match(/value="([^"]+)" hx-swap-oob/)![1];
  assertEquals(shownIds((await poll("/checks", v2)).body), [], "sent once, not again");
  // A write elsewhere on the board moves only the counts.
  const elsewhere = ids.find((id) => !shownIds(page).includes(id))!;
  await sql`UPDATE health_checks SET paused = true WHERE id = ${elsewhere}`;
  const counted = await poll("/checks", v2);
  assertEquals(shownIds(counted.body), []);
  assertStringIncludes(counted.body, "1 paused");

  // A check added onto this page changes its layout: the whole board comes back, retargeted.
  const [added] = await sql<{ id: string }[]>`
    INSERT INTO health_checks (tenant_id, project_id, name, type, url, interval_seconds, next_run_at)
    VALUES (${p.tenant.id}, ${shop.id}, 'check 00000', 'http', 'https://example.com/0', 60, now() + interval '1 day')
    RETURNING id`;
  try {
    const whole = await poll("/checks", v2);
    assertEquals(whole.res.headers.get("HX-Retarget"), "#check-board");
    assertEquals(whole.res.headers.get("HX-Reswap"), "outerHTML");
    assertEquals(shownIds(whole.body).length, BOARD_PAGE_SIZE);
    assertEquals(shownIds(whole.body)[0], added.id);
    // A mangled version also gets the whole board.
    assertEquals((await poll("/checks", "1:2:x~a~b")).res.headers.get("HX-Retarget"), "#check-board");
  } finally {
    await sql`DELETE FROM health_checks WHERE id = ${added.id}`;
    await sql`UPDATE health_checks SET status = 'up', paused = false WHERE id IN (${target}, ${elsewhere})`;
  }
});

Deno.test("the board goes gzip-compressed to a client that accepts it, and plain to one that does not", async () => {
  const plain = await getPage(app, "/checks", p.alice.cookie);
  const plainBytes = (await plain.arrayBuffer()).byteLength;
  assertEquals(plain.headers.get("Content-Encoding"), null);
  const res = await app.request("/checks", { headers: { ...p.alice.cookie, "Accept-Encoding": "gzip, br" } });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Encoding"), "gzip");
  assertStringIncludes(res.headers.get("Vary") ?? "", "Accept-Encoding");
  const zipped = new Uint8Array(await res.arrayBuffer());
  assert(zipped.byteLength * 5 < plainBytes, `${zipped.byteLength} compressed bytes vs ${plainBytes}`);
  const unzipped = await new Response(new Blob([zipped]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
  assertEquals(shownIds(unzipped).length, BOARD_PAGE_SIZE);
});
