/** Global search: one path for the API and the page, scoped to the reader's tenant, client and permissions. */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { page } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";
import { genCheck } from "../helpers/alerts.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop", slug: "acme-shop" });
const portal = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex shopfront" });
await genCheck(sql, p.tenant.id, shop.id, "Shop checkout");
await genProject(sql, p.other.id, p.clients.otherClient.id, { name: "Initech shop" });

Deno.test("GET /api/v1/search finds projects and checks by name, for this tenant only", async () => {
  const res = await app.request("/api/v1/search?q=shop", { headers: p.bob.bearer });
  assertEquals(res.status, 200);
  const { data } = await res.json();
  const labels = data.map((h: { label: string }) => h.label).sort();
  assertEquals(labels, ["Acme shop", "Globex shopfront", "Shop checkout"]);
  const project = data.find((h: { label: string }) => h.label === "Acme shop");
  assertEquals(project.path, `/projects/${shop.id}`);
});

Deno.test("a client user finds only their client's things; a one-letter query is a 422 naming q", async () => {
  const res = await app.request("/api/v1/search?q=shop", { headers: p.carol.bearer });
  const { data } = await res.json();
  assertEquals(data.map((h: { label: string }) => h.label).sort(), ["Acme shop", "Shop checkout"]);
  const body = await problem(await app.request("/api/v1/search?q=s", { headers: p.bob.bearer }), 422);
  assertEquals(body.errors[0].path, "q");
  assertEquals(portal.name, "Globex shopfront");
});

Deno.test("/search shows the matches as links grouped by kind, and says so when nothing matches", async () => {
  const html = await (await page(app, "/search?q=checkout", p.bob.cookie)).text();
  assertStringIncludes(html, "<h2");
  assertStringIncludes(html, "Shop checkout");
  const none = await (await page(app, "/search?q=zzzz", p.bob.cookie)).text();
  assertStringIncludes(none, "Nothing matches “zzzz”");
});
