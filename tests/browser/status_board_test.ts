/**
 * The status board in Chromium against a real local target and the real
 * scheduler: the board shows the check green, the target starts failing, the
 * scheduler runs it again, and the board's own polling turns the row red
 * without a reload. Also takes the checks pages' screenshots, light and dark.
 */
import { assert, assertEquals } from "@std/assert";
import { createScheduler } from "../../services/checks/scheduler.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { silentLogger } from "../../services/platform/logger.ts";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { genProject } from "../helpers/catalog.ts";
import { createCheck, insertResults } from "../helpers/checks.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { startTargets, TARGETS_PROBE_ALLOW } from "../helpers/targets.ts";

Deno.test("the status board turns a check red when its target starts failing, by itself", async () => {
  const targets = await startTargets();
  let clock = new Date();
  const config = loadConfig({ OPSDECK_SECRET: TEST_SECRET, OPSDECK_PROBE_ALLOW: TARGETS_PROBE_ALLOW });
  const served = await serveTestApp({ config, now: () => clock });
  const sql = served.db.sql;
  const scheduler = createScheduler({
    sql,
    config,
    logger: silentLogger,
    now: () => clock,
    secret: TEST_SECRET,
    instanceId: "status-board-test",
  });
  const browser = await launchBrowser();
  try {
    const p = await genPersonas(sql);
    const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
    const portal = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex portal" });
    const site = await createCheck(served.app, p.alice.bearer, {
      project_id: shop.id,
      name: "Storefront",
      type: "http",
      url: targets.switchable,
      keyword: "ok",
      interval_seconds: 30,
      timeout_ms: 2000,
    });
    await createCheck(served.app, p.alice.bearer, {
      project_id: shop.id,
      name: "Database port",
      type: "tcp",
      host: "127.0.0.1",
      port: targets.tcp.openPort,
      interval_seconds: 60,
      timeout_ms: 2000,
    });
    const beat = await createCheck(served.app, p.alice.bearer, {
      project_id: portal.id,
      name: "Nightly export",
      type: "heartbeat",
      cron: "0 3 * * *",
      timezone: "Europe/Berlin",
      grace_seconds: 1800,
    });
    // A day of history so the bars and the chart have something to show.
    await insertResults(
      sql,
      p.tenant.id,
      site.id,
      Array.from({ length: 24 * 12 }, (_, i) => ({
        status: i % 97 === 5 ? "down" as const : i % 41 === 3 ? "degraded" as const : "up" as const,
        latencyMs: 40 + Math.round(30 * Math.sin(i / 9)) + (i % 41 === 3 ? 900 : 0),
        at: new Date(clock.getTime() - (24 * 12 - i) * 300_000 - 60_000),
        detail: i % 97 === 5 ? "expected status 200, got 502" : undefined,
      })),
    );
    await served.app.request(new URL(beat.ping_url).pathname);
    const deployedAt = new Date(clock.getTime() - 6 * 3600_000);
    const deployment = await served.app.request("/api/v1/deployments", {
      method: "POST",
      headers: { ...p.alice.bearer, "Content-Type": "application/json" },
      body: JSON.stringify({
        project_id: shop.id,
        environment: "production",
        status: "succeeded",
        commit_sha: "9f2c1e7b",
        started_at: deployedAt.toISOString(),
        finished_at: new Date(deployedAt.getTime() + 120_000).toISOString(),
      }),
    });
    assertEquals(deployment.status, 201);

    await scheduler.tick();
    const [first] = await sql`SELECT status FROM health_checks WHERE id = ${site.id}`;
    assertEquals(first.status, "up");

    const page = await openPage(browser, served.url, { opsdeck_session: p.alice.token });
    const errors = watchErrors(page);
    await page.goto(`${served.url}/checks`);
    const row = page.locator(`#check-${site.id}`);
    assertEquals(await row.getAttribute("data-status"), "up");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/checks_board_light.png`, fullPage: true });

    targets.setHealthy(false);
    // The next run comes at the check's phase slot, within 1.5 intervals: step the clock until it has run.
    for (
      let i = 0;
      i < 10 && (await sql`SELECT status FROM health_checks WHERE id = ${site.id}`)[0].status === "up";
      i++
    ) {
      clock = new Date(clock.getTime() + 5_000);
      await scheduler.tick();
    }
    const [second] = await sql`SELECT status FROM health_checks WHERE id = ${site.id}`;
    assertEquals(second.status, "down");
    // No reload: the board's htmx poll (every 5 s) swaps the new state in.
    await page.waitForSelector(`#check-${site.id}[data-status="down"]`, { timeout: 15_000 });
    assertEquals(new URL(page.url()).pathname, "/checks");
    assertEquals(await page.locator("#check-board").count(), 1);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/checks_board_down_light.png`, fullPage: true });

    await page.goto(`${served.url}/checks/${site.id}`);
    assert((await page.locator(".latency-chart path.latency-avg").getAttribute("d"))!.length > 100);
    assertEquals(await page.locator(".latency-chart .chart-marker").count(), 1);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/check_page_light.png`, fullPage: true });
    await page.goto(`${served.url}/checks/${beat.id}`);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/check_heartbeat_light.png`, fullPage: true });
    await page.goto(`${served.url}/checks/new`);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/check_form_light.png`, fullPage: true });
    assert(!(await page.locator('input[name="host"]').isVisible()), "TCP fields hidden for an HTTP check");
    await page.selectOption("#check-type", "tcp");
    assert(await page.locator('input[name="host"]').isVisible());
    assert(!(await page.locator('input[name="url"]').isVisible()));
    assertEquals(errors, []);

    const dark = await openPage(browser, served.url, { opsdeck_session: p.alice.token, opsdeck_theme: "dark" });
    for (
      const [path, name] of [["/checks", "checks_board"], [`/checks/${site.id}`, "check_page"], [
        "/checks/new",
        "check_form",
      ]]
    ) {
      await dark.goto(served.url + path);
      await dark.screenshot({ path: `${SCREENSHOT_DIR}/${name}_dark.png`, fullPage: true });
    }
  } finally {
    await browser.close();
    await scheduler.stop();
    await served.stop();
    await targets.stop();
  }
});
