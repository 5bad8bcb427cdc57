import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, genUser, GOOD_PASSWORD, signIn } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);

const page = (path: string, headers: Record<string, string> = p.alice.cookie) =>
  app.request(path, { headers: { Accept: "text/html", ...headers } });

const form = (
  path: string,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = p.alice.cookie,
  htmx = false,
) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return app.request(path, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "text/html",
      ...(htmx ? { "HX-Request": "true" } : {}),
      ...headers,
    },
    body,
  });
};

const uniqueEmail = (tag: string) => `${tag}-${crypto.randomUUID().slice(0, 8)}@example.com`;

Deno.test("GET /users shows the tenant's users, the invite form, and sends strangers away", async (t) => {
  await t.step("admin: the table and the form", async () => {
    const res = await page("/users");
    assertEquals(res.status, 200);
    assertStringIncludes(res.headers.get("Content-Type")!, "text/html");
    const html = await res.text();
    assertStringIncludes(html, p.bob.user.email);
    assertStringIncludes(html, "Invite someone");
    assertStringIncludes(html, `aria-label="Role of Bob"`);
    assertEquals(html.includes(p.dave.user.email), false);
    assertEquals(html.includes(`aria-label="Role of Alice"`), false, "no role picker for oneself");
    // every row links to its user_data editor, one's own too
    assertStringIncludes(html, `href="/users/${p.bob.user.id}/data" class="small" aria-label="Data of Bob"`);
    assertStringIncludes(html, `href="/users/${p.alice.user.id}/data"`);
  });
  await t.step("employee: read-only, no form", async () => {
    const html = await (await page("/users", p.bob.cookie)).text();
    assertStringIncludes(html, p.alice.user.email);
    assertEquals(html.includes("Invite someone"), false);
    assertEquals(html.includes("<select"), false);
  });
  await t.step("client user: 404; signed out: to the login page", async () => {
    assertEquals((await page("/users", p.carol.cookie)).status, 404);
    const out = await page("/users", {});
    assertEquals(out.status, 303);
    assertEquals(out.headers.get("Location"), "/login?next=%2Fusers");
  });
});

Deno.test("POST /users invites and shows the link once; bad input re-renders the form with the field's error", async () => {
  const email = uniqueEmail("page");
  const res = await form("/users", { email, name: "", role: "employee", client_id: "" });
  assertEquals(res.status, 201);
  assertEquals(res.headers.get("Cache-Control"), "no-store");
  const html = await res.text();
  assertMatch(html, /value="http:\/\/localhost\/invitations\/accept\?token=[A-Za-z0-9_-]{43}"/);
  assertStringIncludes(html, `${email} is invited`);
  const again = await (await page("/users")).text();
  assertEquals(again.includes("invitations/accept?token="), false, "shown only once");

  const bad = await form("/users", { email: "nope", role: "employee" });
  assertEquals(bad.status, 422);
  const badHtml = await bad.text();
  assertStringIncludes(badHtml, 'id="email-error"');
  assertStringIncludes(badHtml, 'value="nope"');
  const client = await form("/users", { email: uniqueEmail("c"), role: "client", client_id: "" });
  assertEquals(client.status, 422);
  assertStringIncludes(await client.text(), 'id="client_id-error"');
  const dup = await form("/users", { email: p.bob.user.email, role: "employee" });
  assertEquals(dup.status, 409);
});

Deno.test("POST /users needs the CSRF token", async () => {
  const { Cookie, Origin } = p.alice.cookie;
  const res = await form("/users", { email: uniqueEmail("x"), role: "employee" }, { Cookie, Origin });
  assertEquals(res.status, 403);
});

Deno.test("the role select (htmx) answers with the row; refusals come back in the row", async (t) => {
  const user = await genUser(sql, p.tenant.id, { role: "employee", name: "Zed" });
  const roles = await sql`SELECT id, name FROM roles WHERE tenant_id IS NULL`;
  const id = (name: string) => roles.find((r) => r.name === name)!.id;
  await t.step("to admin", async () => {
    const res = await form(`/users/${user.id}/role`, { role: id("admin") }, p.alice.cookie, true);
    assertEquals(res.status, 200);
    const html = await res.text();
    assert(html.startsWith(`<tr id="user-${user.id}"`), html.slice(0, 80));
    assertMatch(html, new RegExp(`<option value="${id("admin")}" selected`));
    const [row] = await sql`SELECT role_id FROM users WHERE id = ${user.id}`;
    assertEquals(row.role_id, id("admin"));
  });
  await t.step("to client without a client: the row shows the client picker and the error", async () => {
    const res = await form(`/users/${user.id}/role`, { role: id("client") }, p.alice.cookie, true);
    assertEquals(res.status, 200);
    const html = await res.text();
    assertStringIncludes(html, "client_id: is required for the client role");
    assertStringIncludes(html, 'aria-label="Client of Zed"');
    const ok = await form(
      `/users/${user.id}/role`,
      { role: id("client"), client_id: p.clients.acme.id },
      p.alice.cookie,
      true,
    );
    assertStringIncludes(await ok.text(), `<option value="${p.clients.acme.id}" selected`);
  });
  await t.step("without htmx: 303 back to /users", async () => {
    const res = await form(`/users/${user.id}/role`, { role: id("employee") }, p.alice.cookie);
    assertEquals(res.status, 303);
    assertEquals(res.headers.get("Location"), "/users");
  });
  await t.step("another tenant's user: 404", async () => {
    const res = await form(`/users/${p.dave.user.id}/role`, { role: id("employee") }, p.alice.cookie, true);
    assertEquals(res.status, 404);
  });
});

Deno.test("suspend and reactivate buttons (htmx) swap the row; self-suspension is refused in place", async () => {
  const user = await genUser(sql, p.tenant.id, { role: "employee", name: "Yan" });
  const session = await signIn(sql, user);
  const res = await form(`/users/${user.id}/status`, { status: "suspended" }, p.alice.cookie, true);
  assertEquals(res.status, 200);
  const html = await res.text();
  assertStringIncludes(html, ">suspended</span>");
  assertStringIncludes(html, "Reactivate");
  assertEquals((await app.request("/api/v1/me", { headers: session.bearer })).status, 401);
  const back = await (await form(`/users/${user.id}/status`, { status: "active" }, p.alice.cookie, true)).text();
  assertStringIncludes(back, ">active</span>");
  const self = await form(`/users/${p.alice.user.id}/status`, { status: "suspended" }, p.alice.cookie, true);
  assertEquals(self.status, 200);
  assertStringIncludes(await self.text(), "You cannot suspend or deactivate yourself");
});

Deno.test("accepting an invitation in the browser signs in and lands on /", async (t) => {
  const email = uniqueEmail("accept");
  const invite = await app.request("/api/v1/users", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...p.alice.bearer },
    body: JSON.stringify({ email, role: "employee" }),
  });
  const { invite_url } = await invite.json();
  const token = new URL(invite_url).searchParams.get("token")!;
  await t.step("the form names the organisation and the address", async () => {
    const res = await page(`/invitations/accept?token=${token}`, {});
    assertEquals(res.status, 200);
    assertEquals(res.headers.get("Cache-Control"), "no-store");
    const html = await res.text();
    assertStringIncludes(html, "Join Agency");
    assertStringIncludes(html, email);
  });
  await t.step("a weak password: 422 with the error by the field", async () => {
    const res = await form("/invitations/accept", { token, password: "password", name: "" }, {
      Origin: "http://localhost",
    });
    assertEquals(res.status, 422);
    assertStringIncludes(await res.text(), 'id="password-error"');
  });
  await t.step("a good one: 303 to / with a session cookie that works", async () => {
    const res = await form("/invitations/accept", { token, password: GOOD_PASSWORD, name: "Ada" }, {
      Origin: "http://localhost",
    });
    assertEquals(res.status, 303);
    assertEquals(res.headers.get("Location"), "/");
    const cookie = res.headers.get("Set-Cookie")!.split(";")[0];
    const me = await (await app.request("/api/v1/me", { headers: { Cookie: cookie } })).json();
    assertEquals([me.email, me.name], [email, "Ada"]);
  });
  await t.step("the used link and an unknown one explain themselves", async () => {
    const used = await page(`/invitations/accept?token=${token}`, {});
    assertEquals(used.status, 410);
    assertStringIncludes(await used.text(), "already been used");
    assertEquals((await page("/invitations/accept?token=nope", {})).status, 404);
    assertEquals((await page("/invitations/accept", {})).status, 404);
  });
});

Deno.test("GET /roles shows every role's matrix; POST /roles creates; the htmx save answers with the card", async () => {
  const html = await (await page("/roles")).text();
  assertStringIncludes(html, "built-in");
  assertStringIncludes(html, 'value="users:manage"');
  assertEquals((await page("/roles", p.bob.cookie)).status, 404);
  const name = `Ops ${crypto.randomUUID().slice(0, 4)}`;
  const created = await form("/roles", { name, description: "", permissions: ["projects:read", "alerts:read"] });
  assertEquals(created.status, 303);
  const id = new URL(created.headers.get("Location")!, "http://localhost").searchParams.get("open")!;
  const [role] = await sql`SELECT name FROM roles WHERE id = ${id}`;
  assertEquals(role.name, name);
  const saved = await form(
    `/roles/${id}`,
    { name, description: "Night shift", permissions: "alerts:read" },
    p.alice.cookie,
    true,
  );
  assertEquals(saved.status, 200);
  const card = await saved.text();
  assert(card.startsWith(`<article class="role-card" id="role-${id}"`), card.slice(0, 80));
  assertStringIncludes(card, "Saved.");
  assertStringIncludes(card, "Night shift");
  const perms = await sql`SELECT resource || ':' || action AS p FROM permissions WHERE role_id = ${id}`;
  assertEquals(perms.map((r) => r.p), ["alerts:read"]);
  const bad = await form(`/roles/${id}`, { name: "", permissions: "audits:write" }, p.alice.cookie, true);
  assertStringIncludes(await bad.text(), 'id="name-error"');
  const deleted = await form(`/roles/${id}/delete`, {}, p.alice.cookie, true);
  assertEquals([deleted.status, await deleted.text()], [200, ""]);
});

Deno.test("GET /tenants is 404 but for super-admins, who can create a tenant and see its admin's link once", async () => {
  assertEquals((await page("/tenants")).status, 404);
  const root = await signIn(sql, await genUser(sql, p.tenant.id, { role: "admin", superAdmin: true }));
  const list = await (await page("/tenants", root.cookie)).text();
  assertStringIncludes(list, "Other agency");
  const slug = `t-${crypto.randomUUID().slice(0, 6)}`;
  const res = await form("/tenants", { name: "Hooli", slug, admin_email: uniqueEmail("gavin") }, root.cookie);
  assertEquals(res.status, 201);
  const html = await res.text();
  assertStringIncludes(html, "invitations/accept?token=");
  assertStringIncludes(html, `<code>${slug}</code>`);
  const bad = await form("/tenants", { name: "X", slug: "Bad Slug", admin_email: "a@example.com" }, root.cookie);
  assertEquals(bad.status, 422);
  assertStringIncludes(await bad.text(), 'id="slug-error"');
});
