import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { auditActions, created, eventsAbout, page, postForm } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);

const newProject = () => genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const file = (projectId: string, title = "Add SSO", headers = p.carol.bearer) =>
  created(app, "/api/v1/change-requests", headers, { project_id: projectId, title });
const latestId = async (projectId: string) =>
  (await sql`SELECT id FROM change_requests WHERE project_id = ${projectId} ORDER BY created_at DESC LIMIT 1`)[0]
    .id as string;

Deno.test("GET /projects/{id}/change-requests: fragment for the tab, full page directly, 404 to other clients", async (t) => {
  const project = await newProject();
  await t.step("empty: a friendly note and the form, for a client user too", async () => {
    const res = await page(app, `/projects/${project.id}/change-requests`, p.carol.cookie, true);
    assertEquals(res.status, 200);
    const html = await res.text();
    assert(html.startsWith(`<section id="change-requests-panel"`));
    assertStringIncludes(html, "No change requests yet. File the first one below.");
    assertStringIncludes(html, "File a change request");
  });
  await file(project.id, "Add SSO");
  await t.step("staff see the decision buttons; the client user does not", async () => {
    const staff = await (await page(app, `/projects/${project.id}/change-requests`, p.bob.cookie)).text();
    assert(staff.startsWith("<!doctype html>"));
    assertStringIncludes(staff, "<title>Acme shop · Opsdeck</title>");
    assertStringIncludes(staff, `aria-current="page">Change requests</a>`);
    assertStringIncludes(staff, ">Approve</button>");
    assertStringIncludes(staff, `class="badge badge-pending">pending<`);
    const client = await (await page(app, `/projects/${project.id}/change-requests`, p.carol.cookie)).text();
    assertStringIncludes(client, "Add SSO");
    assertEquals(client.includes(">Approve</button>"), false);
  });
  await t.step("Erin (Globex) and the other tenant get 404", async () => {
    assertEquals((await page(app, `/projects/${project.id}/change-requests`, p.erin.cookie)).status, 404);
    assertEquals((await page(app, `/projects/${project.id}/change-requests`, p.dave.cookie)).status, 404);
  });
  await t.step("?status= filters; a bogus filter shows everything", async () => {
    const approved =
      await (await page(app, `/projects/${project.id}/change-requests?status=approved`, p.bob.cookie, true))
        .text();
    assertStringIncludes(approved, "No approved change requests.");
    const bogus = await (await page(app, `/projects/${project.id}/change-requests?status=bogus`, p.bob.cookie, true))
      .text();
    assertStringIncludes(bogus, "Add SSO");
  });
});

Deno.test("filing from the tab: htmx gets the panel with the new row; errors stay in the form", async () => {
  const project = await newProject();
  const res = await postForm(
    app,
    `/projects/${project.id}/change-requests`,
    { title: "Dark mode", description: "Please", priority: "high", document_url: "", drive_id: "" },
    p.carol.cookie,
    true,
  );
  assertEquals(res.status, 200);
  const html = await res.text();
  assertStringIncludes(html, "Filed “Dark mode”: it stays pending until the team decides.");
  assertStringIncludes(html, `class="badge priority-high">high<`);
  const id = await latestId(project.id);
  assertEquals((await eventsAbout(sql, id)).map((e) => e.type), ["change_request.created"]);

  const bad = await postForm(
    app,
    `/projects/${project.id}/change-requests`,
    { title: "x".repeat(201) },
    p.carol.cookie,
  );
  assertEquals(bad.status, 422);
  assertStringIncludes(await bad.text(), `id="title-error"`);
  const plain = await postForm(app, `/projects/${project.id}/change-requests`, { title: "Plain" }, p.carol.cookie);
  assertEquals(plain.status, 303);
  assertEquals(plain.headers.get("Location"), `/projects/${project.id}/change-requests`);
  assertEquals(
    (await postForm(app, `/projects/${project.id}/change-requests`, { title: "X" }, p.erin.cookie)).status,
    404,
  );
});

Deno.test("row actions: approve with a comment swaps the row; a refusal comes back in the row", async () => {
  const project = await newProject();
  const cr = await file(project.id);
  const approved = await postForm(
    app,
    `/change-requests/${cr.id}/approve`,
    { comment: "Ship it" },
    p.alice.cookie,
    true,
  );
  assertEquals(approved.status, 200);
  const row = await approved.text();
  assert(row.startsWith(`<tr id="cr-${cr.id}"`));
  assertStringIncludes(row, `class="badge badge-up">approved<`);
  assertStringIncludes(row, "Mark completed");

  const again = await postForm(app, `/change-requests/${cr.id}/reject`, {}, p.alice.cookie, true);
  assertEquals(again.status, 200);
  assertStringIncludes(await again.text(), "is approved: only a pending request can be rejected");

  const byClient = await postForm(app, `/change-requests/${cr.id}/complete`, {}, p.carol.cookie, true);
  assertStringIncludes(await byClient.text(), "Client accounts can file change requests but not decide them");
  assertEquals((await postForm(app, `/change-requests/${cr.id}/complete`, {}, p.erin.cookie, true)).status, 404);

  const done = await postForm(app, `/change-requests/${cr.id}/complete`, {}, p.bob.cookie);
  assertEquals(done.status, 303);
  assertEquals(done.headers.get("Location"), `/change-requests/${cr.id}`);
  assertEquals(await auditActions(sql, cr.id), [
    "change_request.create",
    "change_request.approve",
    "change_request.complete",
  ]);
  const decided = (await eventsAbout(sql, cr.id)).filter((e) => e.type === "change_request.decided");
  assertEquals(decided.map((e) => e.payload.comment), ["Ship it"]);
});

Deno.test("GET /change-requests/{id}: details, the decision for staff, edit for the requester, and the timeline", async (t) => {
  const project = await newProject();
  const cr = await file(project.id, "Faster checkout");
  await t.step("the requester sees the edit form but no decision", async () => {
    const res = await page(app, `/change-requests/${cr.id}`, p.carol.cookie);
    assertEquals(res.status, 200);
    const html = await res.text();
    assertStringIncludes(html, "<title>Faster checkout · Opsdeck</title>");
    assertStringIncludes(html, "Edit this request");
    assertEquals(html.includes("<h2>Decision</h2>"), false);
    assertStringIncludes(html, "filed the request");
  });
  await t.step("editing from the page redirects back and shows in the timeline", async () => {
    const res = await postForm(app, `/change-requests/${cr.id}`, {
      title: "Faster checkout, please",
      description: "",
      priority: "critical",
      document_url: "",
      drive_id: "",
    }, p.carol.cookie);
    assertEquals(res.status, 303);
    const html = await (await page(app, `/change-requests/${cr.id}`, p.carol.cookie)).text();
    assertStringIncludes(html, "edited title, priority");
  });
  await t.step("staff decide on the page; the comment shows in the facts and the timeline", async () => {
    const staff = await (await page(app, `/change-requests/${cr.id}`, p.alice.cookie)).text();
    assertStringIncludes(staff, "<h2>Decision</h2>");
    const res = await postForm(
      app,
      `/change-requests/${cr.id}/reject`,
      { comment: "Not this quarter" },
      p.alice.cookie,
    );
    assertEquals(res.status, 303);
    const html = await (await page(app, `/change-requests/${cr.id}`, p.carol.cookie)).text();
    assertStringIncludes(html, "rejected it");
    assertStringIncludes(html, "<blockquote>Not this quarter</blockquote>");
    assertEquals(html.includes("Edit this request"), false, "no editing once decided");
  });
  await t.step("editing after the decision is a 409 shown on the page", async () => {
    const res = await postForm(app, `/change-requests/${cr.id}`, { title: "Late", priority: "low" }, p.carol.cookie);
    assertEquals(res.status, 409);
    assertStringIncludes(await res.text(), "is rejected: only a pending request can be edited");
  });
  await t.step("other clients and tenants get 404", async () => {
    assertEquals((await page(app, `/change-requests/${cr.id}`, p.erin.cookie)).status, 404);
    assertEquals((await page(app, `/change-requests/${cr.id}`, p.dave.cookie)).status, 404);
    assertEquals((await page(app, "/change-requests/nope", p.alice.cookie)).status, 404);
  });
});
