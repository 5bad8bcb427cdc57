/** The audit log names the resources it lists: the current name, or for a deleted one the name its snapshot kept. */
import { assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject, getPage } from "../helpers/catalog.ts";
import { call } from "../helpers/change_requests.ts";
import { createCheck, httpCheck } from "../helpers/checks.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });

Deno.test("/audits shows resource names, linked to their pages, not only ids", async () => {
  const check = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Storefront homepage" }));
  await call(app, "POST", `/api/v1/health-checks/${check.id}/pause`, p.alice.bearer, {});
  await call(app, "PATCH", `/api/v1/health-checks/${check.id}`, p.alice.bearer, { name: "Storefront front page" });
  const gone = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Old landing page" }));
  await call(app, "DELETE", `/api/v1/health-checks/${gone.id}`, p.alice.bearer);
  const page = await (await getPage(app, "/audits?resource_type=health_check", p.alice.cookie)).text();
  // The pause's own snapshot has no name: the current one is shown, renamed and linked.
  assertStringIncludes(page, `<a href="/checks/${check.id}" class="audit-resource">Storefront front page</a>`);
  assertStringIncludes(page, `class="audit-resource">Old landing page<`);
  const next = await (await getPage(app, "/audits?resource_type=health_check&limit=1", p.alice.cookie, true)).text();
  assertStringIncludes(next, 'class="audit-resource"');
});
