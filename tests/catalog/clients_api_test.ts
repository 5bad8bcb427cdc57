import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { genClient, genPersonas, genUser } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);

const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  app.request(path, jsonRequest(method, body, headers));

async function auditsFor(id: string) {
  return await sql<{ action: string; details: Record<string, unknown> }[]>`
    SELECT action, details FROM audits WHERE resource_id = ${id} ORDER BY seq`;
}

Deno.test("POST /api/v1/clients creates a client and audits client.create", async () => {
  const res = await send("POST", "/api/v1/clients", p.bob.bearer, { name: "  Initrode  " });
  assertEquals(res.status, 201);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const client = await res.json();
  assertEquals(client.name, "Initrode");
  assertEquals(client.archived, false);
  assertEquals(client.project_count, 0);
  const audits = await auditsFor(client.id);
  assertEquals(audits.map((a) => a.action), ["client.create"]);
  assertEquals((audits[0].details.after as { name: string }).name, "Initrode");
});

Deno.test("POST /api/v1/clients refuses bad input with 422 naming the field, storing nothing", async (t) => {
  const before = (await sql`SELECT count(*)::int AS n FROM clients`)[0].n;
  for (
    const [label, body, path] of [
      ["missing name", {}, "name"],
      ["blank name", { name: "   " }, "name"],
      ["too-long name", { name: "x".repeat(201) }, "name"],
      ["unknown field", { name: "Ok", tenant_id: p.other.id }, ""],
    ] as const
  ) {
    await t.step(label, async () => {
      const body422 = await problem(await send("POST", "/api/v1/clients", p.alice.bearer, body), 422);
      assert(body422.errors.some((e: { path: string }) => e.path === path), JSON.stringify(body422.errors));
    });
  }
  assertEquals((await sql`SELECT count(*)::int AS n FROM clients`)[0].n, before);
});

Deno.test("POST /api/v1/clients answers 409 for a name taken in any letter case", async () => {
  const body = await problem(await send("POST", "/api/v1/clients", p.alice.bearer, { name: "aCME" }), 409);
  assertEquals(body.errors, [{ path: "name", message: '"Acme" already exists' }]);
});

Deno.test("GET /api/v1/clients lists by name with search, archived filter and cursor paging", async (t) => {
  const { app: app2, db: db2 } = await createTestApp();
  const q = await genPersonas(db2.sql);
  for (const name of ["Beta Ltd", "alpha GmbH", "Gamma Inc"]) await genClient(db2.sql, q.tenant.id, name);
  const get = (path: string) => app2.request(path, { headers: q.alice.bearer });

  await t.step("pages of two, sorted by name ignoring case", async () => {
    const first = await (await get("/api/v1/clients?limit=2")).json();
    assertEquals(first.data.map((c: { name: string }) => c.name), ["Acme", "alpha GmbH"]);
    const second = await (await get(`/api/v1/clients?limit=2&cursor=${first.next_cursor}`)).json();
    assertEquals(second.data.map((c: { name: string }) => c.name), ["Beta Ltd", "Gamma Inc"]);
    const third = await (await get(`/api/v1/clients?limit=2&cursor=${second.next_cursor}`)).json();
    assertEquals(third.data.map((c: { name: string }) => c.name), ["Globex"]);
    assertEquals(third.next_cursor, null);
  });
  await t.step("?q= matches part of the name, case-insensitively; % is literal", async () => {
    const res = await get("/api/v1/clients?q=MM");
    assertEquals(res.status, 200);
    assertEquals((await res.json()).data.map((c: { name: string }) => c.name), ["Gamma Inc"]);
    assertEquals((await (await get("/api/v1/clients?q=%25")).json()).data, []);
  });
  await t.step("?archived=true lists only archived clients", async () => {
    const beta = (await (await get("/api/v1/clients?q=beta")).json()).data[0];
    const res = await app2.request(
      `/api/v1/clients/${beta.id}`,
      jsonRequest("PATCH", { archived: true }, q.bob.bearer),
    );
    assertEquals(res.status, 200);
    assertEquals((await res.json()).archived, true);
    const archived = await (await get("/api/v1/clients?archived=true")).json();
    assertEquals(archived.data.map((c: { name: string }) => c.name), ["Beta Ltd"]);
    const active = await (await get("/api/v1/clients")).json();
    assertEquals(active.data.some((c: { name: string }) => c.name === "Beta Ltd"), false);
  });
  await t.step("a forged cursor is a 400", async () => {
    await problem(await get("/api/v1/clients?cursor=bm9wZQ"), 400);
  });
  await t.step("another tenant's clients never appear", async () => {
    const all = await (await get("/api/v1/clients?limit=200")).json();
    assertEquals(all.data.some((c: { name: string }) => c.name === "Initech"), false);
  });
});

Deno.test("client users have no access to clients: every route is 404", async () => {
  const id = p.clients.acme.id;
  await problem(await send("GET", "/api/v1/clients", p.carol.bearer), 404);
  await problem(await send("GET", `/api/v1/clients/${id}`, p.carol.bearer), 404);
  await problem(await send("POST", "/api/v1/clients", p.carol.bearer, { name: "Mine" }), 404);
  await problem(await send("PATCH", `/api/v1/clients/${id}`, p.carol.bearer, { name: "Mine" }), 404);
  await problem(await send("DELETE", `/api/v1/clients/${id}`, p.carol.bearer), 404);
});

Deno.test("another tenant's client ids are 404 on every route", async () => {
  const id = p.clients.otherClient.id;
  await problem(await send("GET", `/api/v1/clients/${id}`, p.alice.bearer), 404);
  await problem(await send("PATCH", `/api/v1/clients/${id}`, p.alice.bearer, { name: "Mine" }), 404);
  await problem(await send("DELETE", `/api/v1/clients/${id}`, p.alice.bearer), 404);
});

Deno.test("unauthenticated calls are 401", async () => {
  await problem(await send("GET", "/api/v1/clients", {}), 401);
  await problem(await send("POST", "/api/v1/clients", {}, { name: "x" }), 401);
});

Deno.test("PATCH /api/v1/clients/{id} renames, archives and restores, each audited", async (t) => {
  const client = await genClient(sql, p.tenant.id, "Soylent");
  await t.step("rename", async () => {
    const res = await send("PATCH", `/api/v1/clients/${client.id}`, p.bob.bearer, { name: "Soylent Corp" });
    assertEquals(res.status, 200);
    assertEquals((await res.json()).name, "Soylent Corp");
  });
  await t.step("a name another client has is 409", async () => {
    await problem(await send("PATCH", `/api/v1/clients/${client.id}`, p.bob.bearer, { name: "globex" }), 409);
  });
  await t.step("archive, then restore", async () => {
    const archived = await (await send("PATCH", `/api/v1/clients/${client.id}`, p.bob.bearer, { archived: true }))
      .json();
    assert(archived.archived_at);
    const restored = await (await send("PATCH", `/api/v1/clients/${client.id}`, p.bob.bearer, { archived: false }))
      .json();
    assertEquals(restored.archived_at, null);
  });
  await t.step("an empty change writes no audit row", async () => {
    assertEquals((await send("PATCH", `/api/v1/clients/${client.id}`, p.bob.bearer, {})).status, 200);
  });
  assertEquals((await auditsFor(client.id)).map((a) => a.action), [
    "client.update",
    "client.archive",
    "client.restore",
  ]);
});

Deno.test("DELETE /api/v1/clients/{id}: admins only, refused while projects or client users depend on it", async (t) => {
  const client = await genClient(sql, p.tenant.id, "Umbrella");
  await t.step("an employee gets 403", async () => {
    await problem(await send("DELETE", `/api/v1/clients/${client.id}`, p.bob.bearer), 403);
  });
  await t.step("with projects and a user: 409 naming them, nothing deleted", async () => {
    await genProject(sql, p.tenant.id, client.id);
    await genProject(sql, p.tenant.id, client.id, { archived: true });
    await genProject(sql, p.tenant.id, client.id);
    await genUser(sql, p.tenant.id, { role: "client", clientId: client.id });
    const body = await problem(await send("DELETE", `/api/v1/clients/${client.id}`, p.alice.bearer), 409);
    assertStringIncludes(body.detail, 'Cannot delete client "Umbrella": it has 3 projects and 1 client user');
    assertEquals((await send("GET", `/api/v1/clients/${client.id}`, p.alice.bearer)).status, 200);
  });
  await t.step("with nothing depending on it: 204, gone, audited", async () => {
    const lonely = await genClient(sql, p.tenant.id, "Lonely");
    const res = await send("DELETE", `/api/v1/clients/${lonely.id}`, p.alice.bearer);
    assertEquals(res.status, 204);
    await problem(await send("GET", `/api/v1/clients/${lonely.id}`, p.alice.bearer), 404);
    assertEquals((await auditsFor(lonely.id)).map((a) => a.action), ["client.delete"]);
  });
});
