/**
 * In Chromium: an employee creates a client and a project with two
 * environments through the pages, walks the hub's tabs (htmx, URL pushed)
 * and searches the projects list in place; screenshots of /projects and the
 * hub in light and dark.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import type { Browser } from "playwright-core";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { genProject } from "../helpers/catalog.ts";
import { genPersonas } from "../helpers/fixtures.ts";

/** The project form's 422 on purpose is not an error. */
const expected = (text: string) => text.includes("status of 422");

Deno.test("in Chromium: an employee creates a client and a project with two environments, then uses the hub and the list", async () => {
  const served = await serveTestApp();
  const p = await genPersonas(served.db.sql);
  for (const [i, name] of ["Billing API", "Customer portal", "Data warehouse"].entries()) {
    await genProject(served.db.sql, p.tenant.id, p.clients.globex.id, {
      name,
      tags: i % 2 ? ["internal"] : ["eu", "public"],
      environments: [{ name: "production", url: `https://p${i}.globex.example` }],
    });
  }
  const browser: Browser = await launchBrowser();
  const errors: string[] = [];
  try {
    const page = await openPage(browser, served.url, { opsdeck_session: p.bob.token, opsdeck_theme: "light" });
    watchErrors(page, errors, expected);

    // A client, through the clients page.
    await page.goto(`${served.url}/clients`);
    await page.getByLabel("Name").fill("Umbrella");
    await page.getByRole("button", { name: "Add client" }).click();
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    assertStringIncludes(await page.locator("h1").innerText(), "Umbrella");

    // A project with two environments; the second row is added by htmx in place.
    await page.getByRole("link", { name: "Create the first one" }).click();
    await page.waitForURL(/\/projects\/new\?client_id=/);
    await page.getByLabel("Name", { exact: true }).fill("Umbrella portal");
    await page.getByLabel("Slug").fill("Umbrella Portal");
    await page.getByLabel("Environment URL").first().fill("https://umbrella.example");
    await page.getByRole("button", { name: "Add environment" }).click();
    await page.waitForSelector(".environment-row:nth-of-type(2)");
    assertEquals(page.url().includes("/projects/new"), true, "no navigation when adding a row");
    await page.getByLabel("Environment name").nth(1).fill("staging");
    await page.getByLabel("Environment URL").nth(1).fill("https://staging.umbrella.example");
    await page.getByLabel("Tags (comma-separated, optional)").fill("portal, eu");
    // A bad slug comes back inline, with everything typed kept.
    await page.getByRole("button", { name: "Create project" }).click();
    await page.waitForSelector("#slug-error");
    assertEquals(await page.getByLabel("Environment name").nth(1).inputValue(), "staging");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/project_form_errors_light.png`, fullPage: true });
    await page.getByLabel("Slug").fill("umbrella-portal");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    const hubUrl = page.url();
    const overview = await page.locator("#hub-panel").innerText();
    assertStringIncludes(overview, "https://umbrella.example");
    assertStringIncludes(overview, "https://staging.umbrella.example");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/project_hub_light.png`, fullPage: true });

    // Tabs load in place and push their own address.
    await page.evaluate(() => (globalThis as unknown as { stayed: boolean }).stayed = true);
    await page.locator(".hub-tabs").getByRole("link", { name: "Deployments" }).click();
    await page.waitForURL(`${hubUrl}/deployments`);
    assertStringIncludes(await page.locator("#hub-panel").innerText(), "No deployments yet");
    assertEquals(await page.locator('.hub-tabs a[aria-current="page"]').innerText(), "Deployments");
    await page.locator(".hub-tabs").getByRole("link", { name: "Audit" }).click();
    await page.waitForURL(`${hubUrl}/audit`);
    assertStringIncludes(await page.locator("#hub-panel").innerText(), "project.create");
    assert(await page.evaluate(() => (globalThis as unknown as { stayed?: boolean }).stayed), "no full reload");

    // The list: search and filter by htmx, without a reload, the address following.
    await page.goto(`${served.url}/projects`);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/projects_light.png`, fullPage: true });
    await page.evaluate(() => (globalThis as unknown as { stayed: boolean }).stayed = true);
    await page.getByLabel("Search projects").fill("umbrel");
    await page.waitForURL(/q=umbrel/);
    await page.waitForFunction(() => document.querySelectorAll("#project-rows tr").length === 1);
    assertStringIncludes(await page.locator("#project-rows").innerText(), "Umbrella portal");
    await page.getByLabel("Search projects").fill("");
    await page.getByLabel("Sort").selectOption("-name");
    await page.waitForURL(/sort=-name/);
    await page.waitForFunction(() => document.querySelectorAll("#project-rows tr").length === 4);
    const first = await page.locator("#project-rows tr").first().innerText();
    assertStringIncludes(first, "Umbrella portal");
    assert(await page.evaluate(() => (globalThis as unknown as { stayed?: boolean }).stayed), "no full reload");

    // The same pages in the dark theme.
    const dark = await openPage(browser, served.url, { opsdeck_session: p.bob.token, opsdeck_theme: "dark" });
    watchErrors(dark, errors, expected);
    await dark.goto(`${served.url}/projects`);
    await dark.screenshot({ path: `${SCREENSHOT_DIR}/projects_dark.png`, fullPage: true });
    await dark.goto(`${served.url}/clients/${p.clients.globex.id}`);
    await dark.screenshot({ path: `${SCREENSHOT_DIR}/client_dark.png`, fullPage: true });
    await dark.goto(hubUrl);
    await dark.screenshot({ path: `${SCREENSHOT_DIR}/project_hub_dark.png`, fullPage: true });
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
