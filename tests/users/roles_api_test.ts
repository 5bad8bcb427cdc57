import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, genUser, signIn } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);

const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = p.alice.bearer) =>
  app.request(path, jsonRequest(method, body, headers));

const roleName = (tag: string) => `${tag} ${crypto.randomUUID().slice(0, 6)}`;

async function created(body: Record<string, unknown>, headers = p.alice.bearer) {
  const res = await send("POST", "/api/v1/roles", body, headers);
  assertEquals(res.status, 201, JSON.stringify(await res.clone().json()));
  return await res.json();
}

Deno.test("GET /api/v1/roles lists built-in roles first with their permissions, then custom ones", async () => {
  const mine = await created({ name: roleName("Auditor"), permissions: ["audits:read"] });
  await send("POST", "/api/v1/roles", { name: "Theirs", permissions: [] }, p.dave.bearer);
  const res = await send("GET", "/api/v1/roles?limit=200");
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const { data, next_cursor } = await res.json();
  assertEquals(data.slice(0, 3).map((r: { name: string }) => r.name), ["admin", "client", "employee"]);
  assertEquals(data[0].builtin, true);
  assert(data[0].permissions.includes("users:manage"));
  assertEquals(data.find((r: { name: string }) => r.name === "client").permissions.includes("users:read"), false);
  assertEquals(data.some((r: { id: string }) => r.id === mine.id), true);
  assertEquals(data.some((r: { name: string }) => r.name === "Theirs"), false, "not another tenant's");
  assertEquals(next_cursor, null);
  const admin = data.find((r: { name: string }) => r.name === "admin");
  assertEquals(admin.user_count, 1, "Alice");
});

Deno.test("GET /api/v1/roles pages with a cursor", async () => {
  const first = await (await send("GET", "/api/v1/roles?limit=2")).json();
  assertEquals(first.data.length, 2);
  const second = await (await send("GET", `/api/v1/roles?limit=2&cursor=${first.next_cursor}`)).json();
  assertEquals(second.data[0].name, "employee");
});

Deno.test("GET /api/v1/roles needs roles:read: employees and clients get 404", async () => {
  await problem(await send("GET", "/api/v1/roles", undefined, p.bob.bearer), 404);
  await problem(await send("GET", "/api/v1/roles", undefined, p.carol.bearer), 404);
  await problem(await send("GET", "/api/v1/roles", undefined, {}), 401);
});

Deno.test("POST /api/v1/roles creates a custom role with one audit row; GET /{id} reads it", async () => {
  const name = roleName("Release manager");
  const role = await created({
    name,
    description: "Ships releases",
    permissions: ["deployments:write", "deployments:read", "projects:read", "deployments:read"],
  });
  assertEquals(role.permissions, ["deployments:read", "deployments:write", "projects:read"]);
  assertEquals([role.builtin, role.user_count, role.description], [false, 0, "Ships releases"]);
  const got = await send("GET", `/api/v1/roles/${role.id}`);
  assertEquals((await got.json()).name, name);
  const audits = await sql`SELECT action, details FROM audits WHERE resource_id = ${role.id}`;
  assertEquals(audits.length, 1);
  assertEquals(audits[0].action, "role.create");
  assertEquals(audits[0].details.after.permissions.length, 3);
});

Deno.test("POST /api/v1/roles refuses bad input with 422 naming the field", async (t) => {
  const cases: [string, unknown, string][] = [
    ["missing name", { permissions: [] }, "name"],
    ["missing permissions", { name: roleName("x") }, "permissions"],
    ["too-long name", { name: "r".repeat(65), permissions: [] }, "name"],
    ["too-long description", { name: roleName("x"), description: "d".repeat(501), permissions: [] }, "description"],
    ["a built-in name", { name: "Admin", permissions: [] }, "name"],
    ["unknown resource", { name: roleName("x"), permissions: ["projects:read", "rockets:read"] }, "permissions.1"],
    ["unknown action", { name: roleName("x"), permissions: ["projects:launch"] }, "permissions.0"],
    ["manage on projects", { name: roleName("x"), permissions: ["projects:manage"] }, "permissions.0"],
    ["writing audits", { name: roleName("x"), permissions: ["audits:write"] }, "permissions.0"],
    ["not a string", { name: roleName("x"), permissions: [42] }, "permissions.0"],
  ];
  for (const [label, body, path] of cases) {
    await t.step(label, async () => {
      const res = await problem(await send("POST", "/api/v1/roles", body), 422);
      assertEquals(res.errors[0].path, path, JSON.stringify(res));
    });
  }
  await t.step("tenant_id is refused", async () => {
    await problem(
      await send("POST", "/api/v1/roles", { name: roleName("x"), permissions: [], tenant_id: p.other.id }),
      422,
    );
  });
});

Deno.test("POST /api/v1/roles: a duplicate name is 409, case-insensitively", async () => {
  const name = roleName("Support");
  await created({ name, permissions: [] });
  const res = await problem(await send("POST", "/api/v1/roles", { name: name.toUpperCase(), permissions: [] }), 409);
  assertEquals(res.errors[0].path, "name");
});

Deno.test("roles:manage is required, and a role manager cannot grant what they lack", async () => {
  await problem(await send("POST", "/api/v1/roles", { name: roleName("x"), permissions: [] }, p.bob.bearer), 404);
  const manager = await created({
    name: roleName("Role admin"),
    permissions: ["roles:read", "roles:manage", "projects:read"],
  });
  const user = await genUser(sql, p.tenant.id, { role: "employee" });
  await sql`UPDATE users SET role_id = ${manager.id} WHERE id = ${user.id}`;
  const session = await signIn(sql, user);
  const res = await problem(
    await send("POST", "/api/v1/roles", { name: roleName("x"), permissions: ["users:manage"] }, session.bearer),
    403,
  );
  assertStringIncludes(res.detail, "users:manage");
  const ok = await send(
    "POST",
    "/api/v1/roles",
    { name: roleName("x"), permissions: ["projects:read"] },
    session.bearer,
  );
  assertEquals(ok.status, 201);
});

Deno.test("PATCH /api/v1/roles/{id} replaces permissions; holders get them on their very next request", async () => {
  const role = await created({ name: roleName("Viewer"), permissions: ["projects:read"] });
  const user = await genUser(sql, p.tenant.id, { role: "employee" });
  await sql`UPDATE users SET role_id = ${role.id} WHERE id = ${user.id}`;
  const session = await signIn(sql, user);
  const res = await send("PATCH", `/api/v1/roles/${role.id}`, {
    name: "Viewer plus",
    description: null,
    permissions: ["projects:read", "deployments:read"],
  });
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.permissions, ["deployments:read", "projects:read"]);
  assertEquals(body.name, "Viewer plus");
  const me = await (await send("GET", "/api/v1/me", undefined, session.bearer)).json();
  assertEquals(me.permissions, ["deployments:read", "projects:read"]);
  const audits = await sql`SELECT action, details FROM audits WHERE resource_id = ${role.id} ORDER BY seq`;
  assertEquals(audits.map((a) => a.action), ["role.create", "role.update"]);
  assertEquals(audits[1].details.before.permissions, ["projects:read"]);
});

Deno.test("built-in roles cannot be changed or deleted (403); another tenant's role is 404", async () => {
  const roles = (await (await send("GET", "/api/v1/roles")).json()).data;
  const admin = roles.find((r: { name: string }) => r.name === "admin");
  const res = await problem(await send("PATCH", `/api/v1/roles/${admin.id}`, { permissions: [] }), 403);
  assertStringIncludes(res.detail, "built-in");
  await problem(await send("DELETE", `/api/v1/roles/${admin.id}`), 403);
  const theirs = await (await send("POST", "/api/v1/roles", { name: roleName("T"), permissions: [] }, p.dave.bearer))
    .json();
  await problem(await send("GET", `/api/v1/roles/${theirs.id}`), 404);
  await problem(await send("PATCH", `/api/v1/roles/${theirs.id}`, { name: "Mine now" }), 404);
  await problem(await send("DELETE", `/api/v1/roles/${theirs.id}`), 404);
  await problem(await send("GET", "/api/v1/roles/not-a-uuid"), 422);
});

Deno.test("DELETE /api/v1/roles/{id}: 409 while users hold it, 204 once nobody does", async () => {
  const role = await created({ name: roleName("Temp"), permissions: [] });
  const user = await genUser(sql, p.tenant.id, { role: "employee" });
  await sql`UPDATE users SET role_id = ${role.id} WHERE id = ${user.id}`;
  const res = await problem(await send("DELETE", `/api/v1/roles/${role.id}`), 409);
  assertStringIncludes(res.detail, "1 user holds it");
  await send("PATCH", `/api/v1/users/${user.id}`, { role: "employee" });
  const gone = await send("DELETE", `/api/v1/roles/${role.id}`);
  assertEquals(gone.status, 204);
  await problem(await send("GET", `/api/v1/roles/${role.id}`), 404);
  const [audit] = await sql`SELECT action FROM audits WHERE resource_id = ${role.id} ORDER BY seq DESC LIMIT 1`;
  assertEquals(audit.action, "role.delete");
});
