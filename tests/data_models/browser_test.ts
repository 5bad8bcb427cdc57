/** In Chromium: define a model with a join and a calculated field through the form, then run it in the builder. */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { loadConfig } from "../../services/platform/config.ts";
import { closeAllSources } from "../../services/data_sources/kinds/mod.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { serveTestApp } from "../helpers/app.ts";
import { axeViolations } from "../helpers/axe.ts";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { startSourcePostgres } from "../helpers/source_postgres.ts";

const SHOTS = Deno.env.get("OPSDECK_MODEL_SHOTS") ?? SCREENSHOT_DIR;

Deno.test("in Chromium: a model joining orders to customers, built and run; 390 px", async () => {
  const source = await startSourcePostgres();
  const served = await serveTestApp({
    config: loadConfig({ OPSDECK_SECRET: TEST_SECRET, OPSDECK_PROBE_ALLOW: "127.0.0.0/8" }),
  });
  const browser = await launchBrowser();
  try {
    const p = await genPersonas(served.db.sql);
    const headers = { ...p.alice.bearer, "Content-Type": "application/json" };
    const created = await (await fetch(`${served.url}/api/v1/data-sources`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        name: "Shop",
        kind: "postgresql",
        config: source.settings,
      }),
    })).json();
    await (await fetch(`${served.url}/api/v1/data-sources/${created.id}/introspect`, { method: "POST", headers }))
      .body?.cancel();
    const page = await openPage(browser, served.url, { opsdeck_session: p.alice.token });
    const errors = watchErrors(page);

    await page.goto(`${served.url}/data-models/new`);
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Name", { exact: true }).first().fill("Orders by country");
    await page.locator('select[name="tables.0.table"]').selectOption("public.orders");
    await page.locator('select[name="tables.1.table"]').selectOption("public.customers");
    await page.locator('input[name="joins.0.alias"]').fill("customers");
    await page.locator('input[name="joins.0.on.0.left"]').fill("orders.customer_id");
    await page.locator('input[name="joins.0.on.0.right"]').fill("customers.id");
    await page.locator('input[name="calculated_fields.0.name"]').fill("net");
    await page.locator('input[name="calculated_fields.0.expression"]').fill("orders.total * 0.8");
    await page.screenshot({ path: `${SHOTS}/data-model-form-1280.png`, fullPage: true });
    assertEquals(await axeViolations(page), [], "the model form");
    await page.getByRole("button", { name: "Save model" }).click();
    await page.waitForURL(/\/data-models\/[0-9a-f-]{36}$/);

    await page.locator('select[name="dimensions.0.field"]').selectOption("customers.country");
    await page.locator('select[name="measures.0.fn"]').selectOption("sum");
    await page.locator('select[name="measures.0.field"]').selectOption("net");
    await page.locator('input[name="sort.output"]').fill("1");
    await page.locator('select[name="sort.direction"]').selectOption("asc");
    await page.getByRole("button", { name: "Run" }).click();
    await page.locator("#model-run table").waitFor();
    const cells = await page.locator("#model-run tbody tr td:first-child").allTextContents();
    const direct = await source.admin`SELECT DISTINCT country FROM customers ORDER BY 1`;
    assertEquals(cells, direct.map((r) => r.country));
    assertStringIncludes(await page.locator("#model-run pre").textContent() ?? "", 'JOIN "public"."customers"');
    await page.screenshot({ path: `${SHOTS}/data-model-run-1280.png`, fullPage: true });
    assertEquals(await axeViolations(page), [], "the model's builder with a result");

    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);
    assertEquals(overflow <= 0, true, `page wider than 390 px by ${overflow}`);
    await page.screenshot({ path: `${SHOTS}/data-model-run-390.png`, fullPage: true });

    await page.getByRole("button", { name: "Open in the query editor" }).click();
    await page.waitForURL(/\/data-models\/.*\/builder$/);
    assertStringIncludes(await page.locator('textarea[name="query_text"]').inputValue(), "sum((");
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
    await closeAllSources();
    await source.stop();
  }
});
