/**
 * In Chromium: an employee acknowledges an alert in the inbox with a comment
 * (the row is swapped in place by htmx), then resolves it; the alert's page
 * shows the timeline. Screenshots of the inbox, the alert page and the rules
 * page in light and dark.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import type { Browser } from "playwright-core";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { genProject } from "../helpers/catalog.ts";
import { created } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { checkEvent, deploymentEvent, fire, genCheck } from "../helpers/alerts.ts";

Deno.test("in Chromium: acknowledge an alert in the inbox, then resolve it", async () => {
  const served = await serveTestApp();
  const sql = served.db.sql;
  const p = await genPersonas(sql);
  const t = p.tenant.id;
  const shop = await genProject(sql, t, p.clients.acme.id, { name: "Acme shop" });
  const portal = await genProject(sql, t, p.clients.globex.id, { name: "Globex portal" });
  const rule = (body: Record<string, unknown>) => created(served.app, "/api/v1/alert-rules", p.alice.bearer, body);
  await rule({ name: "Shop down", kind: "check_down", project_id: shop.id, severity: "critical" });
  await rule({ name: "Failed deploys", kind: "deployment_failed", environment: "production" });
  await rule({ name: "Slow pages", kind: "check_degraded", severity: "info" });
  const homepage = await genCheck(sql, t, shop.id, "Storefront homepage");
  const search = await genCheck(sql, t, portal.id, "Portal search");
  await fire(sql, checkEvent("health_check.degraded", search, t, { detail: "1840 ms > 800 ms" }));
  await fire(sql, deploymentEvent("deployment.failed", t, portal.id, "production", "Globex portal"));
  await fire(sql, checkEvent("health_check.down", homepage, t));
  const [{ id }] = await sql`SELECT id FROM alerts WHERE check_id = ${homepage.id}`;

  const browser: Browser = await launchBrowser();
  const errors: string[] = [];
  try {
    const page = await openPage(browser, served.url, { opsdeck_session: p.bob.token, opsdeck_theme: "light" });
    watchErrors(page, errors);
    await page.goto(`${served.url}/alerts`);
    const row = page.locator(`#alert-${id}`);
    assertStringIncludes(await row.innerText(), "Storefront homepage is down");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/alerts_inbox_light.png`, fullPage: true });

    await row.getByLabel(/Comment on/).fill("Database failover, on it");
    await row.getByRole("button", { name: "Acknowledge" }).click();
    await page.locator(`#alert-${id} .badge-pending`).waitFor();
    assertEquals(page.url(), `${served.url}/alerts`, "swapped in place, no navigation");
    assertStringIncludes(await page.locator(`#alert-${id}`).innerText(), "by Bob");

    await page.locator(`#alert-${id}`).getByRole("button", { name: "Resolve" }).click();
    await page.locator(`#alert-${id} .badge-up`).waitFor();
    assertEquals(await page.locator(`#alert-${id}`).getByRole("button").count(), 0);
    const [stored] = await sql`SELECT status FROM alerts WHERE id = ${id}`;
    assertEquals(stored.status, "resolved");

    await page.goto(`${served.url}/alerts/${id}`);
    const timeline = await page.locator(".alert-timeline").innerText();
    assert(timeline.indexOf("acknowledged") < timeline.indexOf("resolved"), timeline);
    assertStringIncludes(timeline, "Database failover, on it");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/alert_page_light.png`, fullPage: true });
    await page.goto(`${served.url}/alert-rules`);
    await page.getByLabel("When").selectOption("metric_threshold");
    assert(await page.getByLabel("Metric type").isVisible());
    assert(!(await page.getByLabel("Days before expiry").isVisible()));
    await page.screenshot({ path: `${SCREENSHOT_DIR}/alert_rules_light.png`, fullPage: true });

    const dark = await openPage(browser, served.url, { opsdeck_session: p.alice.token, opsdeck_theme: "dark" });
    watchErrors(dark, errors);
    await dark.goto(`${served.url}/alerts?status=all`);
    await dark.screenshot({ path: `${SCREENSHOT_DIR}/alerts_inbox_dark.png`, fullPage: true });
    const [open] = await sql`SELECT id FROM alerts WHERE status = 'triggered' ORDER BY created_at LIMIT 1`;
    await dark.goto(`${served.url}/alerts/${open.id}`);
    await dark.screenshot({ path: `${SCREENSHOT_DIR}/alert_page_dark.png`, fullPage: true });
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
