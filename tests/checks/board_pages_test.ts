/**
 * The board at 2,050 checks: every check is on exactly one page, the summary
 * counts the whole board, and the page travels gzip-compressed to a browser.
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

Deno.test("every one of 2,050 checks is on exactly one page of the board, and the pages link up", async () => {
  const seen: string[] = [];
  let path: string | null = "/checks";
  let pages = 0;
  while (path && pages < 50) {
    const res = await getPage(app, path, p.alice.cookie);
    assertEquals(res.status, 200);
    const body = await res.text();
    const onPage = shownIds(body);
    assert(onPage.length <= BOARD_PAGE_SIZE, `page ${pages + 1} holds ${onPage.length}`);
    seen.push(...onPage);
    // the summary counts the whole board on every page
    assertStringIncludes(body, "205 down");
    assertStringIncludes(body, "1845 up");
    path = body.match(/<a href="([^"]+)" rel="next">/)?.[1]?.replaceAll("&amp;", "&") ?? null;
    pages++;
  }
  assertEquals(pages, Math.ceil(CHECKS / BOARD_PAGE_SIZE));
  assertEquals(seen.length, CHECKS, "no check is shown twice or dropped");
  assertEquals(new Set(seen).size, CHECKS);
  assertEquals([...new Set(seen)].sort(), [...ids].sort());
});

Deno.test("a page of the board polls its own page, with the filters kept", async () => {
  const body = await (await getPage(app, `/checks?status=up&page=2`, p.alice.cookie)).text();
  assertStringIncludes(body, 'hx-get="/checks?status=up&amp;page=2"');
  assertStringIncludes(body, `Checks ${BOARD_PAGE_SIZE + 1}–${2 * BOARD_PAGE_SIZE} of 1,845`);
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
