import { assert, assertEquals, assertMatch, assertNotEquals } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { bearer, createKey } from "../helpers/api_keys.ts";
import { jsonRequest } from "../helpers/http.ts";
import { genPersonas, genUser, signIn } from "../helpers/fixtures.ts";
import { sha256 } from "../../services/auth/tokens.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);

const keyCount = async () => (await sql`SELECT count(*)::int AS n FROM api_keys`)[0].n as number;

Deno.test("POST /api/v1/api-keys returns an odk_ key once and stores only its SHA-256 and a short prefix", async () => {
  const res = await app.request(
    "/api/v1/api-keys",
    jsonRequest("POST", { name: "CI deploy", scopes: ["deployments:write"] }, p.alice.bearer),
  );
  assertEquals(res.status, 201);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  assertEquals(res.headers.get("Cache-Control"), "no-store");
  const body = await res.json();
  assertMatch(body.key, /^odk_[A-Za-z0-9_-]{43}$/);
  assertEquals(body.prefix, body.key.slice(0, 12));
  assertEquals(body.scopes, ["deployments:write"]);
  assertEquals(body.status, "active");

  const [row] = await sql`SELECT token_hash, prefix, to_jsonb(api_keys)::text AS everything FROM api_keys
    WHERE id = ${body.id}`;
  assertEquals(new Uint8Array(row.token_hash), await sha256(body.key));
  assertEquals(row.everything.includes(body.key.slice(12)), false, "no column holds the secret");

  const [audit] = await sql`SELECT actor_user_id, details::text AS details FROM audits
    WHERE action = 'api_key.create' AND resource_id = ${body.id}`;
  assertEquals(audit.actor_user_id, p.alice.user.id);
  assertEquals(audit.details.includes(body.key.slice(12)), false, "the audit row does not hold the secret");

  const list = await (await app.request("/api/v1/api-keys", { headers: p.alice.bearer })).json();
  const listed = list.data.find((k: { id: string }) => k.id === body.id);
  assertEquals(listed.name, "CI deploy");
  assertEquals("key" in listed, false);
});

Deno.test("a new key authenticates as its owner, narrowed to its scopes, and records last_used_at", async () => {
  const { id, key } = await createKey(app, p.bob.bearer, { scopes: ["deployments:read", "deployments:write"] });
  const res = await app.request("/api/v1/me", { headers: bearer(key) });
  assertEquals(res.status, 200);
  const me = await res.json();
  assertEquals(me.id, p.bob.user.id);
  assertEquals(me.authenticated_with, "api_key");
  assertEquals(me.permissions, ["deployments:read", "deployments:write"]);
  const [row] = await sql`SELECT last_used_at FROM api_keys WHERE id = ${id}`;
  assertNotEquals(row.last_used_at, null);
});

Deno.test("scopes must be the creator's own permissions: 422 naming scopes.N, nothing stored", async (t) => {
  const before = await keyCount();
  await t.step("a permission the employee lacks", async () => {
    const res = await app.request(
      "/api/v1/api-keys",
      jsonRequest("POST", { name: "x", scopes: ["deployments:read", "users:manage"] }, p.bob.bearer),
    );
    assertEquals(res.status, 422);
    assertEquals(res.headers.get("Content-Type"), "application/problem+json");
    const problem = await res.json();
    assertEquals(problem.errors.map((e: { path: string }) => e.path), ["scopes.1"]);
  });
  await t.step("a scope that is not resource:action", async () => {
    const res = await app.request(
      "/api/v1/api-keys",
      jsonRequest("POST", { name: "x", scopes: ["bogus:read"] }, p.alice.bearer),
    );
    assertEquals(res.status, 422);
    assertEquals((await res.json()).errors[0].path, "scopes.0");
  });
  assertEquals(await keyCount(), before);
});

Deno.test("bad bodies are 422s naming the field: empty name, past or malformed expiry, fields callers may not set", async (t) => {
  const before = await keyCount();
  const cases: [string, Record<string, unknown>, string][] = [
    ["empty name", { name: "  " }, "name"],
    ["expiry in the past", { name: "x", expires_at: "2020-01-01T00:00:00Z" }, "expires_at"],
    ["expiry not a time", { name: "x", expires_at: "tomorrow" }, "expires_at"],
    ["user_id", { name: "x", user_id: p.alice.user.id }, ""],
    ["tenant_id", { name: "x", tenant_id: p.other.id }, ""],
    ["key", { name: "x", key: "odk_chosen-by-the-caller-000000000000000" }, ""],
  ];
  for (const [label, body, path] of cases) {
    await t.step(label, async () => {
      const res = await app.request("/api/v1/api-keys", jsonRequest("POST", body, p.bob.bearer));
      assertEquals(res.status, 422);
      assertEquals((await res.json()).errors[0].path, path);
    });
  }
  assertEquals(await keyCount(), before);
});

Deno.test("an expired key, a revoked key and a suspended owner's key are 401", async (t) => {
  await t.step("expired", async () => {
    const soon = new Date(Date.now() + 60_000).toISOString();
    const { id, key } = await createKey(app, p.bob.bearer, { expires_at: soon });
    assertEquals((await app.request("/api/v1/me", { headers: bearer(key) })).status, 200);
    await sql`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = ${id}`;
    const res = await app.request("/api/v1/me", { headers: bearer(key) });
    assertEquals(res.status, 401);
    assertEquals(res.headers.get("Content-Type"), "application/problem+json");
  });
  await t.step("revoked through the API, effective on the next request", async () => {
    const { id, key } = await createKey(app, p.bob.bearer);
    const res = await app.request(`/api/v1/api-keys/${id}`, { method: "DELETE", headers: p.bob.bearer });
    assertEquals(res.status, 204);
    assertEquals((await app.request("/api/v1/me", { headers: bearer(key) })).status, 401);
    const audits = await sql`SELECT details FROM audits WHERE action = 'api_key.revoke' AND resource_id = ${id}`;
    assertEquals(audits.length, 1);
    assertEquals(audits[0].details.before.revoked_at, null);
  });
  await t.step("suspended owner", async () => {
    const user = await genUser(sql, p.tenant.id, { role: "employee" });
    const { key } = await createKey(app, (await signIn(sql, user)).bearer);
    assertEquals((await app.request("/api/v1/me", { headers: bearer(key) })).status, 200);
    await sql`UPDATE users SET status = 'suspended' WHERE id = ${user.id}`;
    assertEquals((await app.request("/api/v1/me", { headers: bearer(key) })).status, 401);
  });
});

Deno.test("a key scoped to deployments:write cannot read users (or anything else its admin owner can): 404", async () => {
  const { key } = await createKey(app, p.alice.bearer, { scopes: ["deployments:write"] });
  const paths = ["/api/v1/users", `/api/v1/users/${p.bob.user.id}`, "/api/v1/audits", "/api/v1/api-keys"];
  for (const path of paths) {
    const res = await app.request(path, { headers: p.alice.bearer });
    assertEquals(res.status, 200, `the owner herself may read ${path}`);
    await res.body?.cancel();
  }
  for (const path of paths) {
    const res = await app.request(path, { headers: bearer(key) });
    assertEquals(res.status, 404, path);
    assertEquals(res.headers.get("Content-Type"), "application/problem+json");
  }
  const minted = await app.request("/api/v1/api-keys", jsonRequest("POST", { name: "x" }, bearer(key)));
  assertEquals(minted.status, 404, "minting keys needs api_keys:write in the calling key's scopes");
});

Deno.test("a key cannot create a key with more scopes than it has", async (t) => {
  const parent = await createKey(app, p.alice.bearer, { scopes: ["api_keys:write", "deployments:write"] });
  await t.step("a scope outside the calling key's: 422 scopes.0", async () => {
    const res = await app.request(
      "/api/v1/api-keys",
      jsonRequest("POST", { name: "wider", scopes: ["users:read"] }, bearer(parent.key)),
    );
    assertEquals(res.status, 422);
    assertEquals((await res.json()).errors[0].path, "scopes.0");
  });
  await t.step("a subset is fine", async () => {
    const child = await createKey(app, bearer(parent.key), { scopes: ["deployments:write"] });
    assertEquals(child.scopes, ["deployments:write"]);
  });
  await t.step("no scopes means the calling key's scopes, written down, not the owner's full set", async () => {
    const child = await createKey(app, bearer(parent.key));
    assertEquals(child.scopes, ["api_keys:write", "deployments:write"]);
    const me = await (await app.request("/api/v1/me", { headers: bearer(child.key) })).json();
    assertEquals(me.permissions, ["api_keys:write", "deployments:write"]);
  });
});

Deno.test("GET /api/v1/api-keys lists your own keys; everyone's and another user's need api_keys:manage", async (t) => {
  const bobs = await createKey(app, p.bob.bearer, { name: "bob's" });
  const alices = await createKey(app, p.alice.bearer, { name: "alice's" });
  await t.step("own keys only by default", async () => {
    const res = await app.request("/api/v1/api-keys", { headers: p.bob.bearer });
    assertEquals(res.status, 200);
    const ids = (await res.json()).data.map((k: { id: string }) => k.id);
    assert(ids.includes(bobs.id));
    assertEquals(ids.includes(alices.id), false);
  });
  await t.step("an employee asking for everyone's: 403", async () => {
    for (const query of ["all=true", `user_id=${p.alice.user.id}`]) {
      const res = await app.request(`/api/v1/api-keys?${query}`, { headers: p.bob.bearer });
      assertEquals(res.status, 403, query);
    }
  });
  await t.step("an admin sees everyone's, or one user's", async () => {
    const all = await (await app.request("/api/v1/api-keys?all=true&limit=200", { headers: p.alice.bearer })).json();
    const ids = all.data.map((k: { id: string }) => k.id);
    assert(ids.includes(bobs.id) && ids.includes(alices.id));
    const one = await (await app.request(`/api/v1/api-keys?user_id=${p.bob.user.id}`, { headers: p.alice.bearer }))
      .json();
    assert(one.data.every((k: { user_id: string }) => k.user_id === p.bob.user.id));
  });
  await t.step("another tenant's admin sees none of them", async () => {
    const all = await (await app.request("/api/v1/api-keys?all=true", { headers: p.dave.bearer })).json();
    assertEquals(all.data.filter((k: { id: string }) => k.id === bobs.id || k.id === alices.id), []);
  });
  await t.step("pages follow next_cursor without repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const res: Response = await app.request(`/api/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        headers: p.bob.bearer,
      });
      const page: { data: { id: string }[]; next_cursor: string | null } = await res.json();
      seen.push(...page.data.map((k) => k.id));
      cursor = page.next_cursor;
    }
    const [{ n }] = await sql`SELECT count(*)::int AS n FROM api_keys WHERE user_id = ${p.bob.user.id}`;
    assertEquals(seen.length, n);
    assertEquals(new Set(seen).size, n);
  });
  await t.step("a forged cursor is a 400", async () => {
    const res = await app.request("/api/v1/api-keys?cursor=WyJub3QtYS11dWlkIl0", { headers: p.bob.bearer });
    assertEquals(res.status, 400);
  });
});

Deno.test("DELETE /api/v1/api-keys/{id}: another user's key is 404 unless you manage keys; another tenant's is 404", async () => {
  const alices = await createKey(app, p.alice.bearer);
  const bobs = await createKey(app, p.bob.bearer);
  const del = (id: string, headers: Record<string, string>) =>
    app.request(`/api/v1/api-keys/${id}`, { method: "DELETE", headers });
  assertEquals((await del(alices.id, p.bob.bearer)).status, 404);
  assertEquals((await del(alices.id, p.dave.bearer)).status, 404);
  assertEquals((await app.request("/api/v1/me", { headers: bearer(alices.key) })).status, 200);
  assertEquals((await del(bobs.id, p.alice.bearer)).status, 204, "an admin revokes a leaked key of a colleague");
  assertEquals((await app.request("/api/v1/me", { headers: bearer(bobs.key) })).status, 401);
  assertEquals((await del(bobs.id, p.alice.bearer)).status, 204, "revoking twice changes nothing");
  const audits = await sql`SELECT 1 FROM audits WHERE action = 'api_key.revoke' AND resource_id = ${bobs.id}`;
  assertEquals(audits.length, 1);
});

Deno.test("every user may keep keys of their own, whatever the role; without a principal it is 401", async () => {
  const carols = await createKey(app, p.carol.bearer, { scopes: ["projects:read"] });
  const me = await (await app.request("/api/v1/me", { headers: bearer(carols.key) })).json();
  assertEquals(me.client_id, p.clients.acme.id, "a client user's key stays tied to their client");
  const anonymous = await app.request("/api/v1/api-keys", jsonRequest("POST", { bogus: true }));
  assertEquals(anonymous.status, 401, "before the body is judged");
});
