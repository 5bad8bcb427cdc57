import { assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, genUser, GOOD_PASSWORD, signIn } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);

const form = (headers: Record<string, string>, fields: Record<string, string>, extra: Record<string, string> = {}) => ({
  method: "POST",
  headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded", ...extra },
  body: new URLSearchParams(fields).toString(),
});

Deno.test("GET /profile shows the user's name, zone picker, theme and password forms", async () => {
  const res = await app.request("/profile", { headers: p.bob.cookie });
  assertEquals(res.status, 200);
  assertStringIncludes(res.headers.get("Content-Type")!, "text/html");
  const page = await res.text();
  assertStringIncludes(page, p.bob.user.email);
  assertStringIncludes(page, `<option value="Europe/Paris">Europe/Paris</option>`);
  assertStringIncludes(page, `name="current_password"`);
  assertStringIncludes(page, `href="/profile/sessions"`);
});

Deno.test("POST /profile: an unknown zone comes back inline with 422; a good one saves and redirects 303", async () => {
  const who = await signIn(sql, await genUser(sql, p.tenant.id));
  const bad = await app.request("/profile", form(who.cookie, { name: "Zed", timezone: "Mars/Base" }));
  assertEquals(bad.status, 422);
  const page = await bad.text();
  assertStringIncludes(page, "must be an IANA time zone");
  assertStringIncludes(page, `value="Zed"`);
  const good = await app.request("/profile", form(who.cookie, { name: "Zed", timezone: "Asia/Tokyo" }));
  assertEquals(good.status, 303);
  assertEquals(good.headers.get("Location"), "/profile?saved=profile");
  const [row] = await sql`SELECT name, timezone FROM users WHERE id = ${who.user.id}`;
  assertEquals([row.name, row.timezone], ["Zed", "Asia/Tokyo"]);
  const saved = await (await app.request("/profile?saved=profile", { headers: who.cookie })).text();
  assertStringIncludes(saved, "Profile saved.");
});

Deno.test("POST /profile/password: a mismatch is inline; success swaps in a new session cookie", async () => {
  const who = await signIn(sql, await genUser(sql, p.tenant.id));
  const next = "copper-lantern-hums-at-dawn-7";
  const mismatch = await app.request(
    "/profile/password",
    form(who.cookie, { current_password: GOOD_PASSWORD, new_password: next, confirm_password: "other" }),
  );
  assertEquals(mismatch.status, 422);
  assertStringIncludes(await mismatch.text(), "does not match the new password");
  const ok = await app.request(
    "/profile/password",
    form(who.cookie, { current_password: GOOD_PASSWORD, new_password: next, confirm_password: next }),
  );
  assertEquals(ok.status, 303);
  assertEquals(ok.headers.get("Location"), "/profile?saved=password");
  const cookie = ok.headers.get("Set-Cookie")!.split(";")[0];
  assertEquals((await app.request("/profile", { headers: { Cookie: cookie } })).status, 200);
  assertEquals((await app.request("/profile", { headers: who.cookie })).status, 303, "the old session is gone");
});

Deno.test("GET /profile/sessions marks this device; htmx revoke removes another session's row", async () => {
  const user = await genUser(sql, p.tenant.id);
  const [laptop, phone] = await Promise.all([signIn(sql, user), signIn(sql, user)]);
  const page = await (await app.request("/profile/sessions", { headers: laptop.cookie })).text();
  assertStringIncludes(page, "this device");
  assertStringIncludes(page, `/profile/sessions/${phone.sessionId}/revoke`);
  assertEquals(page.includes(`/profile/sessions/${laptop.sessionId}/revoke`), false);

  const res = await app.request(
    `/profile/sessions/${phone.sessionId}/revoke`,
    form(laptop.cookie, {}, { "HX-Request": "true" }),
  );
  assertEquals(res.status, 200);
  assertEquals(await res.text(), "");
  assertEquals((await app.request("/api/v1/me", { headers: phone.bearer })).status, 401);
  const other = await app.request(
    `/profile/sessions/${p.bob.sessionId}/revoke`,
    form(laptop.cookie, {}, { "HX-Request": "true" }),
  );
  assertEquals(other.status, 404);
});
