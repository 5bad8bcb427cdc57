import { assert, assertEquals } from "@std/assert";
import type { CheckResultInsert } from "../../db/queries/check_results.ts";
import { withTenant } from "../../db/tenant.ts";
import { latencySeries, seriesLevel, statusBars } from "../../services/checks/history.ts";
import { ValidationError } from "../../services/platform/errors.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { genChecks, genResults, insertInBatches, rng } from "./helpers.ts";

const db = await createTestDatabase();
const sql = db.sql;
const { tenant, checks } = await genChecks(sql, 1, 4);
const [a] = checks;
const FROM = new Date("2026-10-01T00:00:00Z");
const TO = new Date("2026-10-11T00:00:00Z");
const rowsA = genResults(tenant.id, a.id, FROM, TO, 120, rng(3));
await insertInBatches(sql, rowsA);

/** Counts and latency figures of the rows in [t, t + step), computed in TypeScript. */
function expected(t: number, stepMs: number) {
  const rows = rowsA.filter((r) => r.checkedAt.getTime() >= t && r.checkedAt.getTime() < t + stepMs);
  const lat = rows.map((r) => r.latencyMs).filter((l): l is number => l !== null).sort((x, y) => x - y);
  return {
    count: rows.length,
    up: rows.filter((r) => r.status === "up").length,
    down: rows.filter((r) => r.status === "down").length,
    degraded: rows.filter((r) => r.status === "degraded").length,
    avg: lat.length ? lat.reduce((s, l) => s + l, 0) / lat.length : null,
    min: lat[0] ?? null,
    max: lat.at(-1) ?? null,
    lat,
  };
}

Deno.test("the step picks the level: raw under an hour, hourly roll-ups under a day, daily from a day", () => {
  assertEquals([60, 300, 3599, 3600, 21600, 86399, 86400, 604800].map(seriesLevel), [
    "r",
    "r",
    "r",
    "h",
    "h",
    "h",
    "d",
    "d",
  ]);
});

for (const step of [300, 3600, 6 * 3600, 86400]) {
  Deno.test(`a latency series with step ${step} s has every step, with the counts and latencies of its results`, async () => {
    const from = new Date("2026-10-02T00:00:00Z");
    const to = new Date("2026-10-09T00:00:00Z");
    const readTo = step < 3600 ? new Date("2026-10-02T12:00:00Z") : to;
    const series = await withTenant(sql, tenant.id, (tx) => latencySeries(tx, tenant.id, a.id, from, readTo, step));
    assertEquals(series.length, (readTo.getTime() - from.getTime()) / (step * 1000));
    for (const p of series) {
      const e = expected(p.t.getTime(), step * 1000);
      assertEquals([p.count, p.up, p.down, p.degraded, p.min, p.max], [
        e.count,
        e.up,
        e.down,
        e.degraded,
        e.min,
        e.max,
      ]);
      assert(Math.abs(p.avg! - e.avg!) < 1e-6, `avg ${p.avg} vs ${e.avg}`);
      // exact from raw rows; from roll-ups within the histogram bucket (~25 %) plus interpolation
      const exact = e.lat[Math.ceil(0.95 * e.lat.length) - 1];
      if (step < 3600) assertEquals(p.p95, exact);
      else assert(Math.abs(p.p95! - exact) <= exact * 0.34 + 5, `p95 ${p.p95} vs ${exact}`);
    }
  });
}

Deno.test("a series with no results in a step shows the step empty", async () => {
  const [, empty] = checks;
  const series = await latencySeries(sql, tenant.id, empty.id, FROM, new Date(FROM.getTime() + 7200_000), 3600);
  assertEquals(series.map((p) => [p.count, p.avg, p.p95]), [[0, null, null], [0, null, null]]);
});

Deno.test("a series asking for too many points is refused naming the step", async () => {
  const error = await latencySeries(sql, tenant.id, a.id, FROM, TO, 60).catch((e) => e);
  assert(error instanceof ValidationError);
  assertEquals(error.errors?.[0].path, "step");
});

Deno.test("status bars: one per day, oldest first, up / degraded / down / mixed / none", async () => {
  const [, b, c, d] = checks;
  const now = new Date("2026-10-20T09:30:00Z");
  const at = (iso: string) => new Date(iso);
  const r = (checkId: string, iso: string, status: "up" | "down" | "degraded"): CheckResultInsert => ({
    tenantId: tenant.id,
    checkId,
    status,
    latencyMs: 50,
    statusCode: 200,
    detail: null,
    checkedAt: at(iso),
  });
  await insertInBatches(sql, [
    r(b.id, "2026-10-20T08:00:00Z", "up"),
    r(b.id, "2026-10-20T09:00:00Z", "up"),
    r(b.id, "2026-10-19T08:00:00Z", "up"),
    r(b.id, "2026-10-19T09:00:00Z", "degraded"),
    r(b.id, "2026-10-18T08:00:00Z", "down"),
    r(b.id, "2026-10-17T08:00:00Z", "down"),
    r(b.id, "2026-10-17T09:00:00Z", "up"),
    r(c.id, "2026-10-20T09:10:00Z", "down"),
    // before the 5 bars: not shown
    r(c.id, "2026-10-15T09:10:00Z", "down"),
  ]);
  const bars = await withTenant(sql, tenant.id, (tx) => statusBars(tx, tenant.id, [b.id, c.id, d.id], now, 5));
  assertEquals(bars.get(b.id), [null, "mixed", "down", "degraded", "up"]);
  assertEquals(bars.get(c.id), [null, null, null, null, "down"]);
  assertEquals(bars.get(d.id), [null, null, null, null, null]);
  // hourly bars read the hourly roll-up, sub-hour bars the raw results
  const hourly = await statusBars(sql, tenant.id, [b.id], now, 3, 3600);
  assertEquals(hourly.get(b.id), [null, "up", "up"]);
  const minutes = await statusBars(sql, tenant.id, [c.id], now, 4, 600);
  // bars of [09:00, 09:10) … [09:30, 09:40): the result at 09:10 is in the second
  assertEquals(minutes.get(c.id), [null, "down", null, null]);
});
