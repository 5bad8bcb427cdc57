import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { insertWindow } from "../../db/queries/maintenance_windows.ts";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const empty = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme empty" });
const globexApp = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex app" });
const now = Date.now();

await sql`
  INSERT INTO metric_snapshots (tenant_id, project_id, type, value, recorded_at)
  SELECT ${p.tenant.id}, ${shop.id}, 'queue.depth', 10 + 5 * sin(i / 20.0), now() - i * interval '5 minutes'
  FROM generate_series(0, 280) AS i`;
await sql`
  INSERT INTO metric_snapshots (tenant_id, project_id, type, value, recorded_at)
  VALUES (${p.tenant.id}, ${globexApp.id}, 'secret.globex', 1, now())`;
await sql`
  INSERT INTO deployments (tenant_id, project_id, environment, status, commit_sha, source, started_at, created_at)
  VALUES (${p.tenant.id}, ${shop.id}, 'production', 'succeeded', 'abcdef1234567', 'api', now() - interval '3 hours',
    now() - interval '3 hours')`;
await insertWindow(sql, {
  tenantId: p.tenant.id,
  projectId: shop.id,
  environment: null,
  title: "Upkeep",
  description: null,
  startsAt: new Date(now - 6 * 3_600_000),
  endsAt: new Date(now - 5 * 3_600_000),
  rrule: null,
  dtstartLocal: null,
  durationMinutes: null,
  timezone: "UTC",
});

const page = (query: string, headers: Record<string, string> = p.alice.cookie) =>
  app.request(`/explore?${query}`, { headers });

Deno.test("the explorer renders the chart with deployment markers, maintenance bands and a bucket table", async () => {
  const res = await page(`project_id=${shop.id}&series=queue.depth&range=24h`);
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "text/html; charset=UTF-8");
  const body = await res.text();
  assertStringIncludes(body, "<h1>Metrics</h1>");
  assertStringIncludes(body, 'class="chart metric-chart"');
  assertStringIncludes(body, 'class="metric-line"');
  assertStringIncludes(body, "deployment production abcdef1");
  assertStringIncludes(body, 'class="chart-band"');
  assertStringIncludes(body, "Buckets (");
  assertStringIncludes(body, 'hx-get="/explore"');
});

Deno.test("htmx gets the explorer block alone; a bad step shows a message instead of an error page", async () => {
  const res = await page(`project_id=${shop.id}&series=queue.depth&range=90d&step=1m`, {
    ...p.alice.cookie,
    "HX-Request": "true",
  });
  assertEquals(res.status, 200);
  const body = await res.text();
  assert(body.startsWith('<div id="explore">'), body.slice(0, 80));
  assertStringIncludes(body, "more than 5000 buckets");
});

Deno.test("a project without metrics shows how to send some; client users see only their client's projects", async () => {
  const body = await (await page(`project_id=${empty.id}`)).text();
  assertStringIncludes(body, "No metrics for this project yet");
  const carol = await (await page(`project_id=${globexApp.id}`, p.carol.cookie)).text();
  assert(!carol.includes("Globex app") && !carol.includes("secret.globex"));
  assertStringIncludes(carol, "Acme shop");
});

Deno.test("the explorer needs a signed-in user", async () => {
  const res = await app.request("/explore");
  assertEquals(res.status, 303);
  assertStringIncludes(res.headers.get("Location") ?? "", "/login");
});
