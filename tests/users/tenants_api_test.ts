import { assert, assertEquals, assertMatch } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, genUser, GOOD_PASSWORD, signIn } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const root = await signIn(sql, await genUser(sql, p.tenant.id, { role: "admin", superAdmin: true }));

const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  app.request(path, jsonRequest(method, body, headers));

const slug = () => `t-${crypto.randomUUID().slice(0, 8)}`;

Deno.test("/api/v1/tenants is 404 for everyone but super-admins, tenant admins included", async () => {
  for (const who of [p.alice, p.bob, p.carol, p.dave]) {
    await problem(await send("GET", "/api/v1/tenants", who.bearer), 404);
    await problem(
      await send("POST", "/api/v1/tenants", who.bearer, { name: "X", slug: slug(), admin_email: "x@example.com" }),
      404,
    );
  }
  await problem(await send("GET", "/api/v1/tenants", {}), 401);
});

Deno.test("GET /api/v1/tenants lists every tenant with its user count", async () => {
  const res = await send("GET", "/api/v1/tenants?limit=1", root.bearer);
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const first = await res.json();
  assertEquals(first.data.length, 1);
  const rest = await (await send("GET", `/api/v1/tenants?cursor=${first.next_cursor}`, root.bearer)).json();
  const all = [...first.data, ...rest.data];
  assertEquals(all.map((t: { name: string }) => t.name), ["Agency", "Other agency"]);
  assertEquals(all[0].user_count, 5);
});

Deno.test("POST /api/v1/tenants creates the tenant and an invited admin who can accept and sign in", async () => {
  const s = slug();
  const res = await send("POST", "/api/v1/tenants", root.bearer, {
    name: "Globex",
    slug: s,
    admin_email: `Hank-${s}@Globex.example`,
  });
  assertEquals(res.status, 201);
  const body = await res.json();
  assertMatch(body.invite_url, /^http:\/\/localhost\/invitations\/accept\?token=/);
  const [admin] = await sql`SELECT u.email, u.status, u.tenant_id, r.name AS role FROM users u
    JOIN roles r ON r.id = u.role_id WHERE u.id = ${body.admin_id}`;
  assertEquals([admin.email, admin.status, admin.tenant_id, admin.role], [
    `hank-${s}@globex.example`,
    "invited",
    body.id,
    "admin",
  ]);
  const audits = await sql`SELECT action, actor_user_id FROM audits WHERE tenant_id = ${body.id} ORDER BY seq`;
  // The new organisation's two default alert rules (issue 12) are audited in the same transaction.
  assertEquals(audits.map((a) => a.action), ["tenant.create", "alert_rule.create", "alert_rule.create"]);
  assertEquals(audits[0].actor_user_id, root.user.id);
  const token = new URL(body.invite_url).searchParams.get("token");
  const accepted = await send("POST", "/api/v1/invitations/accept", {}, { token, password: GOOD_PASSWORD });
  assertEquals(accepted.status, 200);
  const login = await send("POST", "/api/v1/sessions", {}, { email: admin.email, password: GOOD_PASSWORD });
  const { token: session } = await login.json();
  const me = await (await send("GET", "/api/v1/me", { Authorization: `Bearer ${session}` })).json();
  assertEquals([me.tenant_id, me.role, me.super_admin], [body.id, "admin", false]);
});

Deno.test("POST /api/v1/tenants: bad input is 422 and a taken slug or e-mail is 409, nothing stored", async (t) => {
  const count = async () => (await sql`SELECT count(*)::int AS n FROM tenants`)[0].n;
  const before = await count();
  for (
    const [label, body, path] of [
      ["missing name", { slug: slug(), admin_email: "a@example.com" }, "name"],
      ["bad slug", { name: "X", slug: "Not A Slug", admin_email: "a@example.com" }, "slug"],
      ["too-long name", { name: "n".repeat(201), slug: slug(), admin_email: "a@example.com" }, "name"],
      ["bad e-mail", { name: "X", slug: slug(), admin_email: "nope" }, "admin_email"],
    ] as const
  ) {
    await t.step(label, async () => {
      assertEquals((await problem(await send("POST", "/api/v1/tenants", root.bearer, body), 422)).errors[0].path, path);
    });
  }
  await t.step("taken slug and e-mail", async () => {
    const taken = await problem(
      await send("POST", "/api/v1/tenants", root.bearer, {
        name: "X",
        slug: p.tenant.slug,
        admin_email: "n@example.com",
      }),
      409,
    );
    assertEquals(taken.errors[0].path, "slug");
    const email = await problem(
      await send("POST", "/api/v1/tenants", root.bearer, { name: "X", slug: slug(), admin_email: p.bob.user.email }),
      409,
    );
    assertEquals(email.errors[0].path, "admin_email");
  });
  assert((await count()) === before);
});
