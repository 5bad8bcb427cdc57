/**
 * The project page's environment rows carry a visible label a screen reader
 * announces, and "Add a check" on the project opens the check form with the
 * project chosen.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject, getPage } from "../helpers/catalog.ts";
import { postForm } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
await sql`DELETE FROM project_environments WHERE project_id = ${shop.id}`;
await sql`INSERT INTO project_environments (tenant_id, project_id, name, url, position)
  VALUES (${p.tenant.id}, ${shop.id}, 'production', 'https://shop.example', 0),
         (${p.tenant.id}, ${shop.id}, 'staging', NULL, 1)`;

const legends = (body: string) =>
  [...body.matchAll(/<fieldset class="environment-row"[^>]*><legend>([^<]*)<\/legend>/g)].map((m) => m[1]);

Deno.test("each environment row of the project form has a visible legend naming it", async () => {
  const edit = await (await getPage(app, `/projects/${shop.id}/edit`, p.alice.cookie)).text();
  assertEquals(legends(edit), ["Environment “production”", "Environment “staging”"]);
  const added = await (await getPage(app, "/projects/environments/row", p.alice.cookie)).text();
  assertEquals(legends(added), ["New environment"]);

  const refused = await postForm(app, `/projects/${shop.id}`, {
    name: "Acme shop",
    slug: shop.slug,
    client_id: p.clients.acme.id,
    env_name: "",
    env_url: "not a url",
  }, p.alice.cookie);
  assertEquals(refused.status, 422);
  const body = await refused.text();
  assertEquals(legends(body), ["Environment 1"]);
  assertStringIncludes(body, 'aria-describedby="environments-0-error"');
  assertStringIncludes(body, 'id="environments-0-error"');
  assertStringIncludes(body, 'value="not a url"');
});

Deno.test("Add a check on the project page opens the check form with the project chosen", async () => {
  const hub = await (await getPage(app, `/projects/${shop.id}`, p.alice.cookie)).text();
  const href = `/checks/new?project_id=${shop.id}`;
  assertStringIncludes(hub, `<a href="${href}" role="button" class="outline">Add a check</a>`);
  const form = await (await getPage(app, href, p.alice.cookie)).text();
  assert(new RegExp(`<option value="${shop.id}" selected`).test(form), "the project is pre-selected");

  const clientRes = await getPage(app, `/projects/${shop.id}`, p.carol.cookie);
  assertEquals(clientRes.status, 200);
  const forClient = await clientRes.text();
  assertEquals(forClient.includes("Add a check"), false, "a reader who may not write checks gets no button");
});
