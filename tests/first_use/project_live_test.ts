/**
 * The project hub's live strip: the page carries it with its poll, and
 * GET /projects/{id}/live answers the health, open alerts and latest
 * deployments as they are now; another tenant's or another client's project
 * is a 404 there.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { checkEvent, fire, genCheck } from "../helpers/alerts.ts";
import { genProject, getPage } from "../helpers/catalog.ts";
import { created } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const portal = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex portal" });
const theirs = await genProject(sql, p.other.id, p.clients.otherClient.id, { name: "Initech app" });

Deno.test("the hub page polls its live strip, which follows a check going down, its alert and a deployment", async () => {
  const hub = await (await getPage(app, `/projects/${shop.id}`, p.bob.cookie)).text();
  assertStringIncludes(hub, `id="project-live" class="project-live" hx-get="/projects/${shop.id}/live"`);
  assertStringIncludes(hub, "No checks yet");

  const check = await genCheck(sql, p.tenant.id, shop.id, "Shop home");
  await created(app, "/api/v1/alert-rules", p.alice.bearer, { name: "Down", kind: "check_down", severity: "critical" });
  await sql`UPDATE health_checks SET status = 'down' WHERE id = ${check.id}`;
  await fire(sql, checkEvent("health_check.down", check, p.tenant.id));
  await created(app, "/api/v1/deployments", p.alice.bearer, {
    project_id: shop.id,
    environment: "production",
    commit_sha: "abcdef1234",
    status: "succeeded",
  });

  const res = await getPage(app, `/projects/${shop.id}/live`, p.bob.cookie, true);
  assertEquals(res.status, 200);
  const live = await res.text();
  assert(!live.includes("<html"), "a fragment, not a page");
  assertStringIncludes(live, 'data-status="down"');
  assertStringIncludes(live, "1 down");
  assertStringIncludes(live, 'data-open-alerts="1"');
  assertStringIncludes(live, "1 critical");
  assertStringIncludes(live, "production");
  assertStringIncludes(live, "abcdef1");
});

Deno.test("GET /projects/{id}/live: another tenant's or another client's project is a 404", async () => {
  assertEquals((await getPage(app, `/projects/${theirs.id}/live`, p.alice.cookie, true)).status, 404);
  assertEquals((await getPage(app, `/projects/${portal.id}/live`, p.carol.cookie, true)).status, 404);
  assertEquals((await getPage(app, `/projects/${shop.id}/live`, p.carol.cookie, true)).status, 200);
  assertEquals((await getPage(app, "/projects/not-an-id/live", p.alice.cookie, true)).status, 404);
});
