import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { createKey } from "../helpers/api_keys.ts";
import { genPersonas, genUser, signIn } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);

const form = (headers: Record<string, string>, fields: [string, string][], extra: Record<string, string> = {}) => ({
  method: "POST",
  headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded", ...extra },
  body: new URLSearchParams(fields).toString(),
});

Deno.test("GET /api-keys without a session goes to the login page and back", async () => {
  const res = await app.request("/api-keys");
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("Location"), "/login?next=%2Fapi-keys");
});

Deno.test("GET /api-keys: a friendly empty state and scope boxes only for the user's own permissions", async () => {
  const who = await signIn(sql, await genUser(sql, p.tenant.id, { role: "employee" }));
  const res = await app.request("/api-keys", { headers: who.cookie });
  assertEquals(res.status, 200);
  assertStringIncludes(res.headers.get("Content-Type")!, "text/html");
  const page = await res.text();
  assertStringIncludes(page, "You have no API keys yet.");
  assertStringIncludes(page, `value="deployments:write"`);
  assertEquals(page.includes(`value="users:manage"`), false);
  assertEquals(page.includes("Everyone's keys"), false);
});

Deno.test("POST /api-keys shows the new key once, uncached, and lists it without the secret afterwards", async () => {
  const who = await signIn(sql, await genUser(sql, p.tenant.id, { role: "employee" }));
  const res = await app.request(
    "/api-keys",
    form(who.cookie, [["name", "Nightly export"], ["expires_at", "2099-12-31"], ["scopes", "deployments:read"], [
      "scopes",
      "projects:read",
    ], ["_csrf", who.cookie["X-CSRF-Token"]]]),
  );
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Cache-Control"), "no-store");
  const page = await res.text();
  const key = page.match(/value="(odk_[A-Za-z0-9_-]+)"/)?.[1];
  assertMatch(key ?? "", /^odk_.{43}$/);
  assertStringIncludes(page, "it will not be shown again");
  const [row] = await sql`SELECT scopes, expires_at FROM api_keys WHERE user_id = ${who.user.id}`;
  assertEquals(row.scopes, ["deployments:read", "projects:read"]);
  assertEquals(row.expires_at.toISOString(), "2099-12-31T23:59:59.000Z");
  const later = await (await app.request("/api-keys", { headers: who.cookie })).text();
  assertStringIncludes(later, "Nightly export");
  assertEquals(later.includes(key!), false);
});

Deno.test("POST /api-keys with a forged scope re-renders the form with the error inline: 422, nothing stored", async () => {
  const who = await signIn(sql, await genUser(sql, p.tenant.id, { role: "employee" }));
  const res = await app.request(
    "/api-keys",
    form(who.cookie, [["name", "Sneaky"], ["scopes", "users:manage"], ["_csrf", who.cookie["X-CSRF-Token"]]]),
  );
  assertEquals(res.status, 422);
  const page = await res.text();
  assertStringIncludes(page, "is not one of your own permissions");
  assertStringIncludes(page, `value="Sneaky"`);
  assertEquals((await sql`SELECT 1 FROM api_keys WHERE user_id = ${who.user.id}`).length, 0);
});

Deno.test("POST /api-keys/:id/revoke: htmx gets the row back marked revoked; a plain form gets a 303", async () => {
  const who = await signIn(sql, await genUser(sql, p.tenant.id, { role: "employee" }));
  const first = await createKey(app, who.bearer, { name: "first" });
  const res = await app.request(
    `/api-keys/${first.id}/revoke`,
    form(who.cookie, [], { "HX-Request": "true", "HX-Current-URL": "http://localhost/api-keys" }),
  );
  assertEquals(res.status, 200);
  const row = await res.text();
  assert(row.startsWith(`<tr id="api-key-${first.id}"`));
  assertStringIncludes(row, ">revoked<");
  assertEquals(row.includes("Revoke</button>"), false);

  const second = await createKey(app, who.bearer, { name: "second" });
  const plain = await app.request(
    `/api-keys/${second.id}/revoke`,
    form(who.cookie, [["_csrf", who.cookie["X-CSRF-Token"]]]),
  );
  assertEquals(plain.status, 303);
  assertEquals(plain.headers.get("Location"), "/api-keys");
});

Deno.test("an admin sees everyone's keys with their owners; someone else's key id is a 404 for an employee", async () => {
  const bobs = await createKey(app, p.bob.bearer, { name: "bob-ci" });
  const page = await (await app.request("/api-keys?all=true", { headers: p.alice.cookie })).text();
  assertStringIncludes(page, "bob-ci");
  assertStringIncludes(page, p.bob.user.email);
  const res = await app.request(`/api-keys/${bobs.id}/revoke`, form(p.carol.cookie, [], { "HX-Request": "true" }));
  assertEquals(res.status, 404);
  assertEquals((await sql`SELECT revoked_at FROM api_keys WHERE id = ${bobs.id}`)[0].revoked_at, null);
});
