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
  "/dashboards",
  "/status-pages",
  "/insights",
  "/approvals",
  "/sla-reports",
  "/data-sources",
  "/data-models",
  "/integrations",
  "/settings/user-sync",
];

Deno.test("in Chromium: every page passes axe (no serious or critical violation) at 1280 and 390 px, light and dark", async () => {
  const served = await serveTestApp();
  const sql = served.db.sql;
  const p = await genPersonas(sql);
  const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
  const check = await genCheck(sql, p.tenant.id, shop.id, "Storefront homepage");
  await created(served.app, "/api/v1/alert-rules", p.alice.bearer, { name: "Down", kind: "check_down" });
  await fire(sql, checkEvent("health_check.down", check, p.tenant.id));
  const board = await created(served.app, "/api/v1/dashboards", p.alice.bearer, { name: "Agency" });
  for (
    const [type, query] of [["pie_chart", "checks_by_status"], ["table", "check_list"], ["uptime", "uptime_by_check"]]
  ) {
    await created(served.app, `/api/v1/dashboards/${board.id}/widgets`, p.alice.bearer, { type, title: type, query });
  }
  const status = await created(served.app, "/api/v1/status-pages", p.alice.bearer, {
    title: "Acme status",
    slug: "acme",
    client_id: p.clients.acme.id,
    published: true,
  });
  await created(served.app, `/api/v1/status-pages/${status.id}/components`, p.alice.bearer, {
    name: "Online shop",
    check_ids: [check.id],
  });
  await created(served.app, "/api/v1/approvals", p.bob.bearer, { title: "Rotate the database password" });
  // A SOW whose Drive file was read (trashed, to show the badge) and a Linear integration for its alert-rules page.
  await created(served.app, "/api/v1/sows", p.alice.bearer, {
    project_id: shop.id,
    name: "Phase 1",
    drive_id: "1SowDocAbCdEfGhIjKlMnOp",
  });
  await sql`INSERT INTO drive_documents (tenant_id, drive_id, state, title, web_view_link, modified_at, refreshed_at)
    VALUES (${p.tenant.id}, '1SowDocAbCdEfGhIjKlMnOp', 'trashed', 'SOW 2027 phase 1', 'https://docs.google.com/d/1',
      now() - interval '1 day', now())`;
  const [linear] = await sql`INSERT INTO integrations (tenant_id, platform, account_id, account_name, is_active)
    VALUES (${p.tenant.id}, 'linear', 'org-1', 'Acme Agency', false) RETURNING id`;
  const pages = [
    ...PAGES,
    `/checks/${check.id}`,
    `/projects/${shop.id}`,
    `/dashboards/${board.id}`,
    `/status-pages/${status.id}`,
    "/status/acme",
    `/projects/${shop.id}/documents`,
    `/integrations/${linear.id}/alert-rules`,
  ];
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
          // A dashboard's widgets load by their own htmx requests.
          if (path.startsWith("/dashboards/")) await page.waitForLoadState("networkidle");
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
