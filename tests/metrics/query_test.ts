import { assert, assertEquals } from "@std/assert";
import { defaultStep, formatStep } from "../../services/metrics/steps.ts";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const globexApp = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex app" });
const T0 = Date.parse("2026-05-01T00:00:00Z");

// 3 hours of cpu.load, one point a minute, value = minute index (0…179)
await sql`
  INSERT INTO metric_snapshots (tenant_id, project_id, type, value, recorded_at)
  SELECT ${p.tenant.id}, ${shop.id}, 'cpu.load', i, ${new Date(T0)}::timestamptz + i * interval '1 minute'
  FROM generate_series(0, 179) AS i`;
await sql`
  INSERT INTO metric_snapshots (tenant_id, project_id, type, value, recorded_at)
  VALUES (${p.tenant.id}, ${shop.id}, 'memory.rss_mb', 1, ${new Date(T0)}),
         (${p.tenant.id}, ${globexApp.id}, 'cpu.load', 1, ${new Date(T0)})`;

const close = (actual: number, expected: number) =>
  assert(Math.abs(actual - expected) < 1e-9, `${actual} is not ${expected}`);
const get = (query: string, headers = p.alice.bearer) => app.request(`/api/v1/metrics?${query}`, { headers });

/** percentile_cont: linear interpolation between the closest ranks. */
function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = 0.95 * (sorted.length - 1);
  const lo = Math.floor(rank);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (rank - lo);
}

Deno.test("hourly buckets carry avg, min, max, p95 and count equal to the values computed here", async () => {
  const res = await get(
    `project_id=${shop.id}&type=cpu.load&from=2026-05-01T00:00:00Z&to=2026-05-01T03:00:00Z&step=1h&agg=p95`,
  );
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const body = await res.json();
  assertEquals([body.step, body.step_seconds, body.agg, body.buckets.length], ["1h", 3600, "p95", 3]);
  body.buckets.forEach((b: Record<string, number | string>, h: number) => {
    const values = Array.from({ length: 60 }, (_, i) => h * 60 + i);
    assertEquals(b.start, new Date(T0 + h * 3_600_000).toISOString());
    assertEquals([b.count, b.min, b.max], [60, h * 60, h * 60 + 59]);
    close(b.avg as number, h * 60 + 29.5);
    close(b.p95 as number, p95(values));
    assertEquals(b.value, b.p95);
  });
});

Deno.test("buckets align to the epoch, the range is half-open, empty buckets are left out", async () => {
  const body = await (await get(
    `project_id=${shop.id}&type=cpu.load&from=2026-05-01T00:30:00Z&to=2026-05-01T05:00:00Z&step=1h&agg=count`,
  )).json();
  assertEquals(body.buckets.map((b: { start: string; value: number }) => [b.start.slice(11, 16), b.value]), [
    ["00:00", 30],
    ["01:00", 60],
    ["02:00", 60],
  ]);
});

Deno.test("default range and step: the last 24 h in 5-minute buckets; steps follow the range", async () => {
  const body = await (await get(`project_id=${shop.id}&type=cpu.load`)).json();
  assertEquals(body.step, "5m");
  assertEquals(Date.parse(body.to) - Date.parse(body.from), 86_400_000);
  assertEquals(formatStep(defaultStep(3600)), "30s");
  assertEquals(formatStep(defaultStep(86_400)), "5m");
  assertEquals(formatStep(defaultStep(7 * 86_400)), "1h");
  assertEquals(formatStep(defaultStep(30 * 86_400)), "3h");
  assertEquals(formatStep(defaultStep(90 * 86_400)), "12h");
  for (const days of [1, 7, 30, 90]) {
    const buckets = days * 86_400 / defaultStep(days * 86_400);
    assert(buckets >= 100 && buckets <= 300, `${days} d: ${buckets} buckets`);
  }
});

Deno.test("bad ranges and steps are 422s naming the field", async () => {
  const base = `project_id=${shop.id}&type=cpu.load`;
  const cases: [string, string][] = [
    [`${base}&from=2026-01-01T00:00:00Z&to=2026-05-01T00:00:00Z`, "from"],
    [`${base}&from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z`, "from"],
    [`${base}&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&step=10s`, "step"],
    [`${base}&step=5 minutes`, "step"],
    [`${base}&agg=median`, "agg"],
    [`type=cpu.load`, "project_id"],
    [`project_id=${shop.id}&type=Bad Type`, "type"],
    [`project_id=${shop.id}&type=check.latency_ms`, "check_id"],
  ];
  for (const [query, path] of cases) {
    assertEquals((await problem(await get(query), 422)).errors[0].path, path, query);
  }
});

Deno.test("client users query only their client's projects; others' are 404 like unknown ones", async () => {
  assertEquals((await get(`project_id=${shop.id}&type=cpu.load`, p.carol.bearer)).status, 200);
  await problem(await get(`project_id=${globexApp.id}&type=cpu.load`, p.carol.bearer), 404);
  await problem(await get(`project_id=${shop.id}&type=cpu.load`, p.dave.bearer), 404);
  await problem(await get(`project_id=${crypto.randomUUID()}&type=cpu.load`), 404);
  await problem(
    await app.request(`/api/v1/metrics/types?project_id=${globexApp.id}`, { headers: p.carol.bearer }),
    404,
  );
});

Deno.test("check latency is a metric: check.latency_ms with check_id aggregates the check's results", async () => {
  const [check] = await sql<{ id: string }[]>`
    INSERT INTO health_checks (tenant_id, project_id, name, type, url)
    VALUES (${p.tenant.id}, ${shop.id}, 'Home page', 'http', 'https://shop.example.com') RETURNING id`;
  await sql`
    INSERT INTO check_results (tenant_id, check_id, status, latency_ms, checked_at)
    SELECT ${p.tenant.id}, ${check.id}, 'up', 100 + i, ${new Date(T0)}::timestamptz + i * interval '1 minute'
    FROM generate_series(0, 59) AS i`;
  const res = await get(
    `type=check.latency_ms&check_id=${check.id}&from=2026-05-01T00:00:00Z&to=2026-05-01T01:00:00Z&step=30m&agg=max`,
  );
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.project_id, shop.id);
  assertEquals(body.buckets.map((b: { value: number; count: number }) => [b.count, b.value]), [[30, 129], [30, 159]]);
  await problem(await get(`type=check.latency_ms&check_id=${check.id}`, p.erin.bearer), 404);
  await problem(await get(`type=check.latency_ms&check_id=${check.id}&project_id=${globexApp.id}`), 404);

  const types = await (await app.request(`/api/v1/metrics/types?project_id=${shop.id}`, { headers: p.carol.bearer }))
    .json();
  assertEquals(types.data, [
    { type: "cpu.load", check_id: null, label: "cpu.load" },
    { type: "memory.rss_mb", check_id: null, label: "memory.rss_mb" },
    { type: "check.latency_ms", check_id: check.id, label: "Home page latency (ms)" },
  ]);
});
