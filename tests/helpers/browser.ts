/** Debian's Chromium, headless, driven by playwright-core. */
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = "tests/screenshots";

export async function launchBrowser(): Promise<Browser> {
  await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
  return await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
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
