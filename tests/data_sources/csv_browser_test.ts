/**
 * In Chromium: add a CSV source by name, upload a file through the page (the
 * request body is the file, with a progress bar), see the inferred types,
 * change one, and query the table; then the source page at 390 px.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { closeAllSources } from "../../services/data_sources/kinds/mod.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";

Deno.test("in Chromium: a CSV file uploaded with progress, typed, and queried; 390 px", async () => {
  const served = await serveTestApp({ config: loadConfig({ OPSDECK_SECRET: TEST_SECRET }) });
  const browser = await launchBrowser();
  const dir = await Deno.makeTempDir({ prefix: "opsdeck-csv-" });
  try {
    const p = await genPersonas(served.db.sql);
    const file = `${dir}/orders.csv`;
    const rows = Array.from({ length: 2000 }, (_, i) => `${i + 1},Customer ${i % 40},${(i % 90) + 0.5},${i % 2 === 0}`);
    await Deno.writeTextFile(file, ["id,customer,amount,paid", ...rows].join("\n") + "\n");
    const page = await openPage(browser, served.url, { opsdeck_session: p.alice.token });
    const errors = watchErrors(page);

    await page.goto(served.url + "/data-sources");
    await page.getByLabel("Kind").selectOption("csv");
    await page.getByRole("button", { name: "Add CSV file source" }).waitFor();
    await page.getByLabel("Name").fill("Orders export");
    await page.getByRole("button", { name: "Add CSV file source" }).click();
    await page.waitForURL(/\/data-sources\/[0-9a-f-]{36}$/);
    assertStringIncludes(await page.locator("hgroup").innerText(), "no file yet");

    await page.getByLabel(/^CSV file/).setInputFiles(file);
    await page.getByRole("button", { name: "Upload" }).click();
    await page.locator("hgroup", { hasText: "2000 rows from an uploaded file" }).waitFor();
    assertEquals(await page.getByLabel("Type of amount").inputValue(), "number");
    assertEquals(await page.getByLabel("Type of paid").inputValue(), "boolean");
    assertStringIncludes(await page.locator("#schema-browser").innerText(), "Last read");
    assertEquals(await page.locator("#schema-browser summary").allInnerTexts(), ["data (4 columns)"]);
    await page.getByLabel("Type of id").selectOption("text");
    await page.getByRole("button", { name: "Save types" }).click();
    await page.waitForURL(/\/data-sources\/[0-9a-f-]{36}$/);
    assertEquals(await page.getByLabel("Type of id").inputValue(), "text");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/csv_source.png`, fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);
    assert(overflow <= 0, `the page scrolls sideways by ${overflow} px at 390 px`);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/csv_source_390.png`, fullPage: true });
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
    await closeAllSources();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
