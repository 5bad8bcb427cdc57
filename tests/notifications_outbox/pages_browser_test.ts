import { assertEquals, assertStringIncludes } from "@std/assert";
import { createDispatcher } from "../../services/notifications/dispatcher.ts";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { genProject } from "../helpers/catalog.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { dispatcherDeps, emit, genChannel, genRule, startReceiver } from "./_outbox.ts";

Deno.test("in Chromium: rules and the delivery log, light and dark; disable a rule and re-send a dead delivery in place", async () => {
  const served = await serveTestApp();
  const receiver = startReceiver();
  const browser = await launchBrowser();
  try {
    const sql = served.db.sql;
    const p = await genPersonas(sql);
    const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
    const hook = await genChannel(sql, p.tenant.id, { url: receiver.url, name: "Ops webhook" });
    const slack = await genChannel(sql, p.tenant.id, { url: receiver.url, name: "#alerts", type: "slack" });
    await genRule(sql, p.tenant.id, hook, { eventTypes: ["deployment.failed", "deployment.succeeded"] });
    await genRule(sql, p.tenant.id, slack, {
      eventTypes: ["health_check.down"],
      projectId: shop.id,
      digestMinutes: 15,
    });
    await emit(sql, p.tenant.id, { projectId: shop.id });
    await emit(sql, p.tenant.id, { type: "deployment.succeeded", projectId: shop.id });
    receiver.script.push(new Response("busy", { status: 503 }), new Response("ok"));
    const dispatcher = createDispatcher(dispatcherDeps(sql, () => new Date()));
    await dispatcher.tick();
    await emit(sql, p.tenant.id, { projectId: shop.id });
    receiver.script.push(new Response("gone", { status: 410 }));
    await dispatcher.tick();
    await emit(sql, p.tenant.id, { type: "health_check.down", projectId: shop.id });

    for (const theme of ["light", "dark"]) {
      const page = await openPage(browser, served.url, { opsdeck_theme: theme, opsdeck_session: p.alice.token });
      const errors = watchErrors(page);
      await page.goto(`${served.url}/notifications/rules`);
      assertEquals(await page.title(), "Notification rules · Opsdeck");
      await page.screenshot({ path: `${SCREENSHOT_DIR}/notification_rules_${theme}.png`, fullPage: true });
      await page.goto(`${served.url}/notifications/deliveries`);
      await page.locator("details").first().click();
      await page.screenshot({ path: `${SCREENSHOT_DIR}/notification_deliveries_${theme}.png`, fullPage: true });
      assertEquals(errors, []);
      await page.context().close();
    }

    const page = await openPage(browser, served.url, { opsdeck_session: p.alice.token });
    const errors = watchErrors(page);
    await page.goto(`${served.url}/notifications/rules`);
    await page.getByRole("button", { name: "Disable" }).first().click();
    await page.getByRole("button", { name: "Enable" }).first().waitFor();
    await page.goto(`${served.url}/notifications/deliveries?status=dead`);
    await page.getByRole("button", { name: "Re-send" }).click();
    await page.locator("tbody .badge", { hasText: "pending" }).waitFor();
    assertStringIncludes(await page.locator("tbody").innerText(), "pending");
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await receiver.stop();
    await served.stop();
  }
});
