/** The alerts inbox's filters (status, severity, project) live in the URL and narrow the list. */
import { assert, assertStringIncludes } from "@std/assert";
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
const shopCheck = await genCheck(sql, p.tenant.id, shop.id, "Shop home");
const portalCheck = await genCheck(sql, p.tenant.id, portal.id, "Portal login");
await created(app, "/api/v1/alert-rules", p.alice.bearer, { name: "Down", kind: "check_down", severity: "critical" });
await fire(sql, checkEvent("health_check.down", shopCheck, p.tenant.id));
await fire(sql, checkEvent("health_check.down", portalCheck, p.tenant.id));

Deno.test("/alerts?project_id= shows that project's alerts only and keeps every filter in the form", async () => {
  const all = await (await getPage(app, "/alerts", p.bob.cookie)).text();
  assertStringIncludes(all, "Shop home");
  assertStringIncludes(all, "Portal login");
  const url = `/alerts?status=open&severity=critical&project_id=${portal.id}`;
  const narrowed = await (await getPage(app, url, p.bob.cookie)).text();
  assertStringIncludes(narrowed, "Portal login");
  assert(!narrowed.includes("Shop home"), "another project's alert is filtered out");
  assertStringIncludes(narrowed, `<option value="${portal.id}" selected>Globex portal</option>`);
  assertStringIncludes(narrowed, `<option value="critical" selected>critical</option>`);
  const client = await (await getPage(app, "/alerts", p.carol.cookie)).text();
  assert(!client.includes("Globex portal"), "a client user's project filter lists their client's projects only");
});
