import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { auditActions, created, page, postForm } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const DRIVE_ID = "1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvW";

const newProject = (name = "Acme shop") => genProject(sql, p.tenant.id, p.clients.acme.id, { name });
const newSow = (projectId: string, body: Record<string, unknown> = {}) =>
  created(app, "/api/v1/sows", p.bob.bearer, { project_id: projectId, name: "Phase 1", ...body });

Deno.test("GET /projects/{id}/documents: a fragment for the hub's tab, a full page when opened directly", async (t) => {
  const project = await newProject();
  await t.step("an empty project says so and offers the form", async () => {
    const res = await page(app, `/projects/${project.id}/documents`, p.bob.cookie, true);
    assertEquals(res.status, 200);
    assertStringIncludes(res.headers.get("Content-Type")!, "text/html");
    assertEquals(res.headers.get("Vary"), "HX-Request, Accept-Encoding");
    const html = await res.text();
    assert(html.startsWith(`<section id="documents-panel"`), html.slice(0, 80));
    assertStringIncludes(html, "No statements of work yet.");
    assertStringIncludes(html, "New statement of work");
  });
  await newSow(project.id, {
    drive_id: DRIVE_ID,
    document_url: "https://docs.example.com/p1.pdf",
    value: "12500",
    currency: "EUR",
  });
  await t.step("the full page is the project hub with this tab open, with document and Drive links", async () => {
    const res = await page(app, `/projects/${project.id}/documents`, p.bob.cookie);
    const html = await res.text();
    assert(html.startsWith("<!doctype html>"));
    assertStringIncludes(html, "<title>Acme shop · Opsdeck</title>");
    assertStringIncludes(
      html,
      `href="/projects/${project.id}/documents" hx-get="/projects/${project.id}?tab=documents"`,
    );
    assertStringIncludes(html, `aria-current="page">Documents</a>`);
    assertStringIncludes(html, `href="https://drive.google.com/open?id=${DRIVE_ID}"`);
    assertStringIncludes(html, `href="https://docs.example.com/p1.pdf"`);
    assertStringIncludes(html, "12,500.00 EUR");
  });
  await t.step("a client user of Acme reads it without forms; Globex's and the other tenant's get 404", async () => {
    const html = await (await page(app, `/projects/${project.id}/documents`, p.carol.cookie)).text();
    assertStringIncludes(html, "Phase 1");
    assertEquals(html.includes("New statement of work"), false);
    assertEquals(html.includes(">Edit<"), false);
    assertEquals((await page(app, `/projects/${project.id}/documents`, p.erin.cookie)).status, 404);
    assertEquals((await page(app, `/projects/${project.id}/documents`, p.dave.cookie)).status, 404);
    assertEquals((await page(app, "/projects/not-a-uuid/documents", p.bob.cookie)).status, 404);
  });
  await t.step("signed out: to the login page", async () => {
    const res = await page(app, `/projects/${project.id}/documents`, {});
    assertEquals(res.status, 303);
    assertStringIncludes(res.headers.get("Location")!, "/login?next=");
  });
});

Deno.test("POST /projects/{id}/sows: 303 without JavaScript, the panel for htmx, field errors in place", async (t) => {
  const project = await newProject();
  await t.step("a plain post redirects back to the tab", async () => {
    const res = await postForm(
      app,
      `/projects/${project.id}/sows`,
      { name: "Plain", value: "", currency: "" },
      p.bob.cookie,
    );
    assertEquals(res.status, 303);
    assertEquals(res.headers.get("Location"), `/projects/${project.id}/documents`);
  });
  await t.step("htmx gets the panel with the new SOW and a notice", async () => {
    const res = await postForm(
      app,
      `/projects/${project.id}/sows`,
      { name: "Swapped", drive_id: DRIVE_ID },
      p.bob.cookie,
      true,
    );
    assertEquals(res.status, 200);
    const html = await res.text();
    assertStringIncludes(html, "Added “Swapped”.");
    assertStringIncludes(html, "Plain");
  });
  await t.step("a refused form keeps what was typed and names the field (422 page; 200 panel for htmx)", async () => {
    const fields = { name: "", value: "10", currency: "" };
    const plain = await postForm(app, `/projects/${project.id}/sows`, fields, p.bob.cookie);
    assertEquals(plain.status, 422);
    const html = await plain.text();
    assertStringIncludes(html, `id="name-error"`);
    assertStringIncludes(html, `value="10"`);
    const named = { name: "Named", value: "10", currency: "" };
    const swapped = await postForm(app, `/projects/${project.id}/sows`, named, p.bob.cookie, true);
    assertEquals(swapped.status, 200);
    const panel = await swapped.text();
    assertStringIncludes(panel, `id="currency-error"`);
    assertStringIncludes(panel, `value="Named"`);
  });
  await t.step("a client user's post is refused and stores nothing", async () => {
    const res = await postForm(app, `/projects/${project.id}/sows`, { name: "Sneaky" }, p.carol.cookie);
    assertEquals(res.status, 403);
    const [row] = await sql`SELECT count(*)::int AS n FROM sows WHERE title = 'Sneaky'`;
    assertEquals(row.n, 0);
  });
});

Deno.test("editing a SOW: the form loads in place, saves, and a backwards status is shown in the form", async () => {
  const project = await newProject();
  const sow = await newSow(project.id, { status: "active" });
  const form = await page(app, `/sows/${sow.id}/edit`, p.bob.cookie, true);
  assertEquals(form.status, 200);
  const formHtml = await form.text();
  assert(formHtml.startsWith(`<form id="sow-form"`));
  assertStringIncludes(formHtml, `value="Phase 1"`);
  assertEquals(formHtml.includes(`value="draft"`), false, "only forward statuses are offered");
  const noScript = await (await page(app, `/sows/${sow.id}/edit`, p.bob.cookie)).text();
  assert(noScript.startsWith("<!doctype html>"), "without JavaScript: the tab's page with the form in edit mode");
  assertStringIncludes(noScript, "Edit “Phase 1”");

  const fields = {
    name: "Phase 1b",
    status: "active",
    drive_id: "",
    document_url: "",
    signed_on: "",
    starts_on: "",
    ends_on: "",
    value: "",
    currency: "",
  };
  const saved = await postForm(app, `/sows/${sow.id}`, fields, p.bob.cookie, true);
  assertEquals(saved.status, 200);
  assertStringIncludes(await saved.text(), "Saved “Phase 1b”.");

  const backwards = await postForm(app, `/sows/${sow.id}`, { ...fields, status: "draft" }, p.bob.cookie);
  assertEquals(backwards.status, 409);
  assertStringIncludes(await backwards.text(), "it cannot go back to draft");
  assertEquals(await auditActions(sql, sow.id), ["sow.create", "sow.update"]);
  assertEquals((await page(app, `/sows/${sow.id}/edit`, p.carol.cookie)).status, 403);
  assertEquals((await page(app, `/sows/${sow.id}/edit`, p.erin.cookie)).status, 404);
});

Deno.test("deleting a draft from the tab: admins only; the panel comes back without it", async () => {
  const project = await newProject();
  const sow = await newSow(project.id, { name: "Scrap me" });
  const adminView = await (await page(app, `/projects/${project.id}/documents`, p.alice.cookie, true)).text();
  assertStringIncludes(adminView, `aria-label="Delete Scrap me"`);
  const employeeView = await (await page(app, `/projects/${project.id}/documents`, p.bob.cookie, true)).text();
  assertEquals(employeeView.includes("Delete Scrap me"), false);
  assertEquals((await postForm(app, `/sows/${sow.id}/delete`, {}, p.bob.cookie)).status, 403);
  const res = await postForm(app, `/sows/${sow.id}/delete`, {}, p.alice.cookie, true);
  assertEquals(res.status, 200);
  const html = await res.text();
  assertStringIncludes(html, "Deleted “Scrap me”.");
  assertStringIncludes(html, "No statements of work yet.");
});

Deno.test("an archived project's documents are read-only in the tab", async () => {
  const project = await genProject(sql, p.tenant.id, p.clients.acme.id, { archived: true });
  const html = await (await page(app, `/projects/${project.id}/documents`, p.alice.cookie)).text();
  assertStringIncludes(html, "This project is archived");
  assertEquals(html.includes("New statement of work"), false);
});
