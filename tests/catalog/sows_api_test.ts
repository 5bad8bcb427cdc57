import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { auditActions, call, created } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const acmeShop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const globexApp = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex app" });
const initech = await genProject(sql, p.other.id, p.clients.otherClient.id, { name: "Initech portal" });

const DRIVE_ID = "1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvW";
const sowCount = async () => (await sql`SELECT count(*)::int AS n FROM sows`)[0].n as number;
const newSow = (body: Record<string, unknown> = {}, headers = p.bob.bearer) =>
  created(app, "/api/v1/sows", headers, { project_id: acmeShop.id, name: `SOW ${crypto.randomUUID()}`, ...body });

Deno.test("POST /api/v1/sows creates a SOW with its document links and one audit row", async () => {
  const res = await call(app, "POST", "/api/v1/sows", p.bob.bearer, {
    project_id: acmeShop.id,
    name: "  Phase 1: relaunch  ",
    drive_id: DRIVE_ID,
    document_url: "https://docs.example.com/acme/phase-1.pdf",
    starts_on: "2025-03-15",
    ends_on: "2025-09-30",
    value: "12500",
    currency: "eur",
  });
  assertEquals(res.status, 201);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const sow = await res.json();
  assertEquals(sow.name, "Phase 1: relaunch");
  assertEquals(sow.status, "draft");
  assertEquals(sow.project_id, acmeShop.id);
  assertEquals(sow.project_name, "Acme shop");
  assertEquals(sow.drive_url, `https://drive.google.com/open?id=${DRIVE_ID}`);
  assertEquals([sow.starts_on, sow.ends_on, sow.signed_on], ["2025-03-15", "2025-09-30", null]);
  assertEquals([sow.value, sow.currency], ["12500.00", "EUR"]);
  assertMatch(sow.created_at, /^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
  assertEquals(await auditActions(sql, sow.id), ["sow.create"]);
  const [audit] = await sql`SELECT actor_user_id, details FROM audits WHERE resource_id = ${sow.id}`;
  assertEquals(audit.actor_user_id, p.bob.user.id);
  assertEquals(audit.details.after.name, "Phase 1: relaunch");
});

Deno.test("POST /api/v1/sows refuses bad input with a 422 naming each field, storing nothing", async (t) => {
  const before = await sowCount();
  const cases: [string, Record<string, unknown>, string][] = [
    ["missing name", { project_id: acmeShop.id }, "name"],
    ["missing project", { name: "Phase 2" }, "project_id"],
    ["blank name", { project_id: acmeShop.id, name: "   " }, "name"],
    ["name too long", { project_id: acmeShop.id, name: "x".repeat(201) }, "name"],
    ["a javascript: link", { project_id: acmeShop.id, name: "P", document_url: "javascript:alert(1)" }, "document_url"],
    [
      "a URL too long",
      { project_id: acmeShop.id, name: "P", document_url: `https://x.com/${"a".repeat(2040)}` },
      "document_url",
    ],
    ["a Drive id with a slash", { project_id: acmeShop.id, name: "P", drive_id: "abc/def/ghi/jkl" }, "drive_id"],
    ["an unknown status", { project_id: acmeShop.id, name: "P", status: "cancelled" }, "status"],
    ["an impossible date", { project_id: acmeShop.id, name: "P", signed_on: "2025-02-30" }, "signed_on"],
    ["a float value", { project_id: acmeShop.id, name: "P", value: "12.345", currency: "EUR" }, "value"],
    ["a value without currency", { project_id: acmeShop.id, name: "P", value: "100" }, "currency"],
    [
      "an end before the start",
      { project_id: acmeShop.id, name: "P", starts_on: "2025-05-01", ends_on: "2025-04-30" },
      "ends_on",
    ],
    ["a tenant_id", { project_id: acmeShop.id, name: "P", tenant_id: p.other.id }, ""],
  ];
  for (const [name, body, path] of cases) {
    await t.step(name, async () => {
      const bad = await problem(await call(app, "POST", "/api/v1/sows", p.bob.bearer, body), 422);
      assert(bad.errors.some((e: { path: string }) => e.path === path), JSON.stringify(bad.errors));
    });
  }
  assertEquals(await sowCount(), before);
});

Deno.test("POST /api/v1/sows: unknown, foreign or archived projects and client users are refused", async () => {
  const before = await sowCount();
  const post = (projectId: string, headers = p.alice.bearer) =>
    call(app, "POST", "/api/v1/sows", headers, { project_id: projectId, name: "Phase 1" });
  await problem(await post(crypto.randomUUID()), 404);
  await problem(await post(initech.id), 404);
  const archived = await genProject(sql, p.tenant.id, p.clients.acme.id, { archived: true, name: "Old site" });
  assertStringIncludes((await problem(await post(archived.id), 409)).detail, `"Old site" is archived`);
  await problem(await post(acmeShop.id, p.carol.bearer), 403);
  await problem(await post(acmeShop.id, {}), 401);
  assertEquals(await sowCount(), before);
});

Deno.test("GET /api/v1/sows pages newest first, filters, and shows client users their own client's only", async (t) => {
  const project = await genProject(sql, p.tenant.id, p.clients.acme.id);
  const made: { id: string }[] = [];
  for (let i = 0; i < 3; i++) made.push(await newSow({ project_id: project.id, name: `Paged ${i}` }));
  const globexSow = await newSow({ project_id: globexApp.id });
  await call(app, "PATCH", `/api/v1/sows/${made[0].id}`, p.bob.bearer, { status: "signed" });

  await t.step("two pages of a project's SOWs, newest first", async () => {
    const first = await call(app, "GET", `/api/v1/sows?project_id=${project.id}&limit=2`, p.bob.bearer);
    assertEquals(first.status, 200);
    assertEquals(first.headers.get("Content-Type"), "application/json");
    const page1 = await first.json();
    assertEquals(page1.data.map((s: { name: string }) => s.name), ["Paged 2", "Paged 1"]);
    const page2 = await (await call(
      app,
      "GET",
      `/api/v1/sows?project_id=${project.id}&limit=2&cursor=${page1.next_cursor}`,
      p.bob.bearer,
    )).json();
    assertEquals(page2.data.map((s: { name: string }) => s.name), ["Paged 0"]);
    assertEquals(page2.next_cursor, null);
  });
  await t.step("?status=signed", async () => {
    const body = await (await call(app, "GET", `/api/v1/sows?project_id=${project.id}&status=signed`, p.bob.bearer))
      .json();
    assertEquals(body.data.map((s: { id: string }) => s.id), [made[0].id]);
  });
  await t.step("Carol (Acme) never sees Globex's SOWs, even when she asks for its project", async () => {
    const all = await (await call(app, "GET", "/api/v1/sows?limit=200", p.carol.bearer)).json();
    assert(all.data.length >= 3);
    assert(all.data.every((s: { project_id: string }) => s.project_id !== globexApp.id));
    const asked = await (await call(app, "GET", `/api/v1/sows?project_id=${globexApp.id}`, p.carol.bearer)).json();
    assertEquals(asked.data, []);
    const erin = await (await call(app, "GET", "/api/v1/sows?limit=200", p.erin.bearer)).json();
    assertEquals(erin.data.map((s: { id: string }) => s.id), [globexSow.id]);
  });
  await t.step("the other tenant sees none of it; bad filters and forged cursors are refused", async () => {
    const dave = await (await call(app, "GET", "/api/v1/sows", p.dave.bearer)).json();
    assertEquals(dave.data, []);
    assertEquals(
      (await problem(await call(app, "GET", "/api/v1/sows?status=bogus", p.bob.bearer), 422)).errors[0].path,
      "status",
    );
    await problem(await call(app, "GET", "/api/v1/sows?project_id=nope", p.bob.bearer), 422);
    const forged = btoa(JSON.stringify(["2025-01-01T00:00:00.000Z", "not-a-uuid"]));
    await problem(await call(app, "GET", `/api/v1/sows?cursor=${forged}`, p.bob.bearer), 400);
  });
});

Deno.test("GET /api/v1/sows/{id} answers 404 for another tenant's SOW and for another client's", async () => {
  const sow = await newSow();
  const ok = await call(app, "GET", `/api/v1/sows/${sow.id}`, p.carol.bearer);
  assertEquals(ok.status, 200);
  assertEquals((await ok.json()).id, sow.id);
  await problem(await call(app, "GET", `/api/v1/sows/${sow.id}`, p.erin.bearer), 404);
  await problem(await call(app, "GET", `/api/v1/sows/${sow.id}`, p.dave.bearer), 404);
  await problem(await call(app, "GET", `/api/v1/sows/${crypto.randomUUID()}`, p.alice.bearer), 404);
  await problem(await call(app, "GET", "/api/v1/sows/not-a-uuid", p.alice.bearer), 422);
});

Deno.test("PATCH /api/v1/sows/{id} moves status forward only; closed is final", async (t) => {
  const sow = await newSow();
  const patch = (body: unknown, headers = p.bob.bearer) => call(app, "PATCH", `/api/v1/sows/${sow.id}`, headers, body);

  await t.step("draft → signed with its date, then → active", async () => {
    const res = await patch({ status: "signed", signed_on: "2025-03-01" });
    assertEquals(res.status, 200);
    assertEquals((await res.json()).status, "signed");
    assertEquals((await (await patch({ status: "active" })).json()).status, "active");
  });
  await t.step("backwards is a 409 saying where it can go", async () => {
    const res = await problem(await patch({ status: "draft" }), 409);
    assertStringIncludes(res.detail, "is active: it cannot go back to draft (it can move to closed)");
  });
  await t.step("closed is final", async () => {
    assertEquals((await (await patch({ status: "closed" })).json()).status, "closed");
    const res = await problem(await patch({ status: "active" }), 409);
    assertStringIncludes(res.detail, "is closed");
  });
  await t.step("each change is one audit row; a change that changes nothing writes none", async () => {
    await patch({ name: sow.name });
    assertEquals(await auditActions(sql, sow.id), [
      "sow.create",
      "sow.status_change",
      "sow.status_change",
      "sow.status_change",
    ]);
  });
});

Deno.test("PATCH /api/v1/sows/{id} edits and clears fields, and refuses what may not change", async () => {
  const sow = await newSow({ drive_id: DRIVE_ID, starts_on: "2025-01-01", value: "10", currency: "USD" });
  const patch = (body: unknown, headers = p.bob.bearer) => call(app, "PATCH", `/api/v1/sows/${sow.id}`, headers, body);
  const res = await patch({ name: "Renamed", drive_id: null, value: null, document_url: "https://x.example/doc" });
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals([body.name, body.drive_id, body.drive_url, body.value], ["Renamed", null, null, null]);
  assertEquals(body.document_url, "https://x.example/doc");
  assertEquals((await problem(await patch({ ends_on: "2024-12-31" }), 422)).errors[0].path, "ends_on");
  assertEquals((await (await patch({ value: "5" })).json()).value, "5.00", "the currency was kept");
  assertEquals((await problem(await patch({ currency: null }), 422)).errors[0].path, "currency");
  await problem(await patch({ project_id: globexApp.id }), 422);
  await problem(await patch({ name: "x".repeat(201) }), 422);
  await problem(await patch({ status: "signed" }, p.carol.bearer), 403);
  await problem(await patch({ status: "signed" }, p.erin.bearer), 404);
  await problem(await patch({ status: "signed" }, p.dave.bearer), 404);
  const [row] = await sql`SELECT title, status, currency FROM sows WHERE id = ${sow.id}`;
  assertEquals([row.title, row.status, row.currency], ["Renamed", "draft", "USD"]);
});

Deno.test("DELETE /api/v1/sows/{id}: admins delete drafts nothing is filed under; others get 403/409", async () => {
  const draft = await newSow();
  await problem(await call(app, "DELETE", `/api/v1/sows/${draft.id}`, p.bob.bearer), 403);
  await problem(await call(app, "DELETE", `/api/v1/sows/${draft.id}`, p.carol.bearer), 403);
  await problem(await call(app, "DELETE", `/api/v1/sows/${draft.id}`, p.dave.bearer), 404);

  const signed = await newSow({ status: "signed" });
  const res = await problem(await call(app, "DELETE", `/api/v1/sows/${signed.id}`, p.alice.bearer), 409);
  assertStringIncludes(res.detail, "it is signed, and only drafts can be deleted");

  const used = await newSow();
  await created(app, "/api/v1/change-requests", p.carol.bearer, {
    project_id: acmeShop.id,
    title: "Under a SOW",
    sow_id: used.id,
  });
  const blocked = await problem(await call(app, "DELETE", `/api/v1/sows/${used.id}`, p.alice.bearer), 409);
  assertStringIncludes(blocked.detail, "1 change request is filed under it");

  const gone = await call(app, "DELETE", `/api/v1/sows/${draft.id}`, p.alice.bearer);
  assertEquals(gone.status, 204);
  await problem(await call(app, "GET", `/api/v1/sows/${draft.id}`, p.alice.bearer), 404);
  assertEquals(await auditActions(sql, draft.id), ["sow.create", "sow.delete"]);
});
