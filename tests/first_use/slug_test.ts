/** A project's slug is made from its name when the caller leaves it out (API and form), and kept unique. */
import { assertEquals } from "@std/assert";
import { slugify } from "../../services/projects/slug.ts";
import { createTestApp } from "../helpers/app.ts";
import { postPage } from "../helpers/catalog.ts";
import { call } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";

Deno.test("slugify: ASCII words joined by hyphens, accents folded, never empty", () => {
  assertEquals(slugify("Café Shop (EU)"), "cafe-shop-eu");
  assertEquals(slugify("  Storefront -- 2.0  "), "storefront-2-0");
  assertEquals(slugify("日本"), "project");
});

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);

Deno.test("POST /api/v1/projects without a slug makes one from the name, then the next free one", async () => {
  const first = await call(app, "POST", "/api/v1/projects", p.alice.bearer, {
    client_id: p.clients.acme.id,
    name: "Storefront EU",
  });
  assertEquals(first.status, 201);
  assertEquals((await first.json()).slug, "storefront-eu");
  const second = await call(app, "POST", "/api/v1/projects", p.alice.bearer, {
    client_id: p.clients.acme.id,
    name: "Storefront (EU)",
  });
  assertEquals((await second.json()).slug, "storefront-eu-2");
  const taken = await call(app, "POST", "/api/v1/projects", p.alice.bearer, {
    client_id: p.clients.acme.id,
    name: "Another",
    slug: "storefront-eu",
  });
  assertEquals(taken.status, 409, "a slug given and taken is still refused, not renamed");
});

Deno.test("the new-project form with the slug left empty creates the project with a slug from its name", async () => {
  const res = await postPage(app, "/projects", {
    client_id: p.clients.globex.id,
    name: "Globex Portal",
    slug: "",
  }, p.alice.cookie);
  assertEquals(res.status, 303);
  const [row] = await sql`SELECT slug FROM projects WHERE name = 'Globex Portal'`;
  assertEquals(row.slug, "globex-portal");
});
