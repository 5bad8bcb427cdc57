import { assert, assertEquals } from "@std/assert";
import { createPool } from "../../db/client.ts";
import { type CheckResultInsert, listCheckResults, PARTITIONED } from "../../db/queries/check_results.ts";
import { sealState } from "../../db/queries/check_segments.ts";
import { createSealer } from "../../services/checks/sealer.ts";
import { partitionName } from "../../services/workers/partitions.ts";
import { createRetention } from "../../services/workers/retention.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { captureLogger, genChecks, insertInBatches, retentionPass } from "./helpers.ts";

const db = await createTestDatabase();
const sql = db.sql;
const { tenant, checks: [a] } = await genChecks(sql);
const NOW = new Date("2026-11-23T15:00:00Z");

async function partitions(table: string): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = ${table}::regclass ORDER BY 1`;
  return rows.map((r) => r.name);
}

const result = (iso: string): CheckResultInsert => ({
  tenantId: tenant.id,
  checkId: a.id,
  status: "up",
  latencyMs: 20,
  statusCode: 200,
  detail: null,
  checkedAt: new Date(iso),
});

Deno.test("the first run creates the partitions ahead (check results: days), moving rows out of DEFAULT", async () => {
  // written before any monthly partition existed: they sit in DEFAULT
  await insertInBatches(sql, [
    result("2026-11-24T10:00:00Z"),
    result("2026-11-25T23:59:59Z"),
    result("2026-06-01T00:00:00Z"),
  ]);
  const { logger, lines } = captureLogger();
  const report = await retentionPass(sql, NOW, 400, logger);
  assertEquals(report.created.map((c) => [c.partition, c.moved]), [
    ["check_results_p2026_11_23", 0],
    ["check_results_p2026_11_24", 1],
    ["check_results_p2026_11_25", 1],
    ["check_result_segments_p2026_11", 0],
    ["check_result_segments_p2026_12", 0],
    ["check_result_segments_p2027_01", 0],
    ["metric_snapshots_p2026_11", 0],
    ["metric_snapshots_p2026_12", 0],
    ["metric_snapshots_p2027_01", 0],
    ["query_metrics_p2026_11", 0],
    ["query_metrics_p2026_12", 0],
    ["query_metrics_p2027_01", 0],
    ["user_activity_p2026_11", 0],
    ["user_activity_p2026_12", 0],
    ["user_activity_p2027_01", 0],
    ["dashboard_events_p2026_11", 0],
    ["dashboard_events_p2026_12", 0],
    ["dashboard_events_p2027_01", 0],
  ]);
  assertEquals(await partitions("check_results"), [
    "check_results_default",
    "check_results_p2026_11_23",
    "check_results_p2026_11_24",
    "check_results_p2026_11_25",
  ]);
  const where = await sql<{ part: string; n: number }[]>`
    SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM check_results GROUP BY 1 ORDER BY 1`;
  assertEquals([...where], [
    { part: "check_results_default", n: 1 },
    { part: "check_results_p2026_11_24", n: 1 },
    { part: "check_results_p2026_11_25", n: 1 },
  ]);
  // three months (or days) of every partitioned table
  assertEquals(lines.filter((l) => l.msg === "partition created").length, 3 * PARTITIONED.length);
  // the roll-ups were not touched by the move, and new rows go to the partition
  await insertInBatches(sql, [result("2026-11-24T11:00:00Z")]);
  const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM check_results_p2026_11_24`;
  assertEquals(n, 2);
  const again = await retentionPass(sql, NOW, 400, logger);
  assertEquals(again.created, []);
});

Deno.test("retention drops only partitions whose whole month is older than the retention, and old roll-ups", async () => {
  const { logger, lines } = captureLogger();
  const old = new Date("2025-08-15T00:00:00Z");
  // partitions for 2025-08..10 (check results: 2025-08-15..17) exist because a process ran back then
  await retentionPass(sql, old, 400, logger);
  await insertInBatches(sql, [result("2025-08-16T10:00:00Z"), result("2025-10-20T10:00:00Z")]);
  // 100 days before NOW is 2026-08-15: August 2025 … July 2026 are over by then, 2025-10 included
  const report = await retentionPass(sql, NOW, 100, logger);
  assertEquals(report.dropped, [
    "check_results_p2025_08_15",
    "check_results_p2025_08_16",
    "check_results_p2025_08_17",
    "check_result_segments_p2025_08",
    "check_result_segments_p2025_09",
    "check_result_segments_p2025_10",
    "metric_snapshots_p2025_08",
    "metric_snapshots_p2025_09",
    "metric_snapshots_p2025_10",
    "query_metrics_p2025_08",
    "query_metrics_p2025_09",
    "query_metrics_p2025_10",
    "user_activity_p2025_08",
    "user_activity_p2025_09",
    "user_activity_p2025_10",
    "dashboard_events_p2025_08",
    "dashboard_events_p2025_09",
    "dashboard_events_p2025_10",
  ]);
  assert((await partitions("check_results")).includes(partitionName("check_results", new Date("2026-11-23Z"), "day")));
  // three expired months (or days) of every partitioned table
  assertEquals(lines.filter((l) => l.msg === "partition dropped").length, 3 * PARTITIONED.length);
  // the June row in DEFAULT and the roll-ups of 2025 and June 2026 are gone; November's stay
  const hourly = await sql<{ bucket: Date }[]>`SELECT bucket FROM check_results_hourly ORDER BY bucket`;
  assertEquals(hourly.map((h) => h.bucket.toISOString().slice(0, 10)), ["2026-11-24", "2026-11-24", "2026-11-25"]);
  // the per-project days go with the per-check ones
  const days = async (table: string) =>
    (await sql.unsafe<{ day: string }[]>(`SELECT DISTINCT bucket::text AS day FROM ${table} ORDER BY 1`)).map((d) =>
      d.day
    );
  const daily = await days("check_results_daily");
  assert(daily.length > 0);
  assertEquals(await days("check_results_project_daily"), daily);
  const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM check_results_default`;
  assertEquals(n, 0);
});

Deno.test("two processes running retention at once create each partition once, without errors", async () => {
  const later = new Date("2027-06-10T00:00:00Z");
  const second = createPool(db.url, { max: 3 });
  try {
    const one = captureLogger(), two = captureLogger();
    const [r1, r2] = await Promise.all([
      retentionPass(sql, later, 400, one.logger),
      retentionPass(second, later, 400, two.logger),
    ]);
    const created = [...r1.created, ...r2.created].map((c) => c.partition).sort();
    assertEquals(created, [
      "check_result_segments_p2027_06",
      "check_result_segments_p2027_07",
      "check_result_segments_p2027_08",
      "check_results_p2027_06_10",
      "check_results_p2027_06_11",
      "check_results_p2027_06_12",
      "dashboard_events_p2027_06",
      "dashboard_events_p2027_07",
      "dashboard_events_p2027_08",
      "metric_snapshots_p2027_06",
      "metric_snapshots_p2027_07",
      "metric_snapshots_p2027_08",
      "query_metrics_p2027_06",
      "query_metrics_p2027_07",
      "query_metrics_p2027_08",
      "user_activity_p2027_06",
      "user_activity_p2027_07",
      "user_activity_p2027_08",
    ]);
  } finally {
    await second.end();
  }
});

// Runs last: sealing moves the whole database's seal.
Deno.test("a raw day goes as soon as it is sealed and no late result in it waits, its segments stay", async () => {
  const { logger } = captureLogger();
  await insertInBatches(sql, [result("2027-06-11T05:00:00Z"), result("2027-06-11T05:00:20Z")]);
  const now = new Date("2027-07-01T02:00:00Z");
  // two processes at once: one seals, the other finds the lock taken or the work done
  const other = createPool(db.url, { max: 3 });
  const both = await Promise.all([
    createSealer({ sql, logger, now: () => now }).runOnce(),
    createSealer({ sql: other, logger, now: () => now }).runOnce(),
  ]).finally(() => other.end());
  // A pass stops at a lock the other holds, and the loser may take the lock between the winner's ranges and so stop
  // the winner too: a later pass goes on where they stopped, and no hour is packed twice.
  const after = await createSealer({ sql, logger, now: () => now }).runOnce();
  // the hours with results: 2026-11-24 10:00 and 11:00, 2026-11-25 23:00 (first test), 2027-06-11 05:00
  assertEquals(both[0].segments + both[1].segments + after.segments, 4);
  assertEquals((await sealState(sql)).sealedBefore, new Date("2027-07-01T00:00:00Z"));
  // a result for a sealed hour arrives before retention runs: its day stays until it is merged
  assertEquals(await insertInBatches(sql, [result("2027-06-11T05:00:10Z")]), 1);
  const config = { retentionDays: 400, rawRetentionDays: 30 };
  const first = await createRetention({ sql, config, logger, now: () => now }).runOnce();
  assert(first.dropped.includes("check_results_p2027_06_10"), first.dropped.join());
  assert(first.dropped.includes("check_results_p2027_06_12"), first.dropped.join());
  assert(!first.dropped.includes("check_results_p2027_06_11"));
  assertEquals((await createSealer({ sql, logger, now: () => now }).runOnce()).mergedHours, 1);
  const second = await createRetention({ sql, config, logger, now: () => now }).runOnce();
  assertEquals(second.dropped, ["check_results_p2027_06_11"]);
  const parts = await partitions("check_result_segments");
  assert(parts.includes("check_result_segments_p2027_06") && !parts.includes("check_result_segments_p2027_01"));
  const listed = await listCheckResults(sql, tenant.id, a.id, {
    since: new Date("2027-06-01T00:00:00Z"),
    until: null,
    status: null,
    before: null,
    limit: 10,
  });
  assertEquals(listed.map((r) => r.checked_at.toISOString()), [
    "2027-06-11T05:00:20.000Z",
    "2027-06-11T05:00:10.000Z",
    "2027-06-11T05:00:00.000Z",
  ]);
});
