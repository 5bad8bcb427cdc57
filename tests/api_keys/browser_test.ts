import { assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { serveTestApp } from "../helpers/app.ts";
import { genPersonas, signIn } from "../helpers/fixtures.ts";

Deno.test("in Chromium: create a scoped key, see it once, revoke it in place with htmx; light and dark", async () => {
  const served = await serveTestApp();
  const p = await genPersonas(served.db.sql);
  const who = await signIn(served.db.sql, p.alice.user);
  const browser = await launchBrowser();
  try {
    const page = await openPage(browser, served.url, { opsdeck_session: who.token });
    const errors = watchErrors(page);

    await page.goto(served.url + "/api-keys");
    assertStringIncludes(await page.locator("main").innerText(), "You have no API keys yet.");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/api_keys_empty_light.png`, fullPage: true });

    await page.getByLabel("Name").fill("GitHub Actions deploy");
    await page.getByLabel("deployments:read").check();
    await page.getByLabel("deployments:write").check();
    await page.getByRole("button", { name: "Create key" }).click();
    await page.waitForSelector(".new-key");
    const key = await page.locator(".new-key input").inputValue();
    assertMatch(key, /^odk_[A-Za-z0-9_-]{43}$/);
    assertStringIncludes(await page.locator(".api-keys-table tbody").innerText(), "deployments:write");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/api_keys_created_light.png`, fullPage: true });

    const res = await fetch(served.url + "/api/v1/me", { headers: { Authorization: `Bearer ${key}` } });
    assertEquals((await res.json()).permissions, ["deployments:read", "deployments:write"]);

    page.once("dialog", (dialog) => dialog.accept());
    const url = page.url();
    await page.getByRole("button", { name: "Revoke" }).click();
    await page.waitForSelector(".api-keys-table .badge-down");
    assertEquals(page.url(), url, "revoked in place, no navigation");
    assertEquals((await fetch(served.url + "/api/v1/me", { headers: { Authorization: `Bearer ${key}` } })).status, 401);

    await page.getByRole("button", { name: "Theme: system" }).click();
    await page.waitForURL(served.url + "/api-keys");
    assertEquals(await page.locator("html").getAttribute("data-theme"), "dark");
    await page.goto(served.url + "/api-keys?all=true");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/api_keys_all_dark.png`, fullPage: true });
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
