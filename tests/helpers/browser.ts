/** Debian's Chromium, headless, driven by playwright-core. */
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = "tests/screenshots";

export async function launchBrowser(): Promise<Browser> {
  await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
  return await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Chromium hangs on page loads under libfaketime (OPSDECK_TEST_NOW): it
    // keeps the real clock; the server and the database are the ones shifted.
    env: withoutFakeTime(Deno.env.toObject()),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

function withoutFakeTime(env: Record<string, string>): Record<string, string> {
  const { LD_PRELOAD: _preload, FAKETIME: _faketime, ...rest } = env;
  return rest;
}

/** Cookies for the app at `url`, by name (`opsdeck_session`, `opsdeck_theme`). */
export function cookiesFor(url: string, cookies: Record<string, string>) {
  return Object.entries(cookies).map(([name, value]) => ({ name, value, url }));
}

/** A 1280×900 page in a fresh context that holds `cookies` for the app at `url`. */
export async function openPage(browser: Browser, url: string, cookies: Record<string, string> = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies(cookiesFor(url, cookies));
  return await context.newPage();
}

/**
 * Collects the page's script errors and console errors into `errors` (returned);
 * `expected` passes over console lines the test provokes on purpose.
 */
export function watchErrors(page: Page, errors: string[] = [], expected = (_text: string) => false): string[] {
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && !expected(m.text()) && errors.push(m.text()));
  return errors;
}
