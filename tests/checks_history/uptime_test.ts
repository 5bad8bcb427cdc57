import { assert, assertEquals } from "@std/assert";
import type { CheckResultInsert } from "../../db/queries/check_results.ts";
import { withTenant } from "../../db/tenant.ts";
import { type PlannedRange, planRanges, uptime } from "../../services/checks/history.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { genChecks, genResults, genWindow, insertInBatches, rng } from "./helpers.ts";

const db = await createTestDatabase();
const sql = db.sql;
const DAY = 86_400_000;
// deliberately not on an hour: every window has partial hours at both edges
const NOW = new Date("2026-11-23T15:37:20Z");
// 55 minutes and 14 hours before the next hour and day: the edges subtract from whole buckets
const LATE_NOW = new Date("2026-11-23T09:05:00Z");

/** Uptime of `rows` over [now - span, now) outside `excluded`, counted one row at a time. */
function bruteForce(
  rows: CheckResultInsert[],
  now: Date,
  span: number,
  excluded: { start: Date; end: Date }[],
): number | null {
  const inWindow = rows.filter((r) =>
    r.checkedAt.getTime() >= now.getTime() - span && r.checkedAt < now &&
    !excluded.some((w) => r.checkedAt >= w.start && r.checkedAt < w.end)
  );
  if (inWindow.length === 0) return null;
  return (100 * inWindow.filter((r) => r.status !== "down").length) / inWindow.length;
}

function assertUptime(actual: number | null, expected: number | null, label: string) {
  if (expected === null) return assertEquals(actual, null, label);
  assert(actual !== null, `${label}: null, expected ${expected}`);
  assert(Math.abs(actual - expected) < 1e-9, `${label}: ${actual}, expected ${expected}`);
}

for (const now of [NOW, LATE_NOW]) {
  Deno.test(`uptime over 24 h, 7, 30 and 90 days at ${now.toISOString()} equals counting every result, maintenance left out`, async () => {
    const { tenant, checks: [a, b, c] } = await genChecks(sql, 2, 2);
    const random = rng(1);
    const start = new Date(now.getTime() - 95 * DAY);
    const rowsA = genResults(tenant.id, a.id, start, now, 600, random);
    const rowsB = genResults(tenant.id, b.id, start, now, 840, random);
    // c (another project) has results only in the last 3 days
    const rowsC = genResults(tenant.id, c.id, new Date(now.getTime() - 3 * DAY), now, 600, random);
    await insertInBatches(sql, [...rowsA, ...rowsB, ...rowsC]);
    // a and b's project: a window inside one day, one across midnight, one through the 24 h edge;
    // tenant-wide: one over c's second day
    const projectWindows = [
      {
        start: new Date(now.getTime() - 40 * DAY + 3_600_000 * 2.5),
        end: new Date(now.getTime() - 40 * DAY + 3_600_000 * 4.25),
      },
      { start: new Date("2026-11-10T22:10:00Z"), end: new Date("2026-11-11T01:50:00Z") },
      { start: new Date(now.getTime() - DAY - 1_800_000), end: new Date(now.getTime() - DAY + 600_000) },
    ];
    const tenantWide = { start: new Date(now.getTime() - 2 * DAY), end: new Date(now.getTime() - 1.5 * DAY) };
    for (const w of projectWindows) await genWindow(sql, tenant.id, a.projectId, w.start, w.end);
    await genWindow(sql, tenant.id, null, tenantWide.start, tenantWide.end);

    const got = await withTenant(sql, tenant.id, (tx) => uptime(tx, tenant.id, [a, b, c], now));
    const spans = { h24: DAY, d7: 7 * DAY, d30: 30 * DAY, d90: 90 * DAY };
    for (
      const [check, rows, windows] of [
        [a, rowsA, [...projectWindows, tenantWide]],
        [b, rowsB, [...projectWindows, tenantWide]],
        [c, rowsC, [tenantWide]],
      ] as const
    ) {
      const u = got.get(check.id)!;
      for (const [key, span] of Object.entries(spans)) {
        assertUptime(u[key as keyof typeof spans], bruteForce(rows, now, span, [...windows]), `${check.id} ${key}`);
      }
    }
  });
}

Deno.test("uptime is null for a window without results, and degraded counts as up", async () => {
  const { tenant, checks: [a, empty] } = await genChecks(sql, 1, 2);
  const at = (minutesAgo: number) => new Date(NOW.getTime() - minutesAgo * 60_000);
  const row = (minutesAgo: number, status: "up" | "down" | "degraded"): CheckResultInsert => ({
    tenantId: tenant.id,
    checkId: a.id,
    status,
    latencyMs: 100,
    statusCode: 200,
    detail: null,
    checkedAt: at(minutesAgo),
  });
  // 8 days ago: down; in the last day: degraded, up, down, up
  await insertInBatches(sql, [
    row(8 * 1440, "down"),
    row(30, "degraded"),
    row(20, "up"),
    row(10, "down"),
    row(1, "up"),
  ]);
  const got = await withTenant(sql, tenant.id, (tx) => uptime(tx, tenant.id, [a, empty], NOW));
  assertEquals(got.get(a.id), { h24: 75, d7: 75, d30: 60, d90: 60 });
  assertEquals(got.get(empty.id), { h24: null, d7: null, d30: null, d90: null });
  // another tenant asking for these checks sees no data
  const { tenant: other } = await genChecks(sql);
  const theirs = await withTenant(sql, other.id, (tx) => uptime(tx, other.id, [a], NOW));
  assertEquals(theirs.get(a.id), { h24: null, d7: null, d30: null, d90: null });
});

Deno.test("planRanges reads days, hours and raw edges, subtracting the rest of a bucket when that reads less", () => {
  const fmt = (r: PlannedRange) => `${r.sign < 0 ? "-" : "+"}${r.level} ${r.from.toISOString()} ${r.to.toISOString()}`;
  const plan = (from: string, to: string, cut: [string, string][] = []) =>
    planRanges(new Date(from), new Date(to), cut.map(([s, e]) => ({ start: new Date(s), end: new Date(e) }))).map(fmt);
  assertEquals(plan("2026-11-01T22:30:00Z", "2026-11-04T01:15:00Z"), [
    "+r 2026-11-01T22:30:00.000Z 2026-11-01T23:00:00.000Z",
    "+h 2026-11-01T23:00:00.000Z 2026-11-02T00:00:00.000Z",
    "+d 2026-11-02T00:00:00.000Z 2026-11-04T00:00:00.000Z",
    "+h 2026-11-04T00:00:00.000Z 2026-11-04T01:00:00.000Z",
    "+r 2026-11-04T01:00:00.000Z 2026-11-04T01:15:00.000Z",
  ]);
  // 50 minutes of the first hour: the hour minus its first 10 minutes; 17 hours of the first day: the day minus 7 hours
  assertEquals(plan("2026-11-01T06:10:00Z", "2026-11-03T00:00:00Z"), [
    "+h 2026-11-01T06:00:00.000Z 2026-11-01T07:00:00.000Z",
    "-r 2026-11-01T06:00:00.000Z 2026-11-01T06:10:00.000Z",
    "+d 2026-11-01T00:00:00.000Z 2026-11-02T00:00:00.000Z",
    "-h 2026-11-01T00:00:00.000Z 2026-11-01T07:00:00.000Z",
    "+d 2026-11-02T00:00:00.000Z 2026-11-03T00:00:00.000Z",
  ]);
  // a maintenance window cuts 10:20–10:40: both sides of the cut are partial hours
  assertEquals(
    plan("2026-11-03T00:00:00Z", "2026-11-04T00:00:00Z", [["2026-11-03T10:20:00Z", "2026-11-03T10:40:00Z"]]),
    [
      "+h 2026-11-03T00:00:00.000Z 2026-11-03T10:00:00.000Z",
      "+r 2026-11-03T10:00:00.000Z 2026-11-03T10:20:00.000Z",
      "+r 2026-11-03T10:40:00.000Z 2026-11-03T11:00:00.000Z",
      "+d 2026-11-03T00:00:00.000Z 2026-11-04T00:00:00.000Z",
      "-h 2026-11-03T00:00:00.000Z 2026-11-03T11:00:00.000Z",
    ],
  );
});
