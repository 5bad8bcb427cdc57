/**
 * In Chromium: the metrics explorer (chart, htmx swap on a picker change) and
 * the maintenance page (recurrence preview as you type, "End now" in place),
 * each screenshotted in the light and dark themes.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { insertWindow } from "../../db/queries/maintenance_windows.ts";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { genProject } from "../helpers/catalog.ts";
import { genPersonas } from "../helpers/fixtures.ts";

Deno.test("in Chromium: the metrics explorer and the maintenance page, light and dark", async () => {
  const served = await serveTestApp();
  const sql = served.db.sql;
  const p = await genPersonas(sql);
  const browser = await launchBrowser();
  const errors: string[] = [];
  try {
    const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
    await sql`
      INSERT INTO metric_snapshots (tenant_id, project_id, type, value, recorded_at)
      SELECT ${p.tenant.id}, ${shop.id}, t, 40 + 25 * sin(i / 30.0) + (i % 7) * 3, now() - i * interval '2 minutes'
      FROM generate_series(0, 719) AS i, (VALUES ('queue.depth'), ('cpu.load')) AS x(t)`;
    await sql`
      INSERT INTO deployments (tenant_id, project_id, environment, status, commit_sha, source, started_at, created_at)
      VALUES (${p.tenant.id}, ${shop.id}, 'production', 'succeeded', 'abcdef1234567', 'api',
        now() - interval '7 hours', now() - interval '7 hours'),
        (${p.tenant.id}, ${shop.id}, 'production', 'failed', '1234567abcdef', 'api',
        now() - interval '15 hours', now() - interval '15 hours')`;
    const window = (title: string, startHoursAgo: number, endHoursAgo: number) =>
      insertWindow(sql, {
        tenantId: p.tenant.id,
        projectId: shop.id,
        environment: null,
        title,
        description: null,
        startsAt: new Date(Date.now() - startHoursAgo * 3_600_000),
        endsAt: new Date(Date.now() - endHoursAgo * 3_600_000),
        rrule: null,
        dtstartLocal: null,
        durationMinutes: null,
        timezone: "UTC",
      });
    await window("Database upgrade", 12, 10);
    await window("Rollout 2.4", 0.5, -1);
    // A recurring window that is listed on the maintenance page but can never
    // fall into the explorer's default 24 h: its weekday is three days ahead.
    const upkeep = weeklyWindowThreeDaysAhead(new Date());
    await insertWindow(sql, {
      tenantId: p.tenant.id,
      projectId: null,
      environment: null,
      title: "Weekly upkeep",
      description: null,
      startsAt: upkeep.startsAt,
      endsAt: null,
      rrule: `FREQ=WEEKLY;BYDAY=${upkeep.byDay}`,
      dtstartLocal: upkeep.dtstartLocal,
      durationMinutes: 120,
      timezone: "Europe/Berlin",
    });

    for (const theme of ["light", "dark"]) {
      const page = await openPage(browser, served.url, { opsdeck_session: p.bob.token, opsdeck_theme: theme });
      watchErrors(page, errors);
      page.on("dialog", (d) => d.accept());
      await page.goto(`${served.url}/explore?project_id=${shop.id}&series=queue.depth`);
      assertEquals(await page.locator("svg.metric-chart path.metric-line").count(), 1);
      assertEquals(await page.locator("svg.metric-chart .chart-marker").count(), 2);
      assertEquals(await page.locator("svg.metric-chart rect.chart-band").count(), 2);
      if (theme === "light") {
        // htmx swaps the block when a picker changes, and the URL follows
        await page.selectOption("select[name=agg]", "max");
        await page.waitForURL(/agg=max/);
        assertStringIncludes(await page.locator("#explore p.muted").innerText(), "max per 5m");
      }
      await page.screenshot({ path: `${SCREENSHOT_DIR}/metrics-explore-${theme}.png`, fullPage: true });

      await page.goto(`${served.url}/maintenance`);
      assertStringIncludes(await page.locator("main, body").first().innerText(), "Rollout 2.4");
      if (theme === "light") {
        await page.locator("summary", { hasText: "New maintenance window" }).click();
        await page.check("input[name=kind][value=recurring]");
        await page.fill("input[name=timezone]", "America/New_York");
        await page.fill("input[name=dtstart]", "2026-03-01T09:00");
        await page.fill("input[name=duration_minutes]", "30");
        await page.fill("input[name=rrule]", "FREQ=MONTHLY;BYDAY=-1FR");
        await page.locator("#window-preview li").first().waitFor();
        assertEquals(await page.locator("#window-preview li").count(), 5);
        assertStringIncludes(await page.locator("#window-preview").innerText(), "09:00 – 09:30");
        await page.locator("form.window-form").screenshot({ path: `${SCREENSHOT_DIR}/maintenance-form-${theme}.png` });
        await page.fill("input[name=title]", "Month-end freeze");
        await page.click("button:has-text('Create window')");
        await page.waitForURL(/created=1/);
        assertStringIncludes(await page.locator("body").innerText(), "Month-end freeze");
      }
      await page.screenshot({ path: `${SCREENSHOT_DIR}/maintenance-${theme}.png`, fullPage: true });
      if (theme === "dark") {
        const row = page.locator("tr", { hasText: "Rollout 2.4" });
        await row.locator("button", { hasText: "End now" }).click();
        await page.locator("tr", { hasText: "Rollout 2.4" }).locator("text=ended").waitFor();
      }
      await page.context().close();
    }
    assert(errors.length === 0, errors.join("\n"));
  } finally {
    await browser.close();
    await served.stop();
  }
});

/** 02:00–04:00 Europe/Berlin weekly, on the weekday three days after `now`, first in January 2026. */
function weeklyWindowThreeDaysAhead(now: Date) {
  const ahead = new Date(now.getTime() + 3 * 86_400_000);
  const weekday = new Date(ahead.toLocaleString("en-US", { timeZone: "Europe/Berlin" })).getDay();
  const day = 4 + weekday; // 2026-01-04 was a Sunday; January is CET (UTC+1)
  return {
    byDay: ["SU", "MO", "TU", "WE", "TH", "FR", "SA"][weekday],
    dtstartLocal: `2026-01-${String(day).padStart(2, "0")}T02:00:00`,
    startsAt: new Date(Date.UTC(2026, 0, day, 1)),
  };
}
