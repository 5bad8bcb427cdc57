import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { bearer, createKey } from "../helpers/api_keys.ts";
import { jsonRequest } from "../helpers/http.ts";
import { genPersonas, genUser, GOOD_PASSWORD, signIn } from "../helpers/fixtures.ts";

const { app, db, deps } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const NEW_PASSWORD = "copper-lantern-hums-at-dawn-7";

const change = (headers: Record<string, string>, current_password: string, new_password: string) =>
  app.request("/api/v1/me/password", jsonRequest("POST", { current_password, new_password }, headers));

Deno.test("POST /api/v1/me/password ends every session, the caller's too, and hands back a fresh one", async () => {
  const user = await genUser(sql, p.tenant.id);
  const [laptop, phone] = await Promise.all([signIn(sql, user), signIn(sql, user)]);
  const { key } = await createKey(app, laptop.bearer);

  const res = await change(laptop.cookie, GOOD_PASSWORD, NEW_PASSWORD);
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const session = await res.json();
  assertStringIncludes(res.headers.get("Set-Cookie") ?? "", `opsdeck_session=${session.token}`);

  assertEquals((await app.request("/api/v1/me", { headers: phone.bearer })).status, 401, "other sessions end");
  assertEquals((await app.request("/api/v1/me", { headers: laptop.bearer })).status, 401, "the old token ends too");
  assertEquals((await app.request("/api/v1/me", { headers: bearer(session.token) })).status, 200);
  assertEquals((await app.request("/api/v1/me", { headers: bearer(key) })).status, 200, "API keys stay valid");

  const [audit] =
    await sql`SELECT details FROM audits WHERE action = 'user.password_change' AND resource_id = ${user.id}`;
  assertEquals(audit.details.sessions_ended, 2);
  assertEquals(JSON.stringify(audit.details).includes(NEW_PASSWORD), false);

  const login = await app.request(
    "/api/v1/sessions",
    jsonRequest("POST", { email: user.email, password: NEW_PASSWORD }),
  );
  assertEquals(login.status, 201);
});

Deno.test("a wrong current password is a 422 on current_password, audited, and nothing changes", async () => {
  const user = await genUser(sql, p.tenant.id);
  const who = await signIn(sql, user);
  const [before] = await sql`SELECT password_hash FROM users WHERE id = ${user.id}`;
  const res = await change(who.bearer, "not-my-password", NEW_PASSWORD);
  assertEquals(res.status, 422);
  assertEquals(res.headers.get("Content-Type"), "application/problem+json");
  assertEquals((await res.json()).errors[0].path, "current_password");
  const [after] = await sql`SELECT password_hash FROM users WHERE id = ${user.id}`;
  assertEquals(after.password_hash, before.password_hash);
  assertEquals((await app.request("/api/v1/me", { headers: who.bearer })).status, 200);
  const audits =
    await sql`SELECT 1 FROM audits WHERE action = 'user.password_change_failed' AND resource_id = ${user.id}`;
  assertEquals(audits.length, 1);
});

Deno.test("a weak, unchanged or oversized new password is refused naming new_password", async (t) => {
  const who = await signIn(sql, await genUser(sql, p.tenant.id));
  for (
    const [label, next] of [["common", "password123"], ["too short", "a1b2"], ["unchanged", GOOD_PASSWORD]] as const
  ) {
    await t.step(label, async () => {
      const res = await change(who.bearer, GOOD_PASSWORD, next);
      assertEquals(res.status, 422);
      assertEquals((await res.json()).errors[0].path, "new_password");
    });
  }
  await t.step("oversized: refused before any hashing", async () => {
    const started = performance.now();
    const res = await change(who.bearer, GOOD_PASSWORD, "x".repeat(5000));
    assertEquals(res.status, 422);
    assertEquals((await res.json()).errors[0].path, "new_password");
    assert(performance.now() - started < 200);
  });
});

Deno.test("guessing the current password is throttled with the sign-in throttle: 429 with Retry-After", async () => {
  const user = await genUser(sql, p.tenant.id);
  const who = await signIn(sql, user);
  for (let i = 0; i < 5; i++) await deps.throttles.fail(sql, { email: user.email, ip: null }, new Date());
  const res = await change(who.bearer, GOOD_PASSWORD, NEW_PASSWORD);
  assertEquals(res.status, 429);
  assert(Number(res.headers.get("Retry-After")) > 0);
});
