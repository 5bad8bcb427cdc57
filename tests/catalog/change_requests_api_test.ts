import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { auditActions, call, created, eventsAbout } from "../helpers/change_requests.ts";
import { genPersonas, genUser, signIn } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const acmeShop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const globexApp = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex app" });
const initech = await genProject(sql, p.other.id, p.clients.otherClient.id, { name: "Initech portal" });

const crCount = async () => (await sql`SELECT count(*)::int AS n FROM change_requests`)[0].n as number;
const file = (body: Record<string, unknown> = {}, headers = p.carol.bearer) =>
  created(app, "/api/v1/change-requests", headers, { project_id: acmeShop.id, title: "Add SSO", ...body });

Deno.test("POST /api/v1/change-requests: a client user files on their client's project; audit row and created event", async () => {
  const res = await call(app, "POST", "/api/v1/change-requests", p.carol.bearer, {
    project_id: acmeShop.id,
    title: "  Add single sign-on  ",
    description: "Staff sign in with Google.",
    priority: "high",
    drive_id: "1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvW",
  });
  assertEquals(res.status, 201);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const cr = await res.json();
  assertEquals([cr.title, cr.status, cr.priority], ["Add single sign-on", "pending", "high"]);
  assertEquals([cr.requested_by, cr.requested_by_name], [p.carol.user.id, "Carol"]);
  assertEquals([cr.approver_id, cr.decided_at, cr.resolved_at], [null, null, null]);
  assertEquals(cr.project_name, "Acme shop");
  assertEquals(cr.drive_url, "https://drive.google.com/open?id=1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvW");
  assertEquals(await auditActions(sql, cr.id), ["change_request.create"]);
  const events = await eventsAbout(sql, cr.id);
  assertEquals(events.map((e) => e.type), ["change_request.created"]);
  assertEquals([events[0].tenant_id, events[0].project_id], [p.tenant.id, acmeShop.id]);
  const payload = events[0].payload as Record<string, Record<string, unknown>>;
  assertEquals(payload.change_request.title, "Add single sign-on");
  assertEquals(payload.project.name, "Acme shop");
  assertEquals(payload.actor.user_id, p.carol.user.id);
});

Deno.test("POST /api/v1/change-requests: priority defaults to normal; staff file too", async () => {
  const cr = await file({}, p.bob.bearer);
  assertEquals([cr.priority, cr.requested_by], ["normal", p.bob.user.id]);
});

Deno.test("POST /api/v1/change-requests refuses bad input with a 422 naming the field, storing nothing", async (t) => {
  const before = await crCount();
  const [events] = await sql`SELECT count(*)::int AS n FROM events`;
  const otherSow = await created(app, "/api/v1/sows", p.bob.bearer, { project_id: globexApp.id, name: "Globex SOW" });
  const cases: [string, Record<string, unknown>, string][] = [
    ["missing title", { project_id: acmeShop.id }, "title"],
    ["missing project", { title: "Add SSO" }, "project_id"],
    ["title too long", { project_id: acmeShop.id, title: "x".repeat(201) }, "title"],
    ["description too long", { project_id: acmeShop.id, title: "T", description: "x".repeat(20001) }, "description"],
    ["an unknown priority", { project_id: acmeShop.id, title: "T", priority: "urgent" }, "priority"],
    ["a project id that is no UUID", { project_id: "acme-shop", title: "T" }, "project_id"],
    ["setting the status", { project_id: acmeShop.id, title: "T", status: "approved" }, ""],
    ["setting the requester", { project_id: acmeShop.id, title: "T", requested_by: p.alice.user.id }, ""],
    ["another project's SOW", { project_id: acmeShop.id, title: "T", sow_id: otherSow.id }, "sow_id"],
  ];
  for (const [name, body, path] of cases) {
    await t.step(name, async () => {
      const headers = name === "another project's SOW" ? p.bob.bearer : p.carol.bearer;
      const bad = await problem(await call(app, "POST", "/api/v1/change-requests", headers, body), 422);
      assert(bad.errors.some((e: { path: string }) => e.path === path), JSON.stringify(bad.errors));
    });
  }
  assertEquals(await crCount(), before);
  assertEquals((await sql`SELECT count(*)::int AS n FROM events`)[0].n, events.n);
});

Deno.test("POST /api/v1/change-requests: unknown, foreign-tenant, other-client and archived projects", async () => {
  const before = await crCount();
  const post = (projectId: string, headers: Record<string, string>) =>
    call(app, "POST", "/api/v1/change-requests", headers, { project_id: projectId, title: "Add SSO" });
  await problem(await post(crypto.randomUUID(), p.alice.bearer), 404);
  await problem(await post(initech.id, p.alice.bearer), 404);
  await problem(await post(globexApp.id, p.carol.bearer), 404);
  await problem(await post(acmeShop.id, p.erin.bearer), 404);
  const archived = await genProject(sql, p.tenant.id, p.clients.acme.id, { archived: true, name: "Old site" });
  assertStringIncludes((await problem(await post(archived.id, p.carol.bearer), 409)).detail, `"Old site" is archived`);
  await problem(await post(acmeShop.id, {}), 401);
  assertEquals(await crCount(), before);
});

Deno.test("GET /api/v1/change-requests filters and pages; each client user sees their own client's only", async (t) => {
  const project = await genProject(sql, p.tenant.id, p.clients.acme.id);
  const high = await file({ project_id: project.id, title: "First", priority: "high" });
  const second = await file({ project_id: project.id, title: "Second" });
  const third = await file({ project_id: project.id, title: "Third" });
  const globex = await file({ project_id: globexApp.id, title: "Globex ask" }, p.erin.bearer);
  await call(app, "POST", `/api/v1/change-requests/${second.id}/approve`, p.alice.bearer);

  await t.step("a project's requests, newest first, in pages", async () => {
    const res = await call(app, "GET", `/api/v1/change-requests?project_id=${project.id}&limit=2`, p.bob.bearer);
    assertEquals(res.status, 200);
    assertEquals(res.headers.get("Content-Type"), "application/json");
    const page1 = await res.json();
    assertEquals(page1.data.map((c: { id: string }) => c.id), [third.id, second.id]);
    const url = `/api/v1/change-requests?project_id=${project.id}&limit=2&cursor=${page1.next_cursor}`;
    const page2 = await (await call(app, "GET", url, p.bob.bearer)).json();
    assertEquals(page2.data.map((c: { id: string }) => c.id), [high.id]);
    assertEquals(page2.next_cursor, null);
  });
  await t.step("?status= and ?priority=", async () => {
    const q = (query: string) =>
      call(app, "GET", `/api/v1/change-requests?project_id=${project.id}&${query}`, p.bob.bearer);
    assertEquals((await (await q("status=approved")).json()).data.map((c: { id: string }) => c.id), [second.id]);
    assertEquals((await (await q("priority=high")).json()).data.map((c: { id: string }) => c.id), [high.id]);
    assertEquals((await problem(await q("priority=urgent"), 422)).errors[0].path, "priority");
  });
  await t.step("Carol and Erin each see only their own client's requests; the other tenant sees none", async () => {
    const carol = await (await call(app, "GET", "/api/v1/change-requests?limit=200", p.carol.bearer)).json();
    assert(carol.data.every((c: { project_id: string }) => c.project_id !== globexApp.id));
    const erin = await (await call(app, "GET", "/api/v1/change-requests?limit=200", p.erin.bearer)).json();
    assertEquals(erin.data.map((c: { id: string }) => c.id), [globex.id]);
    const dave = await (await call(app, "GET", "/api/v1/change-requests", p.dave.bearer)).json();
    assertEquals(dave.data, []);
  });
});

Deno.test("GET /api/v1/change-requests/{id} answers 404 to other tenants and other clients", async () => {
  const cr = await file();
  assertEquals((await call(app, "GET", `/api/v1/change-requests/${cr.id}`, p.carol.bearer)).status, 200);
  assertEquals((await call(app, "GET", `/api/v1/change-requests/${cr.id}`, p.bob.bearer)).status, 200);
  await problem(await call(app, "GET", `/api/v1/change-requests/${cr.id}`, p.erin.bearer), 404);
  await problem(await call(app, "GET", `/api/v1/change-requests/${cr.id}`, p.dave.bearer), 404);
  await problem(await call(app, "GET", `/api/v1/change-requests/${crypto.randomUUID()}`, p.alice.bearer), 404);
});

Deno.test("PATCH /api/v1/change-requests/{id}: the requester or staff edit while pending", async (t) => {
  const cr = await file({ title: "Original" });
  const patch = (body: unknown, headers: Record<string, string>) =>
    call(app, "PATCH", `/api/v1/change-requests/${cr.id}`, headers, body);

  await t.step("Carol, who filed it, changes the title and priority", async () => {
    const res = await patch({ title: "Edited", priority: "critical", description: "More detail" }, p.carol.bearer);
    assertEquals(res.status, 200);
    const body = await res.json();
    assertEquals([body.title, body.priority, body.description], ["Edited", "critical", "More detail"]);
  });
  await t.step("Bob (staff) may edit it too; an emptied description is none", async () => {
    const res = await patch({ description: "" }, p.bob.bearer);
    assertEquals((await res.json()).description, null);
  });
  await t.step("another Acme client user may not; Erin and the other tenant do not even see it", async () => {
    const colleague = await signIn(
      sql,
      await genUser(sql, p.tenant.id, { role: "client", clientId: p.clients.acme.id }),
    );
    await problem(await patch({ title: "Mine now" }, colleague.bearer), 403);
    await problem(await patch({ title: "Mine now" }, p.erin.bearer), 404);
    await problem(await patch({ title: "Mine now" }, p.dave.bearer), 404);
  });
  await t.step("bad input is a 422; status and requester cannot be set", async () => {
    assertEquals((await problem(await patch({ title: "" }, p.carol.bearer), 422)).errors[0].path, "title");
    await problem(await patch({ status: "approved" }, p.carol.bearer), 422);
    await problem(await patch({ requested_by: p.carol.user.id }, p.bob.bearer), 422);
  });
  await t.step("once decided it can no longer be edited (409 naming the status)", async () => {
    await call(app, "POST", `/api/v1/change-requests/${cr.id}/reject`, p.alice.bearer, { comment: "No" });
    const res = await problem(await patch({ title: "Too late" }, p.carol.bearer), 409);
    assertStringIncludes(res.detail, "is rejected: only a pending request can be edited");
  });
  assertEquals(await auditActions(sql, cr.id), [
    "change_request.create",
    "change_request.update",
    "change_request.update",
    "change_request.reject",
  ]);
});
