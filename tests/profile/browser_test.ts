import { assertEquals, assertStringIncludes } from "@std/assert";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { serveTestApp } from "../helpers/app.ts";
import { genPersonas, signIn } from "../helpers/fixtures.ts";

Deno.test("in Chromium: profile and theme saved, another session revoked in place; light and dark", async () => {
  const served = await serveTestApp();
  const p = await genPersonas(served.db.sql);
  const who = await signIn(served.db.sql, p.bob.user);
  const browser = await launchBrowser();
  try {
    const page = await openPage(browser, served.url, { opsdeck_session: who.token });
    const errors = watchErrors(page);

    await page.goto(served.url + "/profile");
    await page.getByLabel("Time zone").selectOption("Europe/Berlin");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.waitForURL(served.url + "/profile?saved=profile");
    assertStringIncludes(await page.locator("[role=status]").innerText(), "Profile saved.");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/profile_light.png`, fullPage: true });

    await page.getByLabel("Dark").check();
    await page.getByRole("button", { name: "Save theme" }).click();
    await page.waitForURL(served.url + "/profile?saved=theme");
    assertEquals(await page.locator("html").getAttribute("data-theme"), "dark");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/profile_dark.png`, fullPage: true });

    await page.goto(served.url + "/profile/sessions");
    assertEquals(await page.locator("tbody tr").count(), 2, "this browser and the fixture's session");
    assertStringIncludes(await page.locator("tbody").innerText(), "this device");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/sessions_dark.png`, fullPage: true });
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Revoke" }).click();
    await page.waitForFunction(() => document.querySelectorAll("tbody tr").length === 1);
    const res = await fetch(served.url + "/api/v1/me", { headers: p.bob.bearer });
    assertEquals(res.status, 401, "the revoked session ends at once");
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
