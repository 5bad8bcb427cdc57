import { assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { page } from "../helpers/change_requests.ts";
import { createCheck, httpCheck, insertResults } from "../helpers/checks.ts";
import { insertRawDeployment } from "../helpers/deployments.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const other = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme blog" });

const start = new Date(Date.now() - 3 * 3600_000);
const end = new Date(start.getTime() + 10 * 60_000);
const minutes = (from: Date, n: number) => new Date(from.getTime() + n * 60_000);
const deployment = await insertRawDeployment(sql, {
  tenantId: p.tenant.id,
  projectId: shop.id,
  environment: "production",
  status: "succeeded",
  createdAt: start,
  finishedAt: end,
  committedAt: null,
});
const home = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Home page" }));
const blog = await createCheck(app, p.alice.bearer, httpCheck(other.id, { name: "Blog home" }));
await insertResults(sql, p.tenant.id, home.id, [
  { status: "up", latencyMs: 40, at: minutes(start, -20) },
  { status: "up", latencyMs: 40, at: minutes(start, -5) },
  { status: "down", latencyMs: 0, at: minutes(start, 3) },
  { status: "up", latencyMs: 40, at: minutes(start, 6) },
  { status: "down", latencyMs: 0, at: minutes(start, 8) },
  { status: "degraded", latencyMs: 900, at: minutes(end, 10) },
  { status: "up", latencyMs: 40, at: minutes(end, 45) },
]);
await insertResults(sql, p.tenant.id, blog.id, [{ status: "down", latencyMs: 0, at: minutes(start, 3) }]);

Deno.test("a deployment's page shows its project's checks before, during and after it", async () => {
  const res = await page(app, `/deployments/${deployment}`, p.bob.cookie);
  assertEquals(res.status, 200);
  const body = await res.text();
  assertStringIncludes(body, "Health checks around this deployment");
  const row = body.slice(body.indexOf(`href="/checks/${home.id}"`));
  const cells = [...row.matchAll(/<span class="phase-(\w+)">([^<]+)<\/span>/g)].slice(0, 3).map((m) => [m[1], m[2]]);
  assertEquals(cells, [["up", "2/2 up"], ["down", "2 down of 3"], ["degraded", "1 slow of 1"]]);
  assertEquals(body.includes("Blog home"), false, "another project's checks are not shown");
});

Deno.test("a client user of the project sees the same table; without results it says so", async () => {
  const body = await (await page(app, `/deployments/${deployment}`, p.carol.cookie)).text();
  assertStringIncludes(body, `href="/checks/${home.id}"`);
  const quiet = await insertRawDeployment(sql, {
    tenantId: p.tenant.id,
    projectId: other.id,
    environment: "production",
    status: "succeeded",
    createdAt: new Date(start.getTime() - 5 * 86400_000),
    finishedAt: new Date(start.getTime() - 5 * 86400_000 + 60_000),
    committedAt: null,
  });
  const empty = await (await page(app, `/deployments/${quiet}`, p.bob.cookie)).text();
  assertStringIncludes(empty, "No check results for this project within 30 minutes of the deployment.");
});
