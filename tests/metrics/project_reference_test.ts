/**
 * Points must name a project of their tenant, and a project with points
 * cannot be deleted: kept per statement by triggers (00220) instead of row by
 * row by foreign keys, with the same refusals and the same lock.
 */
import { assertEquals, assertRejects } from "@std/assert";
import { createPool, inTransaction } from "../../db/client.ts";
import { insertPoints } from "../../db/queries/metrics.ts";
import { genProject } from "../helpers/catalog.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { genTwoTenantsWithClients } from "../helpers/fixtures.ts";

const db = await createTestDatabase();
const sql = db.sql;
const { tenant, other, client, otherClient } = await genTwoTenantsWithClients(sql);
const AT = new Date("2026-05-01T00:00:00Z");
const point = (projectId: string, value = 1) => ({ projectId, type: "cpu.load", value, recordedAt: AT });
const count = async () => (await sql`SELECT count(*)::int AS n FROM metric_snapshots`)[0].n as number;
const sqlState = (e: unknown) => (e as { code?: string }).code;

Deno.test("a batch naming an unknown project, or another tenant's, is refused whole (23503)", async () => {
  const shop = await genProject(sql, tenant.id, client.id, { name: "Shop" });
  const foreign = await genProject(sql, other.id, otherClient.id, { name: "Foreign" });
  const before = await count();
  for (const stray of [crypto.randomUUID(), foreign.id]) {
    const error = await inTransaction(sql, (tx) => insertPoints(tx, tenant.id, [point(shop.id), point(stray)])).catch((
      e,
    ) => e);
    assertEquals(sqlState(error), "23503");
    assertEquals(String(error.detail).includes(stray), true);
  }
  assertEquals(await count(), before);
  assertEquals(await inTransaction(sql, (tx) => insertPoints(tx, tenant.id, [point(shop.id)])), 1);
  // an update that moves a point to a project that does not exist is refused too
  const error = await sql`UPDATE metric_snapshots SET project_id = ${crypto.randomUUID()} WHERE project_id = ${shop.id}`
    .catch((e) => e);
  assertEquals(sqlState(error), "23503");
});

Deno.test("a project with points cannot be deleted; one without can", async () => {
  const kept = await genProject(sql, tenant.id, client.id, { name: "Kept" });
  const empty = await genProject(sql, tenant.id, client.id, { name: "Empty" });
  await inTransaction(sql, (tx) => insertPoints(tx, tenant.id, [point(kept.id)]));
  const error = await sql`DELETE FROM projects WHERE id = ${kept.id}`.catch((e) => e);
  assertEquals(sqlState(error), "23503");
  await sql`DELETE FROM projects WHERE id = ${empty.id}`;
  assertEquals((await sql`SELECT count(*)::int AS n FROM projects WHERE id IN ${sql([kept.id, empty.id])}`)[0].n, 1);
});

Deno.test("a delete waits for a batch in flight that names the project, then is refused", async () => {
  const project = await genProject(sql, tenant.id, client.id, { name: "Busy" });
  const deleter = createPool(db.url, { max: 1 });
  try {
    let commit!: () => void;
    let inserted!: () => void;
    const insertedNow = new Promise<void>((r) => inserted = r);
    const batch = inTransaction(sql, async (tx) => {
      await insertPoints(tx, tenant.id, [point(project.id, 7)]);
      inserted();
      await new Promise<void>((r) => commit = r);
    });
    await insertedNow;
    let settled = false;
    const deletion = deleter`DELETE FROM projects WHERE id = ${project.id}`.finally(() => settled = true);
    await new Promise((r) => setTimeout(r, 200));
    assertEquals(settled, false, "the delete waits for the batch's lock on the project");
    commit();
    await batch;
    await assertRejects(() => deletion);
    assertEquals(sqlState(await deletion.catch((e) => e)), "23503");
  } finally {
    await deleter.end();
  }
});
