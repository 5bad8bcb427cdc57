/**
 * In Chromium, the first-use bugs of issue 12 that only a browser shows: the
 * projects list keeps its address, the profile time zone (and the browser's
 * when none is chosen) shows on the pages, and /checks and /alerts fit 390 px.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import type { Browser } from "playwright-core";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { genProject } from "../helpers/catalog.ts";
import { created } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { checkEvent, fire, genCheck } from "../helpers/alerts.ts";

/** Far from any day boundary in the zones used below. */
const CHANGED_AT = new Date("2026-03-01T09:30:00Z");

Deno.test("in Chromium: first-use bugs stay fixed", async (t) => {
  const served = await serveTestApp();
  const sql = served.db.sql;
  const p = await genPersonas(sql);
  const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop", tags: ["eu"] });
  // Past the trigger that stamps updated_at with now().
  await sql.begin(async (tx) => {
    await tx`SET LOCAL session_replication_role = replica`;
    await tx`UPDATE projects SET updated_at = ${CHANGED_AT} WHERE id = ${shop.id}`;
  });
  const browser: Browser = await launchBrowser();
  const errors: string[] = [];
  try {
    await t.step("1. /projects keeps its address after the tag suggestions load; reload shows the list", async () => {
      const page = await openPage(browser, served.url, { opsdeck_session: p.bob.token, opsdeck_theme: "light" });
      watchErrors(page, errors);
      const tags = page.waitForResponse((r) => r.url().endsWith("/projects/tags"));
      await page.goto(`${served.url}/projects`);
      await tags;
      await page.waitForTimeout(100);
      assertEquals(new URL(page.url()).pathname, "/projects");
      await page.reload();
      assertStringIncludes(await page.locator("h1").innerText(), "Projects");
      await page.context().close();
    });

    await t.step("2. the profile time zone shows on the pages; without one, the browser's", async () => {
      await sql`UPDATE users SET timezone = 'Asia/Tokyo' WHERE id = ${p.bob.user.id}`;
      const page = await openPage(browser, served.url, { opsdeck_session: p.bob.token, opsdeck_theme: "light" });
      watchErrors(page, errors);
      await page.goto(`${served.url}/projects`);
      const time = page.locator(`#project-rows time`).first();
      assertStringIncludes(await time.getAttribute("title") ?? "", "2026-03-01 18:30");
      await page.context().close();

      await sql`UPDATE users SET timezone = NULL WHERE id = ${p.bob.user.id}`;
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        timezoneId: "America/New_York",
      });
      await context.addCookies([{ name: "opsdeck_session", value: p.bob.token, url: served.url }]);
      const inBrowserZone = await context.newPage();
      watchErrors(inBrowserZone, errors);
      await inBrowserZone.goto(`${served.url}/projects`);
      const local = inBrowserZone.locator(`#project-rows time`).first();
      assertStringIncludes(await local.getAttribute("title") ?? "", "2026-03-01 04:30");
      await context.close();
    });

    await t.step("3. /checks and /alerts fit 390 px: the check name is readable, nothing overflows", async () => {
      await created(served.app, "/api/v1/alert-rules", p.alice.bearer, { name: "Down", kind: "check_down" });
      const check = await genCheck(sql, p.tenant.id, shop.id, "Storefront homepage");
      await fire(sql, checkEvent("health_check.down", check, p.tenant.id));
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      await context.addCookies([{ name: "opsdeck_session", value: p.bob.token, url: served.url }]);
      const page = await context.newPage();
      watchErrors(page, errors);
      for (const path of ["/checks", "/alerts"]) {
        await page.goto(`${served.url}${path}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth);

        await page.screenshot({ path: `${SCREENSHOT_DIR}/bug3${path.replace("/", "_")}_390.png`, fullPage: true });
        assert(overflow <= 390, `${path} is ${overflow} px wide at 390 px`);
      }
      await page.goto(`${served.url}/checks`);
      const name = await page.getByRole("link", { name: "Storefront homepage" }).boundingBox();
      assert(name && name.width > 100, `the check name is ${name?.width} px wide`);
      await context.close();
    });
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
