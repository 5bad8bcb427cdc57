/**
 * Activity recording: a burst far larger than a batch, recorded while the
 * database refuses writes for a while, arrives whole (count); requests are
 * recorded with their kind and resource (the cost per request: bench/insights_bench.ts).
 */
import { assertEquals } from "@std/assert";
import { buildTestApp, createTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { genProject } from "../helpers/catalog.ts";
import { createActivityRecorder } from "../../services/insights/activity_recorder.ts";
import { silentLogger } from "../../services/platform/logger.ts";
import type { ActivityEvent } from "../../db/queries/user_activity.ts";

const { db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const count = async () =>
  Number((await sql`SELECT count(*) AS n FROM user_activity WHERE tenant_id = ${p.tenant.id}`)[0].n);

const event = (i: number): ActivityEvent => ({
  tenant_id: p.tenant.id,
  user_id: p.bob.user.id,
  session_id: p.bob.sessionId,
  activity_type: "page_view",
  resource_type: "checks",
  resource_id: String(i),
  at: new Date("2026-05-13T12:00:00Z"),
});

Deno.test("a burst of 50,000 events survives a refused flush and arrives whole", async () => {
  const recorder = createActivityRecorder(sql, silentLogger, { batch: 2_000, flushMs: 50 });
  // the table refuses writes: every flush fails and keeps its rows
  await sql`ALTER TABLE user_activity ADD CONSTRAINT refuse CHECK (false) NOT VALID`;
  for (let i = 0; i < 50_000; i++) recorder.record(event(i));
  await recorder.flush();
  assertEquals(await count(), 0);
  assertEquals(recorder.stats().buffered, 50_000);
  await sql`ALTER TABLE user_activity DROP CONSTRAINT refuse`;
  await recorder.stop();
  assertEquals(await count(), 50_000);
  assertEquals(recorder.stats(), { recorded: 50_000, written: 50_000, dropped: 0, buffered: 0 });
});

Deno.test("signed-in requests are recorded with their kind and resource; failed ones are not", async () => {
  await sql`DELETE FROM user_activity`;
  const recorder = createActivityRecorder(sql, silentLogger);
  const { app } = await buildTestApp(sql, { activity: recorder });
  const project = await genProject(sql, p.tenant.id, p.clients.acme.id);
  assertEquals((await app.request(`/projects/${project.id}`, { headers: p.bob.cookie })).status, 200);
  assertEquals((await app.request("/api/v1/insights/quick-wins", { headers: p.bob.bearer })).status, 200);
  assertEquals((await app.request(`/api/v1/projects/${crypto.randomUUID()}`, { headers: p.bob.bearer })).status, 404);
  await recorder.stop();
  const rows = await sql`SELECT user_id, session_id, activity_type, resource_type, resource_id FROM user_activity
    ORDER BY at, activity_type DESC`;
  assertEquals(rows.map((r) => [r.activity_type, r.resource_type, r.resource_id]), [
    ["page_view", "projects", project.id],
    ["api_read", "insights", null],
  ]);
  assertEquals(rows[0].user_id, p.bob.user.id);
  assertEquals(rows[0].session_id, p.bob.sessionId);
});
