import { assert, assertEquals } from "@std/assert";
import { type CheckResultInsert, insertCheckResults } from "../../db/queries/check_results.ts";
import { withTenant } from "../../db/tenant.ts";
import { LATENCY_BOUNDS_MS, percentileFromHistogram } from "../../services/checks/latency_histogram.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { genChecks, genResults, rng } from "./helpers.ts";

const db = await createTestDatabase();
const sql = db.sql;
const { tenant, checks } = await genChecks(sql, 1, 3);

interface Agg {
  check_id: string;
  bucket: Date;
  total: number;
  up: number;
  down: number;
  degraded: number;
  latency_count: number;
  latency_sum: number;
  latency_min: number | null;
  latency_max: number | null;
  latency_histogram: number[];
}

/** The roll-up of `unit` recomputed from the raw rows, in TypeScript (bounds from LATENCY_BOUNDS_MS). */
async function expectedRollup(unit: "hour" | "day"): Promise<Agg[]> {
  const rows = await sql<{ check_id: string; status: string; latency_ms: number | null; checked_at: Date }[]>`
    SELECT check_id, status, latency_ms, checked_at FROM check_results WHERE tenant_id = ${tenant.id}`;
  const ms = unit === "hour" ? 3600_000 : 86_400_000;
  const groups = new Map<string, Agg>();
  for (const r of rows) {
    const bucket = new Date(Math.floor(r.checked_at.getTime() / ms) * ms);
    const key = `${r.check_id}|${bucket.toISOString()}`;
    const g = groups.get(key) ?? {
      check_id: r.check_id,
      bucket,
      total: 0,
      up: 0,
      down: 0,
      degraded: 0,
      latency_count: 0,
      latency_sum: 0,
      latency_min: null,
      latency_max: null,
      latency_histogram: Array(33).fill(0),
    };
    g.total++;
    g[r.status as "up" | "down" | "degraded"]++;
    if (r.latency_ms !== null) {
      g.latency_count++;
      g.latency_sum += r.latency_ms;
      g.latency_min = Math.min(g.latency_min ?? Infinity, r.latency_ms);
      g.latency_max = Math.max(g.latency_max ?? -Infinity, r.latency_ms);
      const b = LATENCY_BOUNDS_MS.findIndex((bound) => r.latency_ms! < bound);
      g.latency_histogram[b === -1 ? 32 : b]++;
    }
    groups.set(key, g);
  }
  return [...groups.values()].sort(byKey);
}

function byKey(a: Agg, b: Agg): number {
  return a.check_id.localeCompare(b.check_id) || a.bucket.getTime() - b.bucket.getTime();
}

async function storedRollup(unit: "hour" | "day"): Promise<Agg[]> {
  const table = unit === "hour" ? sql`check_results_hourly` : sql`check_results_daily`;
  const rows = await sql<Agg[]>`
    SELECT check_id, bucket, total, up, down, degraded, latency_count, latency_sum::float8 AS latency_sum,
           latency_min, latency_max, latency_histogram
    FROM ${table} WHERE tenant_id = ${tenant.id}`;
  return [...rows].sort(byKey);
}

Deno.test("roll-ups equal the raw aggregates after random batches with duplicates, across hours and days", async () => {
  const random = rng(42);
  const from = new Date("2026-03-30T21:17:00Z");
  const to = new Date("2026-04-01T03:00:00Z");
  const all: CheckResultInsert[] = checks.flatMap((c, i) => genResults(tenant.id, c.id, from, to, 60 + i * 17, random));
  let expectedNew = all.length;
  // shuffle, then re-send ~10 % of the rows (the same check and instant, even with another status)
  const sent = [...all];
  for (let i = 0; i < all.length / 10; i++) {
    const dup = all[Math.floor(random() * all.length)];
    sent.push({ ...dup, status: "down", latencyMs: 1 });
  }
  sent.sort(() => random() - 0.5);
  let inserted = 0;
  for (let i = 0; i < sent.length;) {
    const size = 1 + Math.floor(random() * 150);
    inserted += await insertCheckResults(sql, sent.slice(i, i + size));
    i += size;
  }
  // a batch that repeats a row inside itself counts it once
  const extra = { ...all[0], checkedAt: new Date(to.getTime() + 5000) };
  inserted += await insertCheckResults(sql, [extra, extra]);
  expectedNew++;
  assertEquals(inserted, expectedNew);
  assertEquals(await storedRollup("hour"), await expectedRollup("hour"));
  assertEquals(await storedRollup("day"), await expectedRollup("day"));
});

/** check_results_daily summed per project (the checks' projects now), and the stored per-project roll-up. */
async function projectDays(t: string) {
  const expected = await sql`
    SELECT h.project_id, d.bucket, sum(d.total)::int AS total, sum(d.up)::int AS up, sum(d.down)::int AS down,
           sum(d.degraded)::int AS degraded, sum(d.latency_count)::int AS latency_count,
           sum(d.latency_sum)::float8 AS latency_sum
    FROM check_results_daily d JOIN health_checks h ON h.tenant_id = d.tenant_id AND h.id = d.check_id
    WHERE d.tenant_id = ${t} GROUP BY 1, 2 ORDER BY 1, 2`;
  const stored = await sql`
    SELECT project_id, bucket, total, up, down, degraded, latency_count, latency_sum::float8 AS latency_sum
    FROM check_results_project_daily WHERE tenant_id = ${t} AND total > 0 ORDER BY 1, 2`;
  return { expected: [...expected], stored: [...stored] };
}

Deno.test("the per-project daily roll-up equals the per-check days summed, after a check moves and one is deleted", async () => {
  const { tenant: t, checks: [a, b, c] } = await genChecks(sql, 2, 2);
  const random = rng(7);
  const from = new Date("2026-03-30T22:00:00Z");
  const to = new Date("2026-04-01T02:00:00Z");
  for (const check of [a, b, c]) await insertCheckResults(sql, genResults(t.id, check.id, from, to, 600, random));
  let days = await projectDays(t.id);
  assertEquals(days.expected.length, 6, "two projects over three UTC days");
  assertEquals(days.stored, days.expected);
  // b moves to c's project: its days go with it; then a is deleted: its days leave its project
  await sql`UPDATE health_checks SET project_id = ${c.projectId} WHERE id = ${b.id}`;
  await sql`DELETE FROM health_checks WHERE id = ${a.id}`;
  days = await projectDays(t.id);
  assertEquals(days.stored, days.expected);
  assert(days.expected.every((d) => d.project_id === c.projectId));
});

Deno.test("concurrent batches for the same check and hour lose no counts", async () => {
  const { tenant: t, checks: [c] } = await genChecks(sql);
  const base = new Date("2026-05-01T10:00:00Z").getTime();
  const batch = (k: number) =>
    Array.from({ length: 50 }, (_, i): CheckResultInsert => ({
      tenantId: t.id,
      checkId: c.id,
      status: "up",
      latencyMs: 10,
      statusCode: 200,
      detail: null,
      checkedAt: new Date(base + (k * 50 + i) * 1000),
    }));
  const counts = await Promise.all([0, 1, 2, 3].map((k) => insertCheckResults(sql, batch(k))));
  assertEquals(counts, [50, 50, 50, 50]);
  const [h] = await sql<{ total: number; latency_sum: string }[]>`
    SELECT total, latency_sum FROM check_results_hourly WHERE tenant_id = ${t.id} AND check_id = ${c.id}`;
  assertEquals([h.total, Number(h.latency_sum)], [200, 2000]);
});

Deno.test("results and roll-ups are written and read under row-level security", async () => {
  const { tenant: t, checks: [c] } = await genChecks(sql);
  const row: CheckResultInsert = {
    tenantId: t.id,
    checkId: c.id,
    status: "up",
    latencyMs: 12,
    statusCode: 200,
    detail: null,
    checkedAt: new Date("2026-06-01T00:00:00Z"),
  };
  assertEquals(await withTenant(sql, t.id, (tx) => insertCheckResults(tx, [row])), 1);
  // the other tenant's scope sees none of it
  const seen = await withTenant(
    sql,
    tenant.id,
    (tx) => tx`SELECT 1 FROM check_results_hourly WHERE check_id = ${c.id}`,
  );
  assertEquals(seen.length, 0);
  const refused = await withTenant(sql, tenant.id, (tx) => insertCheckResults(tx, [row])).catch((e) => e);
  assert(refused instanceof Error, "a result for another tenant is refused by the policy");
});

Deno.test("a p95 read from the histogram lies in the bucket of the exact p95", () => {
  const random = rng(7);
  const values = Array.from({ length: 1000 }, () => Math.floor(random() ** 2 * 3000));
  const hist = Array(33).fill(0);
  for (const v of values) {
    const b = LATENCY_BOUNDS_MS.findIndex((bound) => v < bound);
    hist[b === -1 ? 32 : b]++;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const exact = sorted[Math.ceil(0.95 * sorted.length) - 1];
  const estimate = percentileFromHistogram(hist, 0.95, sorted[0], sorted[sorted.length - 1]);
  const bucket = LATENCY_BOUNDS_MS.findIndex((bound) => exact < bound);
  const lower = bucket === 0 ? 0 : LATENCY_BOUNDS_MS[bucket - 1];
  assert(estimate >= lower && estimate <= LATENCY_BOUNDS_MS[bucket], `${estimate} vs exact ${exact}`);
  assertEquals(percentileFromHistogram([0, 0, 3, ...Array(30).fill(0)], 0.95, 11, 11), 11);
});
