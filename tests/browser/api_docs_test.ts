import { assertEquals, assertStringIncludes } from "@std/assert";
import type { Page } from "playwright-core";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { serveTestApp } from "../helpers/app.ts";
import { genPersonas, signIn } from "../helpers/fixtures.ts";
import { createKey } from "../helpers/api_keys.ts";

/** Opens an operation in Swagger UI, runs Try-it-out with `body` (if any) and returns the answer's status. */
async function tryItOut(page: Page, operation: string, body?: string): Promise<string> {
  const block = page.locator(`#${operation}`);
  await block.locator(".opblock-summary").click();
  await block.locator(".try-out__btn").click();
  if (body !== undefined) await block.locator("textarea.body-param__text").fill(body);
  await block.locator("button.execute").click();
  const status = block.locator(".live-responses-table tbody .response-col_status").first();
  await status.waitFor();
  return (await status.innerText()).trim();
}

Deno.test("in Chromium: /docs Try-it-out POSTs as the signed-in user (CSRF header sent); Authorize takes an API key", async () => {
  const served = await serveTestApp();
  const p = await genPersonas(served.db.sql);
  const who = await signIn(served.db.sql, p.alice.user);
  const browser = await launchBrowser();
  try {
    const page = await openPage(browser, served.url, { opsdeck_session: who.token });
    // Swagger UI asks for files we do not serve (a favicon, source maps): those 404s are not the API's.
    const errors = watchErrors(page, [], (text) => text.includes("status of 404"));
    // Filtered to one tag: past ~120 operations Swagger UI renders only what is on screen.
    await page.goto(served.url + "/docs");
    await page.fill(".operation-filter-input", "Clients");
    await page.waitForSelector("#operations-Clients-createClient");
    assertEquals(await page.locator("button.authorize").count(), 1, "an Authorize button");

    const status = await tryItOut(page, "operations-Clients-createClient", '{ "name": "Made in the docs" }');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/api_docs_try_it_out.png` });
    assertEquals(status, "201");
    const rows = await served.db
      .sql`SELECT name FROM clients WHERE tenant_id = ${p.tenant.id} AND name = 'Made in the docs'`;
    assertEquals(rows.length, 1);
    assertEquals(errors, []);
    // What Try-it-out added: the same POST from this page without the CSRF header is refused.
    const bare = await page.evaluate(() =>
      fetch("/api/v1/clients", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: "No token" }),
      }).then((r) => r.status)
    );
    assertEquals(bare, 403);

    // No cookie: Authorize with an API key, then a read succeeds with it.
    const { key } = await createKey(served.app, p.bob.bearer, { scopes: ["clients:read"] });
    const anonymous = await openPage(browser, served.url);
    await anonymous.goto(served.url + "/docs");
    await anonymous.fill(".operation-filter-input", "Clients");
    await anonymous.waitForSelector("#operations-Clients-listClients");
    await anonymous.locator("button.authorize").first().click();
    const dialog = anonymous.locator(".dialog-ux");
    await dialog.locator("input[type=text], input[type=password]").first().fill(key);
    await dialog.locator("button.authorize").first().click();
    await dialog.locator("button.btn-done").first().click();
    assertEquals(await tryItOut(anonymous, "operations-Clients-listClients"), "200");
    assertStringIncludes(
      await anonymous.locator("#operations-Clients-listClients .live-responses-table").innerText(),
      "Acme",
    );
  } finally {
    await browser.close();
    await served.stop();
  }
});
