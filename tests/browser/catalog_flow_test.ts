/**
 * The Catalog issue's end-to-end check in Chromium: an employee sets up a
 * client and its project (two environments) through the pages, a client user
 * of that client files a change request on the project hub's tab, an admin
 * approves it in place, the audit page shows what happened, and another
 * client's user sees none of it. Then screenshots of the tabs, light and dark.
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { genPersonas, genUser, signIn } from "../helpers/fixtures.ts";

/** A JSON API call with a persona's bearer headers; the answer's body, after checking its status. */
async function api(url: string, path: string, headers: Record<string, string>, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  assertEquals(res.status, 201, `POST ${path}`);
  return await res.json();
}

Deno.test("in Chromium: an employee sets up a project, its client's user files a change request, an admin approves it in place, the audit log shows it all", async () => {
  const served = await serveTestApp();
  const sql = served.db.sql;
  const p = await genPersonas(sql);
  const browser = await launchBrowser();
  const errors: string[] = [];
  try {
    // The employee: a client and a project with two environments, through the pages.
    const employee = await openPage(browser, served.url, { opsdeck_session: p.bob.token, opsdeck_theme: "light" });
    watchErrors(employee, errors);
    await employee.goto(`${served.url}/clients`);
    await employee.getByLabel("Name").fill("Umbrella");
    await employee.getByRole("button", { name: "Add client" }).click();
    await employee.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    await employee.getByRole("link", { name: "Create the first one" }).click();
    await employee.waitForURL(/\/projects\/new\?client_id=/);
    await employee.getByLabel("Name", { exact: true }).fill("Umbrella portal");
    await employee.getByLabel("Slug").fill("umbrella-portal");
    await employee.getByLabel("Environment URL").first().fill("https://umbrella.example");
    await employee.getByRole("button", { name: "Add environment" }).click();
    await employee.waitForSelector(".environment-row:nth-of-type(2)");
    await employee.getByLabel("Environment name").nth(1).fill("staging");
    await employee.getByLabel("Environment URL").nth(1).fill("https://staging.umbrella.example");
    await employee.getByRole("button", { name: "Create project" }).click();
    await employee.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    const hubUrl = employee.url();
    const projectId = hubUrl.split("/").pop()!;
    const [{ client_id: clientId }] = await sql`SELECT client_id FROM projects WHERE id = ${projectId}`;
    const [{ n: environments }] =
      await sql`SELECT count(*)::int AS n FROM project_environments WHERE project_id = ${projectId}`;
    assertEquals(environments, 2);

    // A client user of Umbrella files a change request on the hub's "Change requests" tab.
    const uma = await signIn(sql, await genUser(sql, p.tenant.id, { role: "client", clientId, name: "Uma" }));
    const client = await openPage(browser, served.url, { opsdeck_session: uma.token, opsdeck_theme: "light" });
    watchErrors(client, errors);
    await client.goto(hubUrl);
    await client.locator(".hub-tabs").getByRole("link", { name: "Change requests" }).click();
    await client.waitForURL(`${hubUrl}/change-requests`);
    await client.waitForSelector("#change-requests-panel");
    assertStringIncludes(await client.locator("#change-requests-panel").innerText(), "No change requests yet");
    await client.getByLabel("Title").fill("Single sign-on for staff");
    await client.getByLabel("Priority").selectOption("high");
    await client.getByLabel("What should change, and why (optional)").fill("Staff sign in with Google.");
    await client.getByRole("button", { name: "File change request" }).click();
    await client.waitForSelector("#change-requests-panel .notice-ok");
    const row = client.locator("#cr-rows tr", { hasText: "Single sign-on for staff" });
    assertStringIncludes(await row.innerText(), "pending");
    assertEquals(client.url(), `${hubUrl}/change-requests`, "filed in place");
    assertEquals(await row.getByRole("button", { name: "Approve" }).count(), 0, "clients do not decide");
    await client.screenshot({ path: `${SCREENSHOT_DIR}/change_request_filed_light.png`, fullPage: true });
    const [cr] = await sql`SELECT id FROM change_requests WHERE project_id = ${projectId}`;

    // An admin approves it in place, with a comment.
    const admin = await openPage(browser, served.url, { opsdeck_session: p.alice.token, opsdeck_theme: "light" });
    watchErrors(admin, errors);
    await admin.goto(`${hubUrl}/change-requests`);
    const adminRow = admin.locator(`#cr-${cr.id}`);
    await adminRow.getByLabel("Comment on “Single sign-on for staff”").fill("Approved for the March release");
    const swapped = admin.waitForResponse((r) => r.url().endsWith("/approve"));
    await adminRow.getByRole("button", { name: "Approve" }).click();
    assertEquals((await swapped).status(), 200);
    await admin.waitForSelector(`#cr-${cr.id} .badge-up`);
    assertStringIncludes(await adminRow.innerText(), "by Alice");
    assertEquals(admin.url(), `${hubUrl}/change-requests`, "approved in place");

    // The client user reads the decision on the request's page.
    await client.goto(`${served.url}/change-requests/${cr.id}`);
    const timeline = await client.locator(".cr-timeline").innerText();
    assertStringIncludes(timeline, "Uma filed the request");
    assertStringIncludes(timeline, "Alice approved it");
    assertStringIncludes(timeline, "Approved for the March release");

    // The audit page shows the three actors' actions: client and project, the filing, the approval.
    await admin.goto(`${served.url}/audits`);
    const audit = await admin.locator("main").innerText();
    for (const action of ["client.create", "project.create", "change_request.create", "change_request.approve"]) {
      assertStringIncludes(audit, action);
    }
    await admin.screenshot({ path: `${SCREENSHOT_DIR}/catalog_audits_light.png`, fullPage: true });

    // A client user of another client sees none of it.
    const other = await openPage(browser, served.url, { opsdeck_session: p.erin.token });
    watchErrors(other, errors, (text) => text.includes("404"));
    for (
      const path of [`/projects/${projectId}`, `/projects/${projectId}/change-requests`, `/change-requests/${cr.id}`]
    ) {
      const res = await other.goto(`${served.url}${path}`);
      assertEquals(res?.status(), 404, path);
    }
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});

Deno.test("in Chromium: the documents and change request tabs and a request's page, light and dark (screenshots)", async () => {
  const served = await serveTestApp();
  const p = await genPersonas(served.db.sql);
  const project = await api(served.url, "/api/v1/projects", p.bob.bearer, {
    client_id: p.clients.acme.id,
    name: "Acme storefront",
    slug: "acme-storefront",
    environments: [{ name: "production", url: "https://shop.acme.example" }],
  });
  await api(served.url, "/api/v1/sows", p.bob.bearer, {
    project_id: project.id,
    name: "Phase 1: relaunch",
    status: "active",
    drive_id: "1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvW",
    signed_on: "2025-03-01",
    starts_on: "2025-03-15",
    ends_on: "2025-09-30",
    value: "48000",
    currency: "EUR",
  });
  await api(served.url, "/api/v1/sows", p.bob.bearer, {
    project_id: project.id,
    name: "Phase 2: loyalty programme",
    document_url: "https://docs.example.com/acme/phase-2.pdf",
  });
  const titles = [["Add Apple Pay", "critical"], ["Newsletter sign-up in the footer", "low"], [
    "Faster search",
    "normal",
  ]];
  const ids: string[] = [];
  for (const [title, priority] of titles) {
    ids.push(
      (await api(served.url, "/api/v1/change-requests", p.carol.bearer, { project_id: project.id, title, priority }))
        .id,
    );
  }
  for (const [verb, id] of [["approve", ids[0]], ["reject", ids[1]]]) {
    const res = await fetch(`${served.url}/api/v1/change-requests/${id}/${verb}`, {
      method: "POST",
      headers: { ...p.alice.bearer, "Content-Type": "application/json" },
      body: JSON.stringify({ comment: verb === "approve" ? "Go ahead" : "Not this year" }),
    });
    assertEquals(res.status, 200);
  }
  const browser = await launchBrowser();
  const errors: string[] = [];
  try {
    for (const theme of ["light", "dark"]) {
      const page = await openPage(browser, served.url, { opsdeck_session: p.alice.token, opsdeck_theme: theme });
      watchErrors(page, errors);
      await page.goto(`${served.url}/projects/${project.id}/documents`);
      await page.screenshot({ path: `${SCREENSHOT_DIR}/documents_tab_${theme}.png`, fullPage: true });
      // Editing loads the form in place of the create form.
      await page.getByRole("button", { name: "Edit Phase 2: loyalty programme" }).click();
      await page.waitForSelector("#sow-form h3:has-text('Edit')");
      assertEquals(await page.getByLabel("Name").inputValue(), "Phase 2: loyalty programme");
      await page.goto(`${served.url}/projects/${project.id}/change-requests`);
      await page.screenshot({ path: `${SCREENSHOT_DIR}/change_requests_tab_${theme}.png`, fullPage: true });
      await page.goto(`${served.url}/change-requests/${ids[0]}`);
      await page.screenshot({ path: `${SCREENSHOT_DIR}/change_request_${theme}.png`, fullPage: true });
      await page.context().close();
    }
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
