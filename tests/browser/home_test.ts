import { assertEquals, assertStringIncludes } from "@std/assert";
import { launchBrowser, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { serveTestApp } from "../helpers/app.ts";
import { GOOD_PASSWORD } from "../helpers/fixtures.ts";

Deno.test("first run in Chromium: set-up, then the overview goes live with htmx and switches theme", async () => {
  const served = await serveTestApp();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);

    await page.goto(served.url + "/");
    assertEquals(new URL(page.url()).pathname, "/setup");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/setup.png`, fullPage: true });
    await page.getByLabel("Organisation").fill("Acme Agency");
    await page.getByLabel("Your name").fill("Ada Admin");
    await page.getByLabel("E-mail").fill("ada@example.com");
    await page.getByLabel("Password").fill(GOOD_PASSWORD);
    await page.getByRole("button", { name: "Create organisation" }).click();
    await page.waitForURL(served.url + "/");
    assertEquals(await page.title(), "Overview · Opsdeck");
    assertStringIncludes(await page.locator("header").innerText(), "Ada Admin");
    assertStringIncludes(await page.locator("h1").innerText(), "Overview");
    assertStringIncludes(await page.locator("#status-panel").innerText(), "PostgreSQL");
    assertEquals(await page.locator(".stat").count(), 5);
    assertEquals(await page.evaluate(() => typeof (globalThis as { htmx?: unknown }).htmx), "object");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/home_light.png`, fullPage: true });

    // The status panel is an htmx fragment: refresh it the way its poll does and see it swap in place.
    const before = await page.locator("#status-panel time").getAttribute("datetime");
    await page.waitForTimeout(20);
    await page.evaluate(() =>
      (globalThis as unknown as { htmx: { ajax: (m: string, u: string, o: object) => Promise<void> } }).htmx.ajax(
        "GET",
        "/ui/status",
        { target: "#status-panel", swap: "outerHTML" },
      )
    );
    await page.waitForFunction(
      (old) => document.querySelector("#status-panel time")?.getAttribute("datetime") !== old,
      before,
    );
    assertEquals(await page.locator("#status-panel").count(), 1);

    await page.getByRole("button", { name: "Theme: system" }).click();
    await page.waitForURL(served.url + "/");
    assertEquals(await page.locator("html").getAttribute("data-theme"), "dark");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/home_dark.png`, fullPage: true });
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
