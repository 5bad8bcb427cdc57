import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { page } from "../helpers/change_requests.ts";
import { insertRawDeployment } from "../helpers/deployments.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";

const NOW = new Date("2025-03-31T12:00:00Z");
const { app, db } = await createTestApp({ now: () => NOW });
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const globexApp = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex app" });
const initech = await genProject(sql, p.other.id, p.clients.otherClient.id, { name: "Initech portal" });

const at = (s: string) => new Date(`2025-03-${s}:00Z`);
const d = (
  projectId: string,
  tenantId: string,
  status: string,
  created: string,
  finished: string,
  committed?: string,
) =>
  insertRawDeployment(sql, {
    tenantId,
    projectId,
    environment: "production",
    status,
    createdAt: at(created),
    finishedAt: at(finished),
    committedAt: committed ? at(committed) : null,
  });
// Acme shop, production, the last 7 days: see each line's comment for what it contributes.
await d(shop.id, p.tenant.id, "succeeded", "25T10:00", "25T10:10", "25T08:00"); // lead 2 h 10 min
await d(shop.id, p.tenant.id, "failed", "26T10:00", "26T10:05"); // a failure: restored by 26T12:05 (2 h)
await d(shop.id, p.tenant.id, "failed", "26T11:00", "26T11:05"); // same outage: not a second restore sample
await d(shop.id, p.tenant.id, "succeeded", "26T12:00", "26T12:05");
await d(shop.id, p.tenant.id, "rolled_back", "27T10:00", "27T10:05", "27T09:05"); // lead 1 h; failure restored in 24 h
await d(shop.id, p.tenant.id, "succeeded", "28T10:00", "28T10:05");
await d(shop.id, p.tenant.id, "succeeded", "02T10:00", "02T10:05"); // only in the 30-day window
await d(shop.id, p.tenant.id, "in_progress", "31T11:00", "31T11:00"); // still running: not counted
await d(globexApp.id, p.tenant.id, "succeeded", "29T10:00", "29T10:05");
await d(initech.id, p.other.id, "failed", "29T10:00", "29T10:05");

const assertNear = (actual: number, expected: number, tolerance: number) =>
  assert(
    Math.abs(actual - expected) <= expected * tolerance,
    `${actual} is not within ${tolerance * 100} % of ${expected}`,
  );

const metrics = async (query: string, headers = p.bob.bearer) => {
  const res = await app.request(`/api/v1/delivery-metrics${query}`, { headers });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  return await res.json();
};

Deno.test("GET /api/v1/delivery-metrics for a project over 7 days: the four DORA figures", async () => {
  const m = await metrics(`?project_id=${shop.id}&days=7`);
  assertEquals([m.days, m.since, m.until], [7, "2025-03-24T12:00:00.000Z", NOW.toISOString()]);
  assertEquals(m.deployment_frequency, { deployments: 4, per_day: 0.57 });
  // Lead time percentiles come from the rollup's log-bucket histogram (~19 % buckets): estimates near the exact
  // percentile_cont values 5700 and 7380 s; the sample count stays exact.
  assertEquals(m.lead_time_for_changes.samples, 2);
  assertNear(m.lead_time_for_changes.median_seconds, 5700, 0.1);
  assertNear(m.lead_time_for_changes.p90_seconds, 7380, 0.1);
  assertEquals(m.change_failure_rate, { failures: 3, finished: 6, rate: 0.5 });
  assertEquals(m.time_to_restore, { median_seconds: (7200 + 86400) / 2, samples: 2 });
  assertEquals(m.daily.length, 8);
  assertEquals(m.daily.find((x: { day: string }) => x.day === "2025-03-26"), {
    day: "2025-03-26",
    succeeded: 1,
    failed: 2,
  });
  assertEquals(m.projects, []);
});

Deno.test("GET /api/v1/delivery-metrics tenant-wide: all projects, per-project rows; 30 days reach further back", async () => {
  const week = await metrics("?days=7");
  assertEquals(week.deployment_frequency.deployments, 5);
  assertEquals(week.projects.map((x: { project_name: string }) => x.project_name), ["Acme shop", "Globex app"]);
  const month = await metrics("?days=30");
  assertEquals(month.deployment_frequency.deployments, 6);
  assertEquals((await metrics("?days=30&environment=staging")).deployment_frequency.deployments, 0);
});

Deno.test("GET /api/v1/delivery-metrics scopes client users and tenants; another's project is a 404", async () => {
  const erin = await metrics("?days=7", p.erin.bearer);
  assertEquals(erin.deployment_frequency.deployments, 1);
  assertEquals(erin.change_failure_rate.failures, 0);
  await problem(await app.request(`/api/v1/delivery-metrics?project_id=${shop.id}`, { headers: p.erin.bearer }), 404);
  await problem(await app.request(`/api/v1/delivery-metrics?project_id=${shop.id}`, { headers: p.dave.bearer }), 404);
  const dave = await metrics("?days=7", p.dave.bearer);
  assertEquals([dave.deployment_frequency.deployments, dave.change_failure_rate.failures], [0, 1]);
});

Deno.test("GET /api/v1/delivery-metrics refuses a window other than 7, 30 or 90 days", async () => {
  const err = await problem(await app.request("/api/v1/delivery-metrics?days=14", { headers: p.bob.bearer }), 422);
  assertEquals(err.errors[0].path, "days");
});

Deno.test("GET /delivery-metrics renders the figures and a server-side SVG chart", async () => {
  const res = await page(app, `/delivery-metrics?project_id=${shop.id}&days=7`, p.bob.cookie);
  assertEquals(res.status, 200);
  const body = await res.text();
  assertStringIncludes(body, "50.0 %");
  assertStringIncludes(body, "<svg");
  assertStringIncludes(body, "2025-03-26: 2 failed or rolled back");
  assert(!body.includes('<script src="/static/js/chart'), "no chart library");
  assertEquals((await page(app, "/delivery-metrics?days=bogus", p.bob.cookie)).status, 200);
});

Deno.test("GET /api/v1/delivery-metrics follows a status change: a rollback extends the outage it ended", async () => {
  const api = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme api" });
  await d(api.id, p.tenant.id, "failed", "29T10:00", "29T10:05");
  const fix = await d(api.id, p.tenant.id, "succeeded", "29T11:00", "29T11:05");
  const before = await metrics(`?project_id=${api.id}&days=7`);
  assertEquals(before.time_to_restore, { median_seconds: 3600, samples: 1 });
  await sql`UPDATE deployments SET status = 'rolled_back' WHERE id = ${fix}`;
  await d(api.id, p.tenant.id, "succeeded", "30T10:00", "30T10:05");
  const after = await metrics(`?project_id=${api.id}&days=7`);
  assertEquals(after.time_to_restore, { median_seconds: 86400, samples: 1 });
  assertEquals(after.change_failure_rate, { failures: 2, finished: 3, rate: 0.6667 });
  assertEquals(after.deployment_frequency.deployments, 2);
  assertEquals(after.daily.find((x: { day: string }) => x.day === "2025-03-29"), {
    day: "2025-03-29",
    succeeded: 0,
    failed: 2,
  });
});
