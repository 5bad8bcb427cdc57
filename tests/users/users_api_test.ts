import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, genTenant, genUser, signIn, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { loadConfig } from "../../services/platform/config.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);

const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  app.request(path, jsonRequest(method, body, headers));
const invite = (body: unknown, headers = p.alice.bearer) => send("POST", "/api/v1/users", headers, body);
const patch = (id: string, body: unknown, headers = p.alice.bearer) =>
  send("PATCH", `/api/v1/users/${id}`, headers, body);

const uniqueEmail = (tag: string) => `${tag}-${crypto.randomUUID().slice(0, 8)}@example.com`;

Deno.test("GET /api/v1/users lists the tenant's users by e-mail, with cursor paging and filters", async (t) => {
  await t.step("first page of two, then the rest", async () => {
    const first = await send("GET", "/api/v1/users?limit=2", p.alice.bearer);
    assertEquals(first.status, 200);
    assertEquals(first.headers.get("Content-Type"), "application/json");
    const page1 = await first.json();
    assertEquals(page1.data.length, 2);
    assert(page1.next_cursor);
    const rest = await (await send("GET", `/api/v1/users?limit=200&cursor=${page1.next_cursor}`, p.alice.bearer))
      .json();
    const emails = [...page1.data, ...rest.data].map((u: { email: string }) => u.email);
    assertEquals(emails, [...emails].sort());
    for (const persona of [p.alice, p.bob, p.carol, p.erin]) assert(emails.includes(persona.user.email));
    assertEquals(emails.includes(p.dave.user.email), false, "no other tenant's users");
    assertEquals(rest.next_cursor, null);
  });
  await t.step("?role=client&client_id= narrows to Carol", async () => {
    const res = await send("GET", `/api/v1/users?role=client&client_id=${p.clients.acme.id}`, p.alice.bearer);
    const body = await res.json();
    assertEquals(body.data.map((u: { email: string }) => u.email), [p.carol.user.email]);
    assertEquals(body.data[0].role, "client");
    assertEquals(body.data[0].client_id, p.clients.acme.id);
  });
  await t.step("?status=invited is empty at first; an unknown role is a 422 naming role", async () => {
    const res = await send("GET", "/api/v1/users?status=suspended", p.bob.bearer);
    assertEquals(res.status, 200);
    assertEquals((await res.json()).data.length, 0);
    const bad = await problem(await send("GET", "/api/v1/users?role=wizard", p.alice.bearer), 422);
    assertEquals(bad.errors[0].path, "role");
  });
  await t.step("a forged cursor is a 400", async () => {
    const forged = btoa(JSON.stringify(["a@example.com", "not-a-uuid"]));
    await problem(await send("GET", `/api/v1/users?cursor=${forged}`, p.alice.bearer), 400);
  });
});

Deno.test("GET /api/v1/users/{id} answers 404 for another tenant's user and for client users", async () => {
  const ok = await send("GET", `/api/v1/users/${p.bob.user.id}`, p.alice.bearer);
  assertEquals(ok.status, 200);
  const bob = await ok.json();
  assertEquals(bob.email, p.bob.user.email);
  assertEquals(bob.role, "employee");
  assertMatch(bob.created_at, /^\d{4}-\d\d-\d\dT.*Z$/);
  assertEquals("password_hash" in bob, false);
  await problem(await send("GET", `/api/v1/users/${p.dave.user.id}`, p.alice.bearer), 404);
  await problem(await send("GET", `/api/v1/users/${p.bob.user.id}`, p.carol.bearer), 404);
  await problem(await send("GET", "/api/v1/users", p.carol.bearer), 404);
  await problem(await send("GET", "/api/v1/users", {}), 401);
});

Deno.test("POST /api/v1/users invites: 201 with a one-time link, an invited user, a hashed token and one audit row", async () => {
  const email = uniqueEmail("grace");
  const res = await invite({ email: email.toUpperCase(), name: "Grace", role: "employee" });
  assertEquals(res.status, 201);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const body = await res.json();
  assertEquals(body.status, "invited");
  assertEquals(body.email_sent, false);
  assertMatch(body.invite_url, /^http:\/\/localhost\/invitations\/accept\?token=[A-Za-z0-9_-]{43}$/);
  const [user] = await sql`SELECT email, status, password_hash FROM users WHERE id = ${body.id}`;
  assertEquals(user.email, email);
  assertEquals(user.status, "invited");
  assertEquals(user.password_hash, null);
  const token = new URL(body.invite_url).searchParams.get("token")!;
  const [inv] = await sql`SELECT token_hash, expires_at FROM invitations WHERE user_id = ${body.id}`;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
  assertEquals(new Uint8Array(inv.token_hash), digest, "only the SHA-256 is stored");
  const days = (inv.expires_at.getTime() - Date.now()) / 86_400_000;
  assert(days > 6.9 && days <= 7, `expires in 7 days, got ${days}`);
  const audits = await sql`SELECT action, actor_user_id, details FROM audits WHERE resource_id = ${body.id}`;
  assertEquals(audits.length, 1);
  assertEquals(audits[0].action, "user.invite");
  assertEquals(audits[0].actor_user_id, p.alice.user.id);
  assertEquals(audits[0].details.after.role, "employee");
  assertEquals(JSON.stringify(audits[0].details).includes(token), false);
});

Deno.test("POST /api/v1/users builds the link on OPSDECK_BASE_URL when it is set", async () => {
  const config = loadConfig({ OPSDECK_SECRET: TEST_SECRET, OPSDECK_BASE_URL: "https://ops.example.com/" });
  const based = await createTestApp({ config });
  try {
    const tenant = await genTenant(based.db.sql);
    const admin = await signIn(based.db.sql, await genUser(based.db.sql, tenant.id, { role: "admin" }));
    const res = await based.app.request("/api/v1/users", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...admin.bearer },
      body: JSON.stringify({ email: uniqueEmail("based"), role: "employee" }),
    });
    assertEquals(res.status, 201);
    assertMatch((await res.json()).invite_url, /^https:\/\/ops\.example\.com\/invitations\/accept\?token=/);
  } finally {
    await based.db.sql.end();
  }
});

Deno.test("POST /api/v1/users refuses bad input with 422 naming the field, and stores nothing", async (t) => {
  const before = (await sql`SELECT count(*)::int AS n FROM users`)[0].n;
  const cases: [string, unknown, string][] = [
    ["missing e-mail", { role: "employee" }, "email"],
    ["missing role", { email: uniqueEmail("x") }, "role"],
    ["not an e-mail", { email: "not-an-email", role: "employee" }, "email"],
    ["too-long e-mail", { email: `${"a".repeat(320)}@example.com`, role: "employee" }, "email"],
    ["too-long name", { email: uniqueEmail("x"), name: "n".repeat(201), role: "employee" }, "name"],
    ["unknown role", { email: uniqueEmail("x"), role: "wizard" }, "role"],
    ["client role without client_id", { email: uniqueEmail("x"), role: "client" }, "client_id"],
    ["client_id on an employee", {
      email: uniqueEmail("x"),
      role: "employee",
      client_id: p.clients.acme.id,
    }, "client_id"],
    ["another tenant's client", {
      email: uniqueEmail("x"),
      role: "client",
      client_id: p.clients.otherClient.id,
    }, "client_id"],
    ["client_id not a UUID", { email: uniqueEmail("x"), role: "client", client_id: "acme" }, "client_id"],
  ];
  for (const [name, body, path] of cases) {
    await t.step(name, async () => {
      const res = await problem(await invite(body), 422);
      assertEquals(res.errors[0].path, path, JSON.stringify(res));
    });
  }
  await t.step("fields a caller must not set are refused", async () => {
    for (
      const extra of [{ tenant_id: p.other.id }, { super_admin: true }, { status: "active" }, {
        id: crypto.randomUUID(),
      }]
    ) {
      const res = await problem(await invite({ email: uniqueEmail("x"), role: "employee", ...extra }), 422);
      assertStringIncludes(res.detail, Object.keys(extra)[0]);
    }
  });
  assertEquals((await sql`SELECT count(*)::int AS n FROM users`)[0].n, before);
});

Deno.test("POST /api/v1/users: a duplicate e-mail is 409, in this tenant or any other", async () => {
  for (const email of [p.bob.user.email, p.dave.user.email.toUpperCase()]) {
    const res = await problem(await invite({ email, role: "employee" }), 409);
    assertEquals(res.errors[0].path, "email");
  }
});

Deno.test("POST /api/v1/users: only users:manage may invite, and nobody grants more than they hold", async () => {
  assertEquals((await invite({ email: uniqueEmail("x"), role: "employee" }, p.bob.bearer)).status, 403);
  assertEquals((await invite({ email: uniqueEmail("x"), role: "employee" }, p.carol.bearer)).status, 404);
  // A delegated user manager: a custom role with users:read/manage but not the admin's permissions.
  const [role] = await sql`INSERT INTO roles (tenant_id, name) VALUES (${p.tenant.id}, 'People lead') RETURNING id`;
  await sql`INSERT INTO permissions (role_id, resource, action)
    VALUES (${role.id}, 'users', 'read'), (${role.id}, 'users', 'manage'), (${role.id}, 'projects', 'read')`;
  const lead = await genUser(sql, p.tenant.id, { role: "employee" });
  await sql`UPDATE users SET role_id = ${role.id} WHERE id = ${lead.id}`;
  const leadSession = await signIn(sql, lead);
  const res = await problem(await invite({ email: uniqueEmail("x"), role: "admin" }, leadSession.bearer), 403);
  assertStringIncludes(res.detail, "permissions you do not hold");
  const ok = await invite({ email: uniqueEmail("x"), role: "People lead" }, leadSession.bearer);
  assertEquals(ok.status, 201, "a role within one's own permissions is fine, by name");
  const byId = await invite({ email: uniqueEmail("x"), role: role.id }, p.alice.bearer);
  assertEquals(byId.status, 201, "custom roles by id too");
  const demote = await problem(await patch(p.bob.user.id, { status: "suspended" }, leadSession.bearer), 403);
  assertStringIncludes(demote.detail, "permissions you do not hold");
});

Deno.test("PATCH /api/v1/users/{id} changes the role: sessions end on the very next request, one audit row", async () => {
  const user = await genUser(sql, p.tenant.id, { role: "employee" });
  const session = await signIn(sql, user);
  assertEquals((await send("GET", "/api/v1/me", session.bearer)).status, 200);
  const res = await patch(user.id, { role: "admin" });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const body = await res.json();
  assertEquals(body.role, "admin");
  assertEquals((await send("GET", "/api/v1/me", session.bearer)).status, 401);
  const audits = await sql`SELECT action, details FROM audits WHERE resource_id = ${user.id} AND action LIKE 'user.%'`;
  assertEquals(audits.length, 1);
  assertEquals(audits[0].action, "user.role_change");
  assertEquals(audits[0].details.before.role, "employee");
  assertEquals(audits[0].details.after.role, "admin");
  assertEquals(audits[0].details.sessions_revoked, 1);
});

Deno.test("PATCH /api/v1/users/{id} suspends: the very next request with a session or an API key is 401; reactivating works", async () => {
  const user = await genUser(sql, p.tenant.id, { role: "employee" });
  const session = await signIn(sql, user);
  const keyToken = `odk_${crypto.randomUUID().replaceAll("-", "")}`;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(keyToken)));
  await sql`INSERT INTO api_keys (tenant_id, user_id, name, prefix, token_hash)
    VALUES (${p.tenant.id}, ${user.id}, 'ci', ${keyToken.slice(0, 8)}, ${digest})`;
  const key = { Authorization: `Bearer ${keyToken}` };
  assertEquals((await send("GET", "/api/v1/me", key)).status, 200);
  const res = await patch(user.id, { status: "suspended" });
  assertEquals(res.status, 200);
  assertEquals((await res.json()).status, "suspended");
  assertEquals((await send("GET", "/api/v1/me", session.bearer)).status, 401);
  assertEquals((await send("GET", "/api/v1/me", key)).status, 401);
  const [audit] = await sql`SELECT action FROM audits WHERE resource_id = ${user.id} ORDER BY seq DESC LIMIT 1`;
  assertEquals(audit.action, "user.suspend");
  const back = await patch(user.id, { status: "active" });
  assertEquals((await back.json()).status, "active");
  assertEquals((await send("GET", "/api/v1/me", key)).status, 200, "keys work again; sessions stay ended");
  assertEquals((await send("GET", "/api/v1/me", session.bearer)).status, 401);
});

Deno.test("PATCH /api/v1/users/{id}: nobody changes their own role, client or status", async () => {
  const demote = await problem(await patch(p.alice.user.id, { role: "employee" }), 403);
  assertStringIncludes(demote.detail, "your own role");
  const suspend = await problem(await patch(p.alice.user.id, { status: "suspended" }), 403);
  assertStringIncludes(suspend.detail, "yourself");
  const rename = await patch(p.alice.user.id, { name: "Alice A." });
  assertEquals(rename.status, 200, "renaming oneself is fine");
  assertEquals((await send("GET", "/api/v1/me", p.alice.bearer)).status, 200, "and keeps the session");
  const [me] = await sql`SELECT role_id, status FROM users WHERE id = ${p.alice.user.id}`;
  assertEquals(me.status, "active");
});

Deno.test("PATCH /api/v1/users/{id}: client rules, bad input, unknown ids", async (t) => {
  const user = await genUser(sql, p.tenant.id, { role: "employee" });
  await t.step("to client without client_id: 422", async () => {
    assertEquals((await problem(await patch(user.id, { role: "client" }), 422)).errors[0].path, "client_id");
  });
  await t.step("to client of another tenant's client: 422, nothing changed", async () => {
    const res = await problem(await patch(user.id, { role: "client", client_id: p.clients.otherClient.id }), 422);
    assertEquals(res.errors[0].path, "client_id");
    const [row] = await sql`SELECT client_id FROM users WHERE id = ${user.id}`;
    assertEquals(row.client_id, null);
  });
  await t.step("to client of Acme, then back to employee drops the client", async () => {
    const res = await patch(user.id, { role: "client", client_id: p.clients.acme.id });
    assertEquals((await res.json()).client_id, p.clients.acme.id);
    const back = await (await patch(user.id, { role: "employee" })).json();
    assertEquals([back.role, back.client_id], ["employee", null]);
  });
  await t.step("unknown keys, bad status, too-long name: 422", async () => {
    assertEquals((await problem(await patch(user.id, { status: "invited" }), 422)).errors[0].path, "status");
    assertEquals((await problem(await patch(user.id, { name: "x".repeat(201) }), 422)).errors[0].path, "name");
    await problem(await patch(user.id, { password_hash: "x" }), 422);
    await problem(await patch(user.id, { super_admin: true }), 422);
  });
  await t.step("another tenant's user and a made-up id: 404", async () => {
    await problem(await patch(p.dave.user.id, { name: "Mallory" }), 404);
    await problem(await patch(crypto.randomUUID(), { name: "Mallory" }), 404);
  });
  await t.step("an invited user cannot be set active: 409", async () => {
    const invited = await (await invite({ email: uniqueEmail("pending"), role: "employee" })).json();
    const res = await problem(await patch(invited.id, { status: "active" }), 409);
    assertStringIncludes(res.detail, "has not accepted the invitation yet");
  });
  await t.step("reactivating someone who never accepted makes them invited again, ready for a new link", async () => {
    const invited = await (await invite({ email: uniqueEmail("withdrawn"), role: "employee" })).json();
    assertEquals((await (await patch(invited.id, { status: "suspended" })).json()).status, "suspended");
    assertEquals((await (await patch(invited.id, { status: "active" })).json()).status, "invited");
    const resend = await send("POST", `/api/v1/users/${invited.id}/invitation`, p.alice.bearer);
    assertEquals(resend.status, 201);
  });
  await t.step("a tenant admin cannot touch a super-admin", async () => {
    const root = await genUser(sql, p.tenant.id, { role: "admin", superAdmin: true });
    await problem(await patch(root.id, { status: "suspended" }), 403);
  });
  await t.step("an empty patch changes nothing and writes no audit row", async () => {
    const count = async () => (await sql`SELECT count(*)::int AS n FROM audits WHERE resource_id = ${user.id}`)[0].n;
    const n = await count();
    assertEquals((await patch(user.id, {})).status, 200);
    assertEquals(await count(), n);
  });
});

Deno.test("POST /api/v1/users/{id}/invitation issues a new link and withdraws the old one", async () => {
  const first = await (await invite({ email: uniqueEmail("again"), role: "employee" })).json();
  const res = await send("POST", `/api/v1/users/${first.id}/invitation`, p.alice.bearer);
  assertEquals(res.status, 201);
  const second = await res.json();
  assert(second.invite_url !== first.invite_url);
  const token = (url: string) => new URL(url).searchParams.get("token");
  const accept = (url: string) => send("POST", "/api/v1/invitations/accept", {}, { token: token(url), password: "x" });
  assertEquals((await accept(first.invite_url)).status, 410);
  assertEquals((await problem(await accept(second.invite_url), 422)).errors[0].path, "password");
  await problem(await send("POST", `/api/v1/users/${p.bob.user.id}/invitation`, p.alice.bearer), 409);
  await problem(await send("POST", `/api/v1/users/${p.dave.user.id}/invitation`, p.alice.bearer), 404);
});
