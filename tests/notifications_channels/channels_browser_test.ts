import { assertEquals, assertStringIncludes } from "@std/assert";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { startWebhookReceiver } from "../helpers/webhook_receiver.ts";
import { testConfig } from "./_setup.ts";

Deno.test("in Chromium: add a webhook channel, send a test in place, see a broken Slack channel; light and dark", async () => {
  const served = await serveTestApp({ config: testConfig({ OPSDECK_BASE_URL: "" }) });
  const receiver = startWebhookReceiver();
  const browser = await launchBrowser();
  try {
    const p = await genPersonas(served.db.sql);
    await served.db.sql`
      INSERT INTO notification_channels (tenant_id, name, type, config, broken, last_error, last_error_at)
      VALUES (${p.tenant.id}, 'Old Slack', 'slack', ${served.db.sql.json({ mode: "bot", channel: "C0GONE" })}, true,
              'Slack: channel_not_found', now())`;
    const page = await openPage(browser, served.url, { opsdeck_session: p.alice.token });
    const errors = watchErrors(page, [], (text) => text.includes("422"));

    await page.goto(served.url + "/notifications?type=webhook");
    await page.getByLabel("Name").fill("Receiver");
    await page.getByLabel("URL", { exact: true }).fill(receiver.url);
    await page.getByRole("button", { name: "Add Webhook channel" }).click();
    const secret = await page.locator("input.key-value").inputValue();
    receiver.secret = secret;
    await page.goto(served.url + "/notifications");
    await page.locator("tr", { hasText: "Receiver" }).getByRole("button", { name: "Send test" }).click();
    await page.locator(".channel-test-result").waitFor();
    assertStringIncludes(await page.locator(".channel-test-result").innerText(), "Sent (200)");
    assertEquals(receiver.received.at(-1)!.verified, true);
    assertStringIncludes(await page.locator("tr", { hasText: "Old Slack" }).innerText(), "channel_not_found");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/notifications_light.png`, fullPage: true });

    await page.locator("a", { hasText: "Receiver" }).click();
    await page.getByRole("button", { name: "Send test" }).click();
    await page.locator("#test-result .channel-test-result").waitFor();
    await page.reload();
    await page.context().addCookies([{ name: "opsdeck_theme", value: "dark", url: served.url }]);
    await page.reload();
    assertEquals(await page.locator("html").getAttribute("data-theme"), "dark");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/notification_channel_dark.png`, fullPage: true });
    await page.goto(served.url + "/notifications?type=slack");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/notifications_dark.png`, fullPage: true });
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await receiver.stop();
    await served.stop();
  }
});
