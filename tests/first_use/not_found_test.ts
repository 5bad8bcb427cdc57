/** A signed-in reader's 404 page keeps the app's navigation and search, so they are not stranded. */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { page } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const p = await genPersonas(db.sql);

Deno.test("GET of an unknown page, signed in: 404 with the navigation and the search box", async () => {
  const res = await page(app, "/no-such-page", p.bob.cookie);
  assertEquals(res.status, 404);
  const html = await res.text();
  assertStringIncludes(html, 'aria-label="Main"');
  assertStringIncludes(html, 'href="/checks"');
  assertStringIncludes(html, 'action="/search"');
});
