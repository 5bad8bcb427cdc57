import { assertEquals } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { bearer, createKey } from "../helpers/api_keys.ts";
import { jsonRequest } from "../helpers/http.ts";
import { genPersonas, genUser, signIn } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);

const auditsOf = (userId: string, action: string) =>
  sql`SELECT details FROM audits WHERE resource_id = ${userId} AND action = ${action} ORDER BY seq`;

Deno.test("PATCH /api/v1/me sets name and time zone, canonicalised, with one user.update audit row", async () => {
  const user = await genUser(sql, p.tenant.id, { name: "Old Name" });
  const who = await signIn(sql, user);
  const res = await app.request(
    "/api/v1/me",
    jsonRequest("PATCH", { name: "  New Name ", timezone: "europe/paris" }, who.bearer),
  );
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  assertEquals(await res.json(), { id: user.id, email: user.email, name: "New Name", timezone: "Europe/Paris" });
  const audits = await auditsOf(user.id, "user.update");
  assertEquals(audits.length, 1);
  assertEquals(audits[0].details.before, { name: "Old Name", timezone: null });
  assertEquals(audits[0].details.after, { name: "New Name", timezone: "Europe/Paris" });

  const again = await app.request("/api/v1/me", jsonRequest("PATCH", { timezone: "Europe/Paris" }, who.bearer));
  assertEquals(again.status, 200);
  assertEquals((await auditsOf(user.id, "user.update")).length, 1, "no change, no audit row");
});

Deno.test("PATCH /api/v1/me refuses bad zones and fields a user may not set on themselves, storing nothing", async (t) => {
  const user = await genUser(sql, p.tenant.id, { role: "employee" });
  const who = await signIn(sql, user);
  const cases: [string, Record<string, unknown>, string][] = [
    ["unknown zone", { timezone: "Mars/Olympus_Mons" }, "timezone"],
    ["an offset is not a zone", { timezone: "+02:00" }, "timezone"],
    ["empty name", { name: "" }, "name"],
    ["own role", { role: "admin" }, ""],
    ["email", { email: "someone-else@example.com" }, ""],
    ["tenant", { tenant_id: p.other.id }, ""],
  ];
  for (const [label, body, path] of cases) {
    await t.step(label, async () => {
      const res = await app.request("/api/v1/me", jsonRequest("PATCH", body, who.bearer));
      assertEquals(res.status, 422);
      assertEquals(res.headers.get("Content-Type"), "application/problem+json");
      assertEquals((await res.json()).errors[0].path, path);
    });
  }
  const [row] = await sql`SELECT name, timezone, email, role_id, tenant_id FROM users WHERE id = ${user.id}`;
  assertEquals([row.name, row.timezone, row.email, row.role_id, row.tenant_id], [
    user.name,
    null, // browser time (00035)
    user.email,
    user.role_id,
    user.tenant_id,
  ]);
});

Deno.test("GET and PUT /api/v1/me/preferences: theme in user_preferences, time zone from the profile", async () => {
  const who = await signIn(sql, await genUser(sql, p.tenant.id));
  const initial = await app.request("/api/v1/me/preferences", { headers: who.bearer });
  assertEquals(initial.status, 200);
  assertEquals(await initial.json(), { theme: "auto", timezone: null });

  const put = await app.request(
    "/api/v1/me/preferences",
    jsonRequest("PUT", { theme: "dark", timezone: "America/New_York" }, who.bearer),
  );
  assertEquals(put.status, 200);
  assertEquals(await put.json(), { theme: "dark", timezone: "America/New_York" });
  const [stored] = await sql`SELECT value FROM user_preferences WHERE user_id = ${who.user.id} AND key = 'theme'`;
  assertEquals(stored.value, "dark");

  const partial = await app.request("/api/v1/me/preferences", jsonRequest("PUT", { theme: "light" }, who.bearer));
  assertEquals(await partial.json(), { theme: "light", timezone: "America/New_York" }, "keys left out keep values");
  const audits = await auditsOf(who.user.id, "user_preferences.update");
  assertEquals(audits.length, 2);
  assertEquals(audits[1].details.before, { theme: "dark" });

  const bad = await app.request("/api/v1/me/preferences", jsonRequest("PUT", { theme: "neon" }, who.bearer));
  assertEquals(bad.status, 422);
  assertEquals((await bad.json()).errors[0].path, "theme");
});

Deno.test("an API key may read the profile and preferences but not change the account: 403", async () => {
  const { key } = await createKey(app, p.alice.bearer);
  assertEquals((await app.request("/api/v1/me/preferences", { headers: bearer(key) })).status, 200);
  for (
    const [method, path, body] of [
      ["PATCH", "/api/v1/me", { name: "Mallory" }],
      ["PUT", "/api/v1/me/preferences", { theme: "dark" }],
      ["POST", "/api/v1/me/password", { current_password: "x", new_password: "y" }],
    ] as const
  ) {
    const res = await app.request(path, jsonRequest(method, body, bearer(key)));
    assertEquals(res.status, 403, `${method} ${path}`);
    assertEquals(res.headers.get("Content-Type"), "application/problem+json");
  }
});

Deno.test("without a principal the /me routes are 401, before the body is judged", async () => {
  for (const [method, path] of [["PUT", "/api/v1/me/preferences"], ["PATCH", "/api/v1/me"]] as const) {
    const res = await app.request(path, jsonRequest(method, { bogus: 1 }));
    assertEquals(res.status, 401, `${method} ${path}`);
  }
  assertEquals((await app.request("/api/v1/me/preferences")).status, 401);
});

Deno.test("the theme switch stores a signed-in user's theme, and their pages follow it on any device", async () => {
  const who = await signIn(sql, await genUser(sql, p.tenant.id));
  const res = await app.request("/preferences/theme", {
    method: "POST",
    headers: { ...who.cookie, "Content-Type": "application/x-www-form-urlencoded" },
    body: "theme=dark",
  });
  assertEquals(res.status, 303);
  const other = await signIn(sql, who.user);
  const page = await app.request("/profile", { headers: { Cookie: other.cookie.Cookie } });
  assertEquals(page.status, 200);
  const text = await page.text();
  assertEquals(text.includes(`data-theme="dark"`), true);
  const [audit] = await auditsOf(who.user.id, "user_preferences.update");
  assertEquals(audit.details.after, { theme: "dark" });
});
