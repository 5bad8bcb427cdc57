/**
 * In Chromium against a real second PostgreSQL: add a source, test it in
 * place, read and browse its schema, write a parameterised query, run it (the
 * result table in place), save it; then the editor at 390 px wide.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { loadConfig } from "../../services/platform/config.ts";
import { closeAllSources } from "../../services/data_sources/kinds/mod.ts";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { startSourcePostgres } from "../helpers/source_postgres.ts";

Deno.test("in Chromium: add a PostgreSQL source, browse its schema, run and save a parameterised query; 390 px", async () => {
  const source = await startSourcePostgres();
  const served = await serveTestApp({
    config: loadConfig({ OPSDECK_SECRET: TEST_SECRET, OPSDECK_PROBE_ALLOW: "127.0.0.0/8" }),
  });
  const browser = await launchBrowser();
  try {
    const p = await genPersonas(served.db.sql);
    const page = await openPage(browser, served.url, { opsdeck_session: p.alice.token });
    const errors = watchErrors(page);

    await page.goto(served.url + "/data-sources");
    // A new organisation has only the built-in source over its own checks, deployments and alerts.
    assertStringIncludes(await page.locator("main").innerText(), "Opsdeck\topsdeck\tconnected");
    await page.getByLabel("Name").fill("Shop");
    await page.getByLabel("Host").fill(source.host);
    await page.getByLabel("Port").fill(String(source.port));
    await page.getByLabel("Database").fill(source.database);
    await page.getByLabel("User").fill(source.user);
    await page.getByLabel("Password").fill(source.password);
    await page.getByLabel("TLS").selectOption("disable");
    await page.getByRole("button", { name: "Add PostgreSQL source" }).click();
    await page.waitForURL(/\/data-sources\/[0-9a-f-]{36}$/);

    await page.getByRole("button", { name: "Test connection" }).click();
    await page.locator("#source-status .badge-up").waitFor();
    await page.getByRole("button", { name: "Read schema" }).click();
    await page.locator("#schema-browser details").first().waitFor();
    assertEquals(await page.locator("#schema-browser summary").allInnerTexts(), [
      "public.customers (4 columns)",
      "public.events (4 columns)",
      "public.orders (5 columns)",
    ]);
    await page.locator("#schema-browser summary", { hasText: "orders" }).click();
    assertStringIncludes(await page.locator("#schema-browser").innerText(), "customer_id integer not null");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/data_source.png`, fullPage: true });

    await page.getByRole("button", { name: "New query" }).click();
    await page.getByLabel(/^SQL/).fill(
      "SELECT status, count(*)::int AS orders, sum(total) AS revenue FROM orders WHERE total >= {{min}} GROUP BY status",
    );
    await page.getByLabel(/^Parameters/).fill("min number");
    await page.getByLabel(/^Values/).fill("min=abc");
    await page.getByRole("button", { name: "Run" }).click();
    await page.locator("#query-result [role=alert]").waitFor();
    assertStringIncludes(await page.locator("#query-result").innerText(), "parameters.min: must be a number");
    await page.getByLabel(/^Values/).fill("min=100");
    await page.getByRole("button", { name: "Run" }).click();
    await page.locator("#query-result table").waitFor();
    const cells = await page.locator("#query-result tbody td").allInnerTexts();
    assertEquals(cells[0], "paid");
    assert(Number(cells[1]) > 0);
    await page.getByLabel("Name", { exact: true }).fill("Big orders");
    await page.getByRole("button", { name: "Save query" }).click();
    await page.waitForURL(/\/queries\/[0-9a-f-]{36}$/);
    assertEquals(await page.locator("h1").innerText(), "Big orders");

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByLabel(/^Values/).fill("min=100");
    await page.getByRole("button", { name: "Run" }).click();
    await page.locator("#query-result table").waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);
    assert(overflow <= 0, `the page scrolls sideways by ${overflow} px at 390 px`);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/query_editor_390.png`, fullPage: true });
    await page.goto(served.url + "/queries");
    assertStringIncludes(await page.locator("main").innerText(), "Big orders");
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
    await closeAllSources();
    await source.stop();
  }
});
