import { assert, assertEquals, assertExists, assertMatch, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, genUser, GOOD_PASSWORD } from "../helpers/fixtures.ts";
import { jsonRequest } from "../helpers/http.ts";
import { withTenant } from "../../db/tenant.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);

const json = (body: unknown, headers: Record<string, string> = {}) => jsonRequest("POST", body, headers);

Deno.test("POST /api/v1/sessions signs in: HttpOnly Lax cookie plus a bearer token that works on /api/v1/me", async () => {
  const res = await app.request(
    "/api/v1/sessions",
    json({ email: p.bob.user.email.toUpperCase(), password: GOOD_PASSWORD }),
  );
  assertEquals(res.status, 201);
  const body = await res.json();
  assertExists(body.token);
  const cookie = res.headers.get("Set-Cookie")!;
  assertStringIncludes(cookie, "opsdeck_session=");
  assertStringIncludes(cookie, "HttpOnly");
  assertStringIncludes(cookie, "SameSite=Lax");
  const me = await app.request("/api/v1/me", { headers: { Authorization: `Bearer ${body.token}` } });
  assertEquals(me.status, 200);
  const who = await me.json();
  assertEquals(who.email, p.bob.user.email);
  assertEquals(who.role, "employee");
  assertEquals(who.permissions.includes("projects:write"), true);
  const [audit] =
    await sql`SELECT action FROM audits WHERE actor_user_id = ${p.bob.user.id} AND action = 'session.login'
    AND actor_label = ${p.bob.user.email} ORDER BY seq DESC LIMIT 1`;
  assertEquals(audit.action, "session.login");
});

Deno.test("a wrong password and an unknown user get the same 401 and message", async () => {
  const wrong = await app.request("/api/v1/sessions", json({ email: p.bob.user.email, password: "not-the-password" }));
  const unknown = await app.request(
    "/api/v1/sessions",
    json({ email: "nobody@example.com", password: "not-the-password" }),
  );
  assertEquals(wrong.status, 401);
  assertEquals(unknown.status, 401);
  assertEquals((await wrong.json()).detail, (await unknown.json()).detail);
  const [failed] =
    await sql`SELECT details FROM audits WHERE action = 'session.login_failed' AND resource_id = ${p.bob.user.id}`;
  assertEquals(failed.details.reason, "wrong_password");
});

Deno.test("an oversized password is refused before any hashing", async () => {
  const started = performance.now();
  const res = await app.request("/api/v1/sessions", json({ email: p.bob.user.email, password: "x".repeat(5000) }));
  assertEquals(res.status, 422);
  assertEquals((await res.json()).errors[0].path, "password");
  assert(performance.now() - started < 200, "no scrypt run");
});

Deno.test("missing fields and a malformed body are clear problems", async () => {
  const res = await app.request("/api/v1/sessions", json({ email: "a@b.c" }));
  assertEquals(res.status, 422);
  assertEquals((await res.json()).errors[0].path, "password");
  const bad = await app.request("/api/v1/sessions", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{",
  });
  assertEquals(bad.status, 400);
});

Deno.test("repeated failures for one account are throttled with 429 and Retry-After", async () => {
  const victim = await genUser(sql, p.tenant.id, { role: "employee" });
  for (let i = 0; i < 5; i++) {
    const res = await app.request("/api/v1/sessions", json({ email: victim.email, password: `guess-${i}` }));
    assertEquals(res.status, 401);
  }
  const blocked = await app.request("/api/v1/sessions", json({ email: victim.email, password: GOOD_PASSWORD }));
  assertEquals(blocked.status, 429);
  assert(Number(blocked.headers.get("Retry-After")) > 0);
});

Deno.test("malformed, unknown and revoked bearer tokens are 401", async () => {
  for (
    const header of ["Basic abc", "Bearer", "Bearer short", `Bearer ${"a".repeat(43)}`, "Bearer odk_" + "b".repeat(40)]
  ) {
    const res = await app.request("/api/v1/me", { headers: { Authorization: header } });
    assertEquals(res.status, 401, header);
    assertEquals(res.headers.get("Content-Type"), "application/problem+json");
  }
});

Deno.test("logging out ends the session on the very next request", async () => {
  const res = await app.request("/api/v1/sessions", json({ email: p.alice.user.email, password: GOOD_PASSWORD }));
  const { token } = await res.json();
  const out = await app.request("/api/v1/sessions/current", {
    method: "DELETE",
    headers: { Authorization: `Bearer ${token}` },
  });
  assertEquals(out.status, 204);
  assertEquals((await app.request("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } })).status, 401);
});

Deno.test("suspending a user stops their sessions at once", async () => {
  const user = await genUser(sql, p.tenant.id, { role: "employee" });
  const res = await app.request("/api/v1/sessions", json({ email: user.email, password: GOOD_PASSWORD }));
  const { token } = await res.json();
  assertEquals((await app.request("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } })).status, 200);
  await sql`UPDATE users SET status = 'suspended' WHERE id = ${user.id}`;
  assertEquals((await app.request("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } })).status, 401);
});

Deno.test("cookie-authenticated writes need the CSRF token and our own Origin", async (t) => {
  const { Cookie, Origin } = p.erin.cookie;
  await t.step("without the token: 403", async () => {
    const res = await app.request("/api/v1/sessions/current", { method: "DELETE", headers: { Cookie, Origin } });
    assertEquals(res.status, 403);
  });
  await t.step("from another origin: 403", async () => {
    const res = await app.request("/api/v1/sessions/current", {
      method: "DELETE",
      headers: { ...p.erin.cookie, Origin: "https://evil.example" },
    });
    assertEquals(res.status, 403);
  });
  await t.step("with the token from our origin: done", async () => {
    const res = await app.request("/api/v1/sessions/current", { method: "DELETE", headers: p.erin.cookie });
    assertEquals(res.status, 204);
  });
});

Deno.test("responses carry the security headers; probes only nosniff, the one that concerns JSON", async () => {
  for (const path of ["/login", "/api/v1/projects"]) {
    const res = await app.request(path);
    await res.body?.cancel();
    const csp = res.headers.get("Content-Security-Policy")!;
    assertStringIncludes(csp, "object-src 'none'");
    assertStringIncludes(csp, "base-uri 'none'");
    assertStringIncludes(csp, "frame-ancestors 'none'");
    assertEquals(res.headers.get("X-Content-Type-Options"), "nosniff");
    assertMatch(res.headers.get("Referrer-Policy")!, /origin/);
  }
  for (const path of ["/healthz", "/readyz"]) {
    const res = await app.request(path);
    await res.body?.cancel();
    assertEquals(res.headers.get("X-Content-Type-Options"), "nosniff");
    assertEquals(res.headers.get("Content-Security-Policy"), null);
  }
});

Deno.test("row-level security hides other tenants even from a query without a tenant filter", async () => {
  const seen = await withTenant(sql, p.tenant.id, (tx) => tx<{ tenant_id: string }[]>`SELECT tenant_id FROM clients`);
  assert(seen.length >= 2);
  assert(seen.every((r) => r.tenant_id === p.tenant.id));
  const users = await withTenant(sql, p.other.id, (tx) => tx<{ email: string }[]>`SELECT email FROM users`);
  assertEquals(users.map((u) => u.email), [p.dave.user.email]);
  const err = await withTenant(
    sql,
    p.other.id,
    (tx) => tx`INSERT INTO clients (tenant_id, name) VALUES (${p.tenant.id}, 'Smuggled')`,
  )
    .then(() => null, (e) => e);
  assertEquals(err?.code, "42501");
});

Deno.test("the audit trail cannot be changed by the application role", async () => {
  const err = await withTenant(sql, p.tenant.id, (tx) => tx`DELETE FROM audits`).then(() => null, (e) => e);
  assertEquals(err?.code, "42501");
});
