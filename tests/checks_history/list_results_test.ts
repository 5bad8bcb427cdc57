import { assert, assertEquals } from "@std/assert";
import type { CheckResultInsert } from "../../db/queries/check_results.ts";
import { withTenant } from "../../db/tenant.ts";
import { listResults } from "../../services/checks/history.ts";
import { BadRequestError } from "../../services/platform/errors.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { genChecks, insertInBatches } from "./helpers.ts";

const db = await createTestDatabase();
const sql = db.sql;
const { tenant, checks: [a, b] } = await genChecks(sql, 1, 2);
const BASE = new Date("2026-09-01T12:00:00Z").getTime();
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
