import { assertEquals } from "@std/assert";
import { insertWindow, type RecurringWindowInsert } from "../../db/queries/maintenance_windows.ts";
import { activeMaintenance, maintenanceIntervals } from "../../services/maintenance/coverage.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { genProject } from "../helpers/catalog.ts";
import { genTwoTenantsWithClients } from "../helpers/fixtures.ts";
import { withTenant } from "../../db/tenant.ts";

const db = await createTestDatabase();
const sql = db.sql;
const { tenant, other, client, otherClient } = await genTwoTenantsWithClients(sql);
const a = await genProject(sql, tenant.id, client.id);
const b = await genProject(sql, tenant.id, client.id);
const c = await genProject(sql, tenant.id, client.id);
const foreign = await genProject(sql, other.id, otherClient.id);
const at = (s: string) => new Date(s);

function win(tenantId: string, w: Partial<RecurringWindowInsert>): Promise<unknown> {
  return insertWindow(sql, {
    tenantId,
    projectId: null,
    environment: null,
    title: "w",
    description: null,
    startsAt: at("2026-01-01T00:00Z"),
    endsAt: at("2026-01-01T01:00Z"),
    rrule: null,
    dtstartLocal: null,
    durationMinutes: null,
    timezone: "UTC",
    ...w,
  });
}

// a: one-off 10:00–11:00 and 10:30–12:00 (overlapping) on 2026-05-01
await win(tenant.id, { projectId: a.id, startsAt: at("2026-05-01T10:00Z"), endsAt: at("2026-05-01T11:00Z") });
await win(tenant.id, { projectId: a.id, startsAt: at("2026-05-01T10:30Z"), endsAt: at("2026-05-01T12:00Z") });
// b: every Sunday 02:00–04:00 Berlin, open series
await win(tenant.id, {
  projectId: b.id,
  startsAt: at("2026-03-01T01:00Z"),
  endsAt: null,
  rrule: "FREQ=WEEKLY;BYDAY=SU",
  dtstartLocal: "2026-03-01T02:00:00",
  durationMinutes: 120,
  timezone: "Europe/Berlin",
});
// tenant-wide: 2026-06-01 00:00–01:00; a deployment-style window with an environment on c
await win(tenant.id, { startsAt: at("2026-06-01T00:00Z"), endsAt: at("2026-06-01T01:00Z") });
await win(tenant.id, {
  projectId: c.id,
  environment: "production",
  startsAt: at("2026-07-01T00:00Z"),
  endsAt: at("2026-07-01T00:30Z"),
});
// the other tenant: a tenant-wide window covering everything in 2026
await win(other.id, { startsAt: at("2026-01-01T00:00Z"), endsAt: at("2027-01-01T00:00Z") });

const ids = [a.id, b.id, c.id];
const active = async (t: string) => [...await activeMaintenance(sql, tenant.id, ids, at(t))].sort();

Deno.test("activeMaintenance: one-off, recurring (local time), tenant-wide and environment windows", async () => {
  assertEquals(await active("2026-05-01T09:59Z"), []);
  assertEquals(await active("2026-05-01T10:00Z"), [a.id]);
  assertEquals(await active("2026-05-01T11:59Z"), [a.id]);
  assertEquals(await active("2026-05-01T12:00Z"), []);
  // Sunday 2026-03-29 is the spring-forward day: 02:00 does not exist, the window starts at 03:00 CEST = 01:00Z
  assertEquals(await active("2026-03-29T00:30Z"), []);
  assertEquals(await active("2026-03-29T01:30Z"), [b.id]);
  // an ordinary summer Sunday: 02:00–04:00 CEST = 00:00–02:00Z
  assertEquals(await active("2026-04-05T00:00Z"), [b.id]);
  assertEquals(await active("2026-04-05T02:00Z"), []);
  assertEquals(await active("2026-04-06T00:30Z"), []);
  assertEquals(await active("2026-06-01T00:30Z"), [...ids].sort());
  assertEquals(await active("2026-07-01T00:10Z"), [c.id]);
  // the other tenant's window never leaks in, and its own projects see it
  assertEquals([...await activeMaintenance(sql, other.id, [foreign.id], at("2026-05-01T00:00Z"))], [foreign.id]);
  assertEquals(await activeMaintenance(sql, tenant.id, [], at("2026-06-01T00:30Z")), new Set());
});

Deno.test("maintenanceIntervals: merged, sorted, clipped to the range, tenant-wide included", async () => {
  const iso = (xs: { start: Date; end: Date }[]) => xs.map((x) => [x.start.toISOString(), x.end.toISOString()]);
  assertEquals(
    iso(await maintenanceIntervals(sql, tenant.id, a.id, at("2026-05-01T10:15Z"), at("2026-06-30T00:00Z"))),
    [
      ["2026-05-01T10:15:00.000Z", "2026-05-01T12:00:00.000Z"],
      ["2026-06-01T00:00:00.000Z", "2026-06-01T01:00:00.000Z"],
    ],
  );
  assertEquals(
    iso(await maintenanceIntervals(sql, tenant.id, b.id, at("2026-03-22T00:00Z"), at("2026-04-06T00:00Z"))),
    [
      ["2026-03-22T01:00:00.000Z", "2026-03-22T03:00:00.000Z"],
      // starts when the gap ends (03:00 CEST) and lasts its 120 elapsed minutes (RFC 5545 durations are exact)
      ["2026-03-29T01:00:00.000Z", "2026-03-29T03:00:00.000Z"],
      ["2026-04-05T00:00:00.000Z", "2026-04-05T02:00:00.000Z"],
    ],
  );
});

Deno.test("an ended series stops covering, and the functions work inside withTenant too", async () => {
  await sql`UPDATE maintenance_windows SET ends_at = '2026-04-01T00:00Z' WHERE project_id = ${b.id}`;
  const covered = await withTenant(
    sql,
    tenant.id,
    (tx) => activeMaintenance(tx, tenant.id, [b.id], at("2026-04-05T00:30Z")),
  );
  assertEquals(covered, new Set());
  const spans = await withTenant(
    sql,
    tenant.id,
    (tx) => maintenanceIntervals(tx, tenant.id, b.id, at("2026-03-29T00:00Z"), at("2026-05-01T00:00Z")),
  );
  assertEquals(spans.length, 1);
});
