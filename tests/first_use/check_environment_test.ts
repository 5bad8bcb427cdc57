/**
 * A check can belong to one of its project's environments: the API field
 * (another project's environment is a 422 naming environment_id, nothing
 * stored), the form's select, the board's filter by environment name, the
 * check page, and what happens when the environment is removed.
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
const envs = [{ name: "production", url: null }, { name: "staging", url: null }];
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop", environments: envs });
const portal = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex portal", environments: envs });
const envId = async (projectId: string, name: string) =>
  (await sql<{ id: string }[]>`SELECT id FROM project_environments WHERE project_id = ${projectId} AND name = ${name}`)[
    0
  ]
    .id;
const shopProd = await envId(shop.id, "production");
const shopStaging = await envId(shop.id, "staging");
const portalProd = await envId(portal.id, "production");

Deno.test("environment_id: the project's own environment is stored and shown; another project's is a 422", async () => {
  const check = await createCheck(
    app,
    p.alice.bearer,
    httpCheck(shop.id, { name: "Shop prod", environment_id: shopProd }),
  );
  assertEquals([check.environment_id, check.environment_name], [shopProd, "production"]);

  const before = (await sql`SELECT count(*)::int AS n FROM health_checks`)[0].n;
  const wrong = await problem(
    await call(
      app,
      "POST",
      "/api/v1/health-checks",
      p.alice.bearer,
      httpCheck(shop.id, { environment_id: portalProd }),
    ),
    422,
  );
  assertEquals(wrong.errors.map((e: { path: string }) => e.path), ["environment_id"]);
  assertEquals((await sql`SELECT count(*)::int AS n FROM health_checks`)[0].n, before, "nothing stored");

  // Moving the check to another project without naming a new environment: refused, not silently dropped.
  const moved = await problem(
    await call(app, "PATCH", `/api/v1/health-checks/${check.id}`, p.alice.bearer, { project_id: portal.id }),
    422,
  );
  assertEquals(moved.errors[0].path, "environment_id");
  const ok = await call(app, "PATCH", `/api/v1/health-checks/${check.id}`, p.alice.bearer, {
    project_id: portal.id,
    environment_id: portalProd,
  });
  assertEquals((await ok.json()).environment_id, portalProd);
  const back = await call(app, "PATCH", `/api/v1/health-checks/${check.id}`, p.alice.bearer, {
    project_id: shop.id,
    environment_id: null,
  });
  assertEquals((await back.json()).environment_id, null);
});

Deno.test("the form offers the environments by project and names a wrong one in plain words", async () => {
  const form = await (await getPage(app, "/checks/new", p.alice.cookie)).text();
  assertStringIncludes(form, `<optgroup label="Acme shop"><option value="${shopProd}">production</option>`);
  const res = await postPage(app, "/checks", {
    project_id: shop.id,
    type: "http",
    name: "Shop staging",
    url: "https://staging.shop.example.com/",
    environment_id: portalProd,
  }, p.alice.cookie);
  assertEquals(res.status, 422);
  assertStringIncludes(await res.text(), "no such environment in the check");
  const good = await postPage(app, "/checks", {
    project_id: shop.id,
    type: "http",
    name: "Shop staging",
    url: "https://staging.shop.example.com/",
    environment_id: shopStaging,
  }, p.alice.cookie);
  assertEquals(good.status, 303);
  const page = await (await getPage(app, good.headers.get("Location")!.split("?")[0], p.alice.cookie)).text();
  assertStringIncludes(page, "<dt>Environment</dt><dd>staging</dd>");
});

Deno.test("the board filters by environment name across projects; a removed environment leaves the check without one", async () => {
  const a = await createCheck(
    app,
    p.alice.bearer,
    httpCheck(shop.id, { name: "Board shop", environment_id: shopProd }),
  );
  const b = await createCheck(
    app,
    p.alice.bearer,
    httpCheck(portal.id, { name: "Board portal", environment_id: portalProd }),
  );
  await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Board none" }));
  const board = await (await getPage(app, "/checks?environment=Production", p.alice.cookie)).text();
  assertStringIncludes(board, "Board shop");
  assertStringIncludes(board, "Board portal");
  assert(!board.includes("Board none"), "a check without that environment is filtered out");
  assertStringIncludes(board, '<option value="production" selected>production</option>');

  await sql`DELETE FROM project_environments WHERE id = ${portalProd}`;
  const [row] = await sql`SELECT environment_id FROM health_checks WHERE id = ${b.id}`;
  assertEquals(row.environment_id, null);
  assertEquals((await sql`SELECT environment_id FROM health_checks WHERE id = ${a.id}`)[0].environment_id, shopProd);
});
