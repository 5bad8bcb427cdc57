/** The schema's migrations (names, checksums, times) are for administrators only. */
import { assertEquals } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const p = await genPersonas(db.sql);
const PATH = "/api/v1/system/migrations";

Deno.test("GET /api/v1/system/migrations without credentials is a 401", async () => {
  const body = await problem(await app.request(PATH), 401);
  assertEquals(body.status, 401);
});

Deno.test("GET /api/v1/system/migrations is a 403 for an employee and a client user", async () => {
  await problem(await app.request(PATH, { headers: p.bob.bearer }), 403);
  await problem(await app.request(PATH, { headers: p.carol.bearer }), 403);
});

Deno.test("GET /api/v1/system/migrations lists the migrations for an admin", async () => {
  const res = await app.request(PATH, { headers: p.alice.bearer });
  assertEquals(res.status, 200);
  assertEquals((await res.json()).data[0].version, 1);
});
