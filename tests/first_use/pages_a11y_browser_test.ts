/**
 * In Chromium: every main page, signed in as an admin with some data, at 1280
 * and 390 px in light and dark: axe-core finds no serious or critical
 * violation, nothing overflows the phone's width, and a screenshot of each is
 * kept in tests/screenshots/pages/ for a person to look at.
 */
import { assert, assertEquals } from "@std/assert";
import type { Browser } from "playwright-core";
import { serveTestApp } from "../helpers/app.ts";
import { axeViolations } from "../helpers/axe.ts";
import { launchBrowser, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { genProject } from "../helpers/catalog.ts";
import { created } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { checkEvent, fire, genCheck } from "../helpers/alerts.ts";

const PAGES = [
  "/",
  "/checks",
  "/checks/new",
  "/alerts",
  "/alert-rules",
  "/deployments",
  "/delivery-metrics",
  "/projects",
  "/clients",
  "/explore",
  "/notifications",
  "/notifications/rules",
  "/notifications/deliveries",
  "/maintenance",
  "/users",
  "/roles",
  "/api-keys",
  "/audits",
  "/profile",
  "/search?q=shop",
];

Deno.test("in Chromium: every page passes axe (no serious or critical violation) at 1280 and 390 px, light and dark", async () => {
  const served = await serveTestApp();
  const sql = served.db.sql;
  const p = await genPersonas(sql);
  const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
  const check = await genCheck(sql, p.tenant.id, shop.id, "Storefront homepage");
  await created(served.app, "/api/v1/alert-rules", p.alice.bearer, { name: "Down", kind: "check_down" });
  await fire(sql, checkEvent("health_check.down", check, p.tenant.id));
  const pages = [...PAGES, `/checks/${check.id}`, `/projects/${shop.id}`];
  await Deno.mkdir(`${SCREENSHOT_DIR}/pages`, { recursive: true });
  const browser: Browser = await launchBrowser();
  const errors: string[] = [];
  const violations: string[] = [];
  try {
    for (const theme of ["light", "dark"]) {
      for (const width of [1280, 390]) {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        await context.addCookies([
          { name: "opsdeck_session", value: p.alice.token, url: served.url },
          { name: "opsdeck_theme", value: theme, url: served.url },
        ]);
        const page = await context.newPage();
        watchErrors(page, errors);
        for (const path of pages) {
          const res = await page.goto(`${served.url}${path}`);
          assertEquals(res?.status(), 200, `${path} answers 200`);
          const name = path === "/" ? "overview" : path.slice(1).replace(/[/?=]/g, "_").replace(/[0-9a-f-]{36}/, "id");
          await page.screenshot({ path: `${SCREENSHOT_DIR}/pages/${name}_${width}_${theme}.png`, fullPage: true });
          if (width === 390) {
            const wide = await page.evaluate(() => document.documentElement.scrollWidth);
            assert(wide <= 390, `${path} is ${wide} px wide at 390 px (${theme})`);
          }
          if (theme === "light" || width === 1280) violations.push(...await axeViolations(page));
        }
        await context.close();
      }
    }
    assertEquals([...new Set(violations)], []);
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
