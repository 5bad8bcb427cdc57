/**
 * In Chromium: the check page updates itself (its live part polls), the
 * alerts inbox's browser notification is opt-in by a click and announces a
 * new alert once, and the keyboard alone walks the navigation and a form with
 * a visible focus ring; a shown-once key's Copy button fills the clipboard.
 */
import { assert, assertEquals } from "@std/assert";
import { serveTestApp } from "../helpers/app.ts";
import { checkEvent, fire, genCheck } from "../helpers/alerts.ts";
import { launchBrowser, watchErrors } from "../helpers/browser.ts";
import { genProject } from "../helpers/catalog.ts";
import { created } from "../helpers/change_requests.ts";
import { insertResults } from "../helpers/checks.ts";
import { genPersonas } from "../helpers/fixtures.ts";

Deno.test("in Chromium: a live check page, opt-in browser notifications for new alerts, a keyboard walk, copy", async () => {
  const served = await serveTestApp();
  const sql = served.db.sql;
  const p = await genPersonas(sql);
  const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
  const check = await genCheck(sql, p.tenant.id, shop.id, "Storefront homepage");
  await created(served.app, "/api/v1/alert-rules", p.alice.bearer, { name: "Down", kind: "check_down" });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: "opsdeck_session", value: p.alice.token, url: served.url }]);
    // A recorder in place of the Notification API: headless Chromium shows none, and the test reads what was sent.
    await context.addInitScript(() => {
      const sent: { title: string; tag?: string }[] = [];
      (globalThis as unknown as { sentNotifications: typeof sent }).sentNotifications = sent;
      class Recorder {
        static permission = "default";
        static requestPermission() {
          Recorder.permission = "granted";
          return Promise.resolve("granted");
        }
        onclick: (() => void) | null = null;
        constructor(title: string, options: { tag?: string } = {}) {
          sent.push({ title, tag: options.tag });
        }
      }
      Object.defineProperty(globalThis, "Notification", { value: Recorder, configurable: true });
    });
    const page = await context.newPage();
    const errors = watchErrors(page);

    // The check page: its live part turns Down and gains a beat without a reload.
    await page.goto(`${served.url}/checks/${check.id}`);
    assertEquals(await page.getAttribute("#check-live", "data-status"), "unknown");
    await sql`UPDATE health_checks SET status = 'down', status_changed_at = now(), last_checked_at = now()
      WHERE id = ${check.id}`;
    await insertResults(sql, p.tenant.id, check.id, [{ status: "down", latencyMs: 120, at: new Date() }]);
    await page.waitForSelector('#check-live[data-status="down"]', { timeout: 15_000 });
    assertEquals(await page.locator("#check-live .beat-down").count(), 1);
    assertEquals(await page.textContent("#check-live .check-state"), "Down");

    // The inbox: nothing is asked until the button is clicked; then a new alert is announced once.
    await page.goto(`${served.url}/alerts`);
    const toggle = page.locator("#alert-notify-toggle");
    assertEquals(await toggle.textContent(), "Notify me in this browser");
    await toggle.click();
    await page.waitForFunction(() => document.getElementById("alert-notify-toggle")?.textContent?.endsWith(": on"));
    await fire(sql, checkEvent("health_check.down", check, p.tenant.id));
    await page.waitForSelector("#alerts-poll tr.alert-row", { timeout: 15_000 });
    // One more poll: the same alert, still listed as new, must not be announced again.
    await page.evaluate(() => new Promise((done) => document.addEventListener("htmx:load", done, { once: true })));
    const sent = await page.evaluate(() =>
      (globalThis as unknown as { sentNotifications: { title: string }[] }).sentNotifications
    );
    assertEquals(sent.length, 1, JSON.stringify(sent));
    assert(sent[0].title.startsWith("critical: ") || sent[0].title.includes(check.name), sent[0].title);

    // The keyboard walk: Tab from the top reaches the nav links, then the page's form, each with a visible focus.
    await page.goto(`${served.url}/checks/new`);
    const focused: { tag: string; text: string; outline: string; shadow: string }[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      focused.push(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          const style = getComputedStyle(el);
          return {
            tag: el.tagName.toLowerCase() + (el.getAttribute("name") ? `[name=${el.getAttribute("name")}]` : ""),
            text: (el.textContent ?? "").trim().slice(0, 30),
            outline: style.outlineStyle === "none" ? "" : `${style.outlineWidth} ${style.outlineStyle}`,
            shadow: style.boxShadow === "none" ? "" : style.boxShadow,
          };
        }),
      );
    }
    const texts = focused.map((f) => f.text);
    for (const link of ["Overview", "Checks", "Alerts", "Settings"]) {
      assert(texts.some((t) => t.startsWith(link)), `Tab reaches ${link}: ${texts.join(" | ")}`);
    }
    assert(focused.some((f) => f.tag === "input[name=name]"), "Tab reaches the form's Name field");
    const unringed = focused.filter((f) => !f.outline && !f.shadow).map((f) => `${f.tag} ${f.text}`);
    assertEquals(unringed, [], "every focused element shows an outline or a ring");

    // A shown-once API key has a Copy button that puts it on the clipboard.
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: served.url });
    await page.goto(`${served.url}/api-keys`);
    await page.fill("input[name=name]", "Deploy bot");
    await page.locator("input[name=scopes]").first().check();
    await page.click("button:text('Create key')");
    const key = await page.locator(".copy-field input.key-value").inputValue();
    await page.click(".copy-field .copy-button");
    await page.waitForSelector(".copy-field .copy-button:text('Copied')");
    assertEquals(await page.evaluate(() => navigator.clipboard.readText()), key);
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
