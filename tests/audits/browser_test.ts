import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { cookiesFor, launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { serveTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { genAudits, userUpdate } from "../helpers/audits.ts";

Deno.test("the audit page in Chromium: filter by action, scroll loads more, open a row's diff", async () => {
  const served = await serveTestApp();
  const p = await genPersonas(served.db.sql);
  await genAudits(served.db.sql, p.tenant.id, 130, (i) =>
    i % 2 === 0
      ? userUpdate(p.alice.user, p.bob.user.id, {
        before: { role: "employee", name: "Bob", status: "active", phone: "+1 555 0100" },
        after: { role: i === 128 ? "admin" : "employee", name: "Bob", status: "active", timezone: "Europe/Paris" },
      })
      : { action: "project.update", resourceType: "project", details: { after: { name: `Project ${i}` } } });
  const browser = await launchBrowser();
  try {
    const page = await openPage(browser, served.url, { opsdeck_session: p.alice.token, opsdeck_theme: "light" });
    const errors = watchErrors(page);
    const rows = page.locator("tr.audit-row");

    await page.goto(served.url + "/audits");
    assertEquals(await page.title(), "Audit log · Opsdeck");
    assertEquals(await rows.count(), 50);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/audits_light.png` });

    await page.getByLabel("Action").selectOption("user.update");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/action=user\.update/);
    assertEquals(await rows.count(), 50);
    assertEquals(
      await page.locator("tr.audit-row .audit-action").evaluateAll((els) => [
        ...new Set(els.map((e) => e.textContent)),
      ]),
      ["user.update"],
    );

    // Scrolling the last row into view makes htmx fetch the next page and put it in place of the "older" row.
    await page.locator("tr.audit-more").scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelectorAll("tr.audit-row").length === 65);
    assertEquals(await page.locator("tr.audit-more").count(), 0);
    const seqs = await rows.evaluateAll((els) => els.map((e) => Number(e.id.slice("audit-".length))));
    assertEquals(new Set(seqs).size, 65);
    assert(seqs.every((s, i) => i === 0 || s < seqs[i - 1]), "still newest first");

    await rows.first().locator(".audit-action").click();
    await page.waitForURL(/\/audits\/[0-9a-f-]{36}$/);
    assertStringIncludes(await page.locator("h1").innerText(), "user.update");
    assertEquals(await page.locator(".diff-summary").innerText(), "1 changed · 1 added · 1 removed · 2 unchanged");
    assertEquals(await page.locator("tr.diff-changed code").innerText(), "role");
    assertEquals(await page.locator("tr.diff-changed del").innerText(), "employee");
    assertEquals(await page.locator("tr.diff-changed ins").innerText(), "admin");
    assertEquals(await page.locator("tr.diff-added code").innerText(), "timezone");
    assertEquals(await page.locator("tr.diff-removed code").innerText(), "phone");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/audit_diff_light.png`, fullPage: true });

    await page.context().addCookies(cookiesFor(served.url, { opsdeck_theme: "dark" }));
    await page.reload();
    assertEquals(await page.locator("html").getAttribute("data-theme"), "dark");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/audit_diff_dark.png`, fullPage: true });
    await page.goto(served.url + "/audits?action=user.update&since=2025-03-01&until=2025-03-01");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/audits_dark.png` });
    assertEquals(errors, []);
    // Chromium logs the 422 itself as a console error, so this page comes after the check.
    await page.goto(served.url + "/audits?since=2025-04-02&until=2025-04-01");
    assertEquals(await page.locator("#until-error").innerText(), "must be after since");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/audits_bad_filter_dark.png` });
  } finally {
    await browser.close();
    await served.stop();
  }
});
