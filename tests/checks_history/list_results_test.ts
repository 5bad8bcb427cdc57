import { assert, assertEquals } from "@std/assert";
import { barRows, countRanges, phaseCounts, seriesRows } from "../../db/queries/check_history.ts";
import { type CheckResultInsert, insertCheckResults, listCheckResults } from "../../db/queries/check_results.ts";
import { sealState } from "../../db/queries/check_segments.ts";
import { getHealthCheck } from "../../db/queries/health_checks.ts";
import { aggregateCheckLatency } from "../../db/queries/metrics.ts";
import { withTenant } from "../../db/tenant.ts";
import { listResults } from "../../services/checks/history.ts";
import { createSealer } from "../../services/checks/sealer.ts";
import { BadRequestError } from "../../services/platform/errors.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { captureLogger, genChecks, genResults, insertInBatches, rng } from "./helpers.ts";

const db = await createTestDatabase();
const sql = db.sql;
const { tenant, checks: [a, b] } = await genChecks(sql, 1, 2);
const BASE = new Date("2026-09-01T12:00:00Z").getTime();
const DAY_MS = 86_400_000;
const row = (checkId: string, i: number): CheckResultInsert => ({
  tenantId: tenant.id,
  checkId,
  status: i % 5 === 0 ? "down" : "up",
  latencyMs: i,
  statusCode: i % 5 === 0 ? 500 : 200,
  detail: i % 5 === 0 ? "HTTP 500" : null,
  checkedAt: new Date(BASE + i * 60_000),
});
await insertInBatches(sql, [...Array.from({ length: 25 }, (_, i) => row(a.id, i)), row(b.id, 3)]);
// a result stored to the microsecond (as now() would): the cursor must not skip or repeat it
await sql`
  INSERT INTO check_results (tenant_id, check_id, status, latency_ms, checked_at)
  VALUES (${tenant.id}, ${a.id}, 'up', 999, ${
  new Date(BASE + 10 * 60_000).toISOString()
}::timestamptz + interval '0.000123 s')`;

Deno.test("results are listed newest first, page by page, without skipping or repeating a row", async () => {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await withTenant(sql, tenant.id, (tx) => listResults(tx, tenant.id, a.id, { limit: 5, cursor }));
    assert(page.data.length <= 5);
    for (const r of page.data) {
      assertEquals(r.check_id, a.id);
      seen.push(`${r.checked_at.toISOString()} ${r.latency_ms}`);
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  assertEquals(seen.length, 26);
  assertEquals(seen[0], `${new Date(BASE + 24 * 60_000).toISOString()} 24`);
  const latencies = seen.map((s) => Number(s.split(" ")[1]));
  // 999 ends the third page: the fourth starts right after it, at 10
  assertEquals(latencies.slice(12, 16), [12, 11, 999, 10]);
});

Deno.test("results filter by status and by a since/until range", async () => {
  const down = await listResults(sql, tenant.id, a.id, { limit: 50, status: "down" });
  assertEquals(down.data.map((r) => r.latency_ms), [20, 15, 10, 5, 0]);
  assertEquals(down.data[0].detail, "HTTP 500");
  const range = await listResults(sql, tenant.id, a.id, {
    limit: 50,
    since: new Date(BASE + 3 * 60_000),
    until: new Date(BASE + 6 * 60_000),
  });
  assertEquals(range.data.map((r) => r.latency_ms), [5, 4, 3]);
  assertEquals(range.next_cursor, null);
});

Deno.test("another tenant's results are not listed, and a forged cursor is a 400", async () => {
  const { tenant: other } = await genChecks(sql);
  const theirs = await withTenant(sql, other.id, (tx) => listResults(tx, other.id, a.id, { limit: 50 }));
  assertEquals(theirs.data, []);
  const forged = btoa(JSON.stringify(["yesterday"]));
  const error = await listResults(sql, tenant.id, a.id, { limit: 5, cursor: forged }).catch((e) => e);
  assert(error instanceof BadRequestError);
});

// Packed segments (db/migrations/00200): runs last in this file, since sealing moves the whole database's seal.
Deno.test("every reader gives the same answers after the sealer packs closed days, and late results are merged once", async () => {
  const { tenant: t, checks: [x, y, z] } = await genChecks(sql, 2, 2);
  const DAY0 = Date.parse("2026-10-03T00:00:00Z");
  const random = rng(7);
  // x and y every 47 s over two and a quarter days; z only on the first day (its newest result gets sealed)
  const rows = [
    ...genResults(t.id, x.id, new Date(DAY0), new Date(DAY0 + 2.25 * DAY_MS), 47, random),
    ...genResults(t.id, y.id, new Date(DAY0 + 3_000), new Date(DAY0 + 2.25 * DAY_MS), 47, random),
    ...genResults(t.id, z.id, new Date(DAY0), new Date(DAY0 + 0.5 * DAY_MS), 300, random),
  ];
  await insertInBatches(sql, rows);
  // results to the microsecond, in the day that gets sealed and in the one that stays raw
  for (const at of ["2026-10-03T10:00:00.000123Z", "2026-10-05T01:00:00.999999Z"]) {
    await sql`INSERT INTO check_results (tenant_id, check_id, status, latency_ms, checked_at)
              VALUES (${t.id}, ${x.id}, 'degraded', 4321, ${at}::text::timestamptz)`;
  }
  const ids = [x.id, y.id, z.id];
  const at = (h: number) => new Date(DAY0 + h * 3_600_000 + 13_417);
  const readAll = async () => {
    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await withTenant(sql, t.id, (tx) => listResults(tx, t.id, x.id, { limit: 400, cursor }));
      pages.push(...page.data.map((r) => `${r.checked_at.toISOString()} ${r.status} ${r.latency_ms} ${r.detail}`));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return {
      list: pages,
      filtered: await listCheckResults(sql, t.id, x.id, {
        since: at(20),
        until: at(26),
        status: "down",
        before: null,
        limit: 1000,
      }),
      counts: await countRanges(sql, t.id, [
        { checkIds: ids, tag: 1, level: "r", from: at(3), to: at(50) },
        { checkIds: [y.id], tag: 2, level: "r", from: at(23.5), to: at(24.5) },
      ]),
      series: await seriesRows(sql, t.id, x.id, "r", at(22), at(27), 900),
      bars: await barRows(sql, t.id, ids, "r", at(0), at(54), 7200),
      phases: await phaseCounts(sql, t.id, x.projectId, {
        before: at(23),
        start: at(23.7),
        end: at(24.2),
        after: at(25),
      }),
      latency: await aggregateCheckLatency(sql, {
        tenantId: t.id,
        checkId: y.id,
        from: at(1),
        to: at(53),
        stepSeconds: 3600,
      }),
      last: await Promise.all(ids.map(async (id) => {
        const c = await getHealthCheck(sql, t.id, id);
        return [c?.last_result_at, c?.last_result_status, c?.last_latency_ms, c?.last_status_code, c?.last_detail];
      })),
    };
  };
  const before = await readAll();
  assertEquals(before.list.length, rows.filter((r) => r.checkId === x.id).length + 2);

  const { logger } = captureLogger();
  const sealer = createSealer({ sql, logger, now: () => new Date(DAY0 + 2.2 * DAY_MS) });
  assertEquals((await sealer.runOnce()).sealedBefore, new Date(DAY0 + 2 * DAY_MS));
  assertEquals((await sealState(sql)).sealedBefore, new Date(DAY0 + 2 * DAY_MS));
  const [{ packed }] = await sql<{ packed: number }[]>`
    SELECT sum(cardinality(offsets))::int AS packed FROM check_result_segments WHERE tenant_id = ${t.id}`;
  assertEquals(packed, rows.filter((r) => r.checkedAt.getTime() < DAY0 + 2 * DAY_MS).length + 1);
  assertEquals(await readAll(), before);

  // a late result for a sealed hour and a batch re-sent after its hour was sealed
  const hourly = async () =>
    (await sql<{ total: number }[]>`
      SELECT total FROM check_results_hourly WHERE tenant_id = ${t.id} AND check_id = ${x.id} AND bucket = ${
      at(5)
    }::timestamptz - interval '13.417 s'`)[0].total;
  const rollup = await hourly();
  const resent = rows.filter((r) => r.checkId === x.id && r.checkedAt >= at(5) && r.checkedAt < at(5.2));
  const late = { ...resent[0], checkedAt: new Date(resent[0].checkedAt.getTime() + 1), latencyMs: 7777 };
  assertEquals(await insertCheckResults(sql, [...resent, late]), 1);
  assertEquals(await hourly(), rollup + 1);
  assertEquals((await sealer.runOnce()).mergedHours, 1);
  // once more after the sealed raw rows are gone (as when retention drops their partition):
  // the segment alone recognises the instants
  await sql`DELETE FROM check_results WHERE tenant_id = ${t.id} AND checked_at < ${new Date(DAY0 + 2 * DAY_MS)}`;
  assertEquals(await insertCheckResults(sql, [...resent, late]), 0);
  assertEquals(await hourly(), rollup + 1);
  const after = await readAll();
  assertEquals(after.list.length, before.list.length + 1);
  assert(after.list.some((l) => l.startsWith(`${late.checkedAt.toISOString()} ${late.status} 7777`)));
  assertEquals(
    after.counts.find((c) => c.tag === 1 && c.check_id === x.id)!.total,
    before.counts.find((c) => c.tag === 1 && c.check_id === x.id)!.total + 1,
  );
  assertEquals((await sealer.runOnce()).mergedHours, 0);
});
