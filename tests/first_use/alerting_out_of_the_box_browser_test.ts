/**
 * Issue 12's "done when", in Chromium with the real background workers: a
 * brand-new organisation is set up, gets a client, a project, a webhook
 * channel and a check whose "Notify" ticks that channel by default; the target
 * breaks, the alert appears by itself in an inbox open in another tab, and the
 * webhook arrives at a receiver on 127.0.0.1. No alert rule or notification
 * rule is configured by hand.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { startBackgroundWork, stopBackgroundWork } from "../../services/workers/workers.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { silentLogger } from "../../services/platform/logger.ts";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { GOOD_PASSWORD, TEST_SECRET } from "../helpers/fixtures.ts";
import { startTargets, TARGETS_PROBE_ALLOW } from "../helpers/targets.ts";
import { startWebhookReceiver } from "../helpers/webhook_receiver.ts";

const SIGNING_SECRET = `whsec_${btoa("first-use-signing-secret-32bytes")}`;

/** The inbox polls every 5 s; the scheduler and dispatcher answer within a second. */
const LIVE_MS = 20_000;

Deno.test("in Chromium: a new organisation's check with Notify alerts live in the inbox and by webhook, nothing else set up", async () => {
  const targets = await startTargets();
  const receiver = startWebhookReceiver(SIGNING_SECRET);
  const config = loadConfig({
    OPSDECK_SECRET: TEST_SECRET,
    OPSDECK_PROBE_ALLOW: TARGETS_PROBE_ALLOW,
    OPSDECK_WEBHOOK_ALLOW: "127.0.0.0/8",
  });
  const served = await serveTestApp({ config });
  const workers = startBackgroundWork({
    sql: served.db.sql,
    config,
    logger: silentLogger,
    now: () => new Date(),
    secret: TEST_SECRET,
    instanceId: "first-use-test",
  });
  const browser = await launchBrowser();
  const errors: string[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    watchErrors(page, errors, (text) => text.includes("status of 422"));

    await page.goto(`${served.url}/setup`);
    await page.getByLabel("Organisation").fill("Fresh Agency");
    await page.getByLabel("Your name").fill("Fay First");
    await page.getByLabel("E-mail").fill("fay@example.com");
    await page.getByLabel("Password").fill(GOOD_PASSWORD);
    await page.getByRole("button", { name: "Create organisation" }).click();
    await page.waitForURL(`${served.url}/`);
    // The overview's first-run checklist, nothing done yet.
    assertStringIncludes(await page.locator(".first-run").innerText(), "0 of 4 done");

    // The organisation starts with its two alert rules.
    await page.goto(`${served.url}/alert-rules`);
    const rules = await page.locator("main").innerText();
    assertStringIncludes(rules, "A check is down");
    assertStringIncludes(rules, "A heartbeat is missing");

    await page.goto(`${served.url}/clients`);
    await page.getByLabel("Name", { exact: true }).fill("Umbrella");
    await page.getByRole("button", { name: "Add client" }).click();
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    await page.getByRole("link", { name: "Create the first one" }).click();
    await page.getByLabel("Name", { exact: true }).fill("Umbrella shop");
    await page.getByLabel("Slug").fill("umbrella-shop");
    await page.getByLabel("Environment URL").first().fill("https://umbrella.example");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);

    await page.goto(`${served.url}/notifications?type=webhook`);
    await page.getByLabel("Name", { exact: true }).fill("On-call hook");
    await page.getByLabel("URL", { exact: true }).fill(receiver.url);
    await page.getByLabel(/^Signing secret/).fill(SIGNING_SECRET);
    await page.getByRole("button", { name: /^Add .* channel$/ }).click();
    await page.waitForLoadState();

    await page.goto(`${served.url}/checks/new`);
    await page.getByLabel(/^Project/).selectOption({ label: "Umbrella shop" });
    await page.getByLabel("Name", { exact: true }).fill("Shop home page");
    await page.getByLabel("URL", { exact: true }).fill(targets.switchable);
    const notify = page.getByRole("checkbox", { name: /On-call hook/ });
    assertEquals(await notify.isChecked(), true, "the organisation's only channel is ticked by default");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/first_use_check_form_notify.png`, fullPage: true });
    await page.getByRole("button", { name: "Create check" }).click();
    await page.waitForURL(/\/checks\/[0-9a-f-]{36}$/);
    const checkUrl = page.url();

    await page.goto(`${served.url}/`);
    assertStringIncludes(await page.locator(".first-run").innerText(), "2 of 4 done");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/first_use_overview.png`, fullPage: true });
    await page.goto(checkUrl);

    const inbox = await context.newPage();
    watchErrors(inbox, errors);
    await inbox.goto(`${served.url}/alerts`);
    assertEquals(await inbox.locator(".alert-row").count(), 0);

    targets.setHealthy(false);
    await page.goto(checkUrl);
    await page.getByRole("button", { name: "Run now" }).click();

    const row = inbox.locator(".alert-row", { hasText: "Shop home page" });
    await row.waitFor({ timeout: LIVE_MS });
    assertStringIncludes(await row.innerText(), "critical");
    await inbox.waitForFunction(() => document.title.startsWith("(1) "));
    await inbox.screenshot({ path: `${SCREENSHOT_DIR}/first_use_inbox_live.png`, fullPage: true });

    const deadline = Date.now() + LIVE_MS;
    while (receiver.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert(receiver.received.length > 0, "the webhook arrived");
    assertStringIncludes(receiver.received[0].body, "Shop home page");
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await stopBackgroundWork(workers);
    await served.stop();
    await receiver.stop();
    await targets.stop();
  }
});
