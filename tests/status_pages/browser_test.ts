/**
 * In Chromium: an admin creates a status page for a client with a component
 * over a check, the check breaks and its alert opens, one click on the alert
 * page opens the incident, and the signed-out page shows the incident and the
 * 90 bars. Screenshots of the public page in both themes at 1280 and 390 px
 * go to tmp/ (looked at, not committed).
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, openPage, watchErrors } from "../helpers/browser.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { genProject } from "../helpers/catalog.ts";
import { insertResults } from "../helpers/checks.ts";
import { checkEvent, fire } from "../helpers/alerts.ts";

Deno.test("in Chromium: status page, a broken check, incident from its alert, the signed-out page", async () => {
  const served = await serveTestApp();
  const sql = served.db.sql;
  const browser = await launchBrowser();
  try {
    const p = await genPersonas(sql);
    const project = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
    const [check] = await sql<{ id: string; name: string; project_id: string }[]>`
      INSERT INTO health_checks (tenant_id, project_id, name, type, url, status)
      VALUES (${p.tenant.id}, ${project.id}, 'shop-prod-internal', 'http', 'https://10.1.2.3/health', 'up')
      RETURNING id, name, project_id`;
    const now = Date.now();
    await insertResults(
      sql,
      p.tenant.id,
      check.id,
      Array.from({ length: 60 }, (_, d) => ({
        status: d === 7 ? "down" as const : "up" as const,
        latencyMs: 100 + (d % 9) * 15,
        at: new Date(now - d * 86_400_000),
      })),
    );
    await sql`INSERT INTO alert_rules (tenant_id, name, kind, severity)
      VALUES (${p.tenant.id}, 'Down', 'check_down', 'critical')`;

    const page = await openPage(browser, served.url, { opsdeck_session: p.alice.token });
    const errors = watchErrors(page);
    await page.goto(`${served.url}/status-pages`);
    await page.getByLabel("Title").fill("Acme status");
    await page.getByLabel("Address: /status/…").fill("acme");
    await page.getByLabel("For").selectOption({ label: "Acme" });
    await page.getByLabel("Published (anyone with the address can see it)").check();
    await page.getByLabel("Show response-time sparklines").check();
    await page.getByRole("button", { name: "Create page" }).click();
    await page.waitForURL(/\/status-pages\/[0-9a-f-]{36}$/);
    await page.getByText("Add a component").click();
    await page.getByLabel("Display name").fill("Online shop");
    await page.getByLabel("Checks (one, or several shown as one)").selectOption(check.id);
    await page.getByRole("button", { name: "Add component" }).click();
    await page.waitForURL(/\/status-pages\/[0-9a-f-]{36}$/);
    assertStringIncludes(await page.locator("main").innerText(), "Online shop");

    // the check breaks: the scheduler's event opens the alert
    await sql`UPDATE health_checks SET status = 'down' WHERE id = ${check.id}`;
    await fire(sql, checkEvent("health_check.down", check, p.tenant.id));
    const [alert] = await sql`SELECT id FROM alerts WHERE check_id = ${check.id}`;
    await page.goto(`${served.url}/alerts/${alert.id}`);
    await page.getByRole("button", { name: "Open incident on status pages" }).click();
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    assertStringIncludes(await page.locator("h1").innerText(), "Online shop: service disruption");
    assertEquals(errors, []);

    // signed out
    const visitor = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const pub = await visitor.newPage();
    await pub.goto(`${served.url}/status/acme`);
    const text = await pub.locator("main").innerText();
    assertStringIncludes(text, "Major outage");
    assertStringIncludes(text, "Online shop: service disruption");
    assertStringIncludes(text, "We are investigating problems with Online shop.");
    assertEquals(await pub.locator(".component .bars .bar").count(), 90);
    assert(!(await pub.content()).includes("shop-prod-internal"));
    assert(!(await pub.content()).includes("10.1.2.3"));
    const rss = await (await fetch(`${served.url}/status/acme/feed.rss`)).text();
    assertStringIncludes(rss, "<rss");
    assertStringIncludes(rss, "Online shop: service disruption");

    await Deno.mkdir("tmp", { recursive: true });
    for (const scheme of ["light", "dark"] as const) {
      for (const width of [1280, 390]) {
        const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
        const shot = await ctx.newPage();
        await shot.goto(`${served.url}/status/acme`);
        await shot.screenshot({ path: `tmp/status_page_${scheme}_${width}.png`, fullPage: true });
        await ctx.close();
      }
    }
    await page.goto(`${served.url}/status-pages`);
    await page.setViewportSize({ width: 390, height: 900 });
    await page.screenshot({ path: "tmp/status_pages_admin_390.png", fullPage: true });
  } finally {
    await browser.close();
    await served.stop();
    await served.db.sql.end();
  }
});
