/**
 * In Chromium: build a dashboard of the five widget types from two kinds of
 * source (Opsdeck's checks and deployments, and a saved query on a real second
 * PostgreSQL), drag a widget with gridstack and resize one by its handle
 * (position and size saved, read back through the API), share it
 * with a client user (who sees only their client's checks and not the saved
 * query), publish a public link and open it signed out. Screenshots in both
 * themes at 1280 and 390 px go to tmp/.
 */
import { assert, assertEquals, assertFalse, assertStringIncludes } from "@std/assert";
import { closeAllSources } from "../../services/data_sources/kinds/mod.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, openPage, watchErrors } from "../helpers/browser.ts";
import { genProject } from "../helpers/catalog.ts";
import { seedOpsData } from "../helpers/dashboards.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest } from "../helpers/http.ts";
import { startSourcePostgres } from "../helpers/source_postgres.ts";

const SHOTS = "tmp";

Deno.test("in Chromium: build, move, share and publish a dashboard; both themes at 1280 and 390 px", async () => {
  const source = await startSourcePostgres();
  const served = await serveTestApp({
    config: loadConfig({ OPSDECK_SECRET: TEST_SECRET, OPSDECK_PROBE_ALLOW: "127.0.0.0/8" }),
  });
  const sql = served.db.sql;
  const browser = await launchBrowser();
  await Deno.mkdir(SHOTS, { recursive: true });
  try {
    const p = await genPersonas(sql);
    const now = new Date();
    const acme = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
    const globex = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex site" });
    await seedOpsData(sql, { tenantId: p.tenant.id, projectId: acme.id, label: "Acme", now });
    await seedOpsData(sql, { tenantId: p.tenant.id, projectId: globex.id, label: "Globex", now });
    const api = async (path: string, body: unknown) =>
      await (await served.app.request(path, jsonRequest("POST", body, p.alice.bearer))).json();
    const src = await api("/api/v1/data-sources", {
      name: "Shop",
      kind: "postgresql",
      config: source.settings,
    });
    await api("/api/v1/saved-queries", {
      data_source_id: src.id,
      name: "Orders by status",
      query_text: "SELECT status, count(*)::int AS orders FROM orders GROUP BY status ORDER BY status",
      parameters: [],
      is_public: true,
    });

    const page = await openPage(browser, served.url, { opsdeck_session: p.alice.token, opsdeck_theme: "light" });
    const errors = watchErrors(page);
    await page.goto(served.url + "/dashboards");
    await page.getByLabel("Name").fill("Client health");
    await page.getByRole("button", { name: "Create dashboard" }).click();
    await page.waitForURL(/\/dashboards\/[0-9a-f-]{36}$/);
    const dashboardUrl = page.url();
    const id = dashboardUrl.split("/").pop()!;
    for (
      const [kind, data, title] of [
        ["Pie chart", "Checks by status", "Checks by status"],
        ["Line chart", "Uptime over time (%)", "Uptime"],
        ["Bar chart", "Deployments over time", "Deployments"],
        ["Metric card", "Checks by status", "Checks"],
        ["Table", "Orders by status", "Orders (shop database)"],
      ]
    ) {
      await page.locator("#add-widget").getByLabel("Title").fill(title);
      await page.locator("select[name=type]").selectOption({ label: kind });
      await page.locator("select[name=source]").selectOption({ label: data });
      await page.getByRole("button", { name: "Add widget" }).click();
      await page.waitForURL(dashboardUrl);
    }
    await page.locator(".widget-body svg").nth(2).waitFor();
    await page.locator(".widget-table").waitFor();
    assertStringIncludes(await page.locator(".widget-table").innerText(), "orders");

    // drag the first tile to the right half: gridstack saves the layout through the API
    const tile = page.locator(".grid-stack-item").first();
    const box = (await tile.boundingBox())!;
    await page.mouse.move(box.x + 40, box.y + 15);
    await page.mouse.down();
    await page.mouse.move(box.x + 700, box.y + 20, { steps: 12 });
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelector(".dash-grid")?.getAttribute("data-saved") === "yes");
    const [moved] = await sql`SELECT pos_x FROM widgets WHERE dashboard_id = ${id} AND title = 'Checks by status'`;
    assert(moved.pos_x >= 6, `moved to column ${moved.pos_x}`);

    // resize the "Uptime" tile by dragging gridstack's south-east handle two columns right and one row down
    const widgetsOf = async () =>
      (await (await served.app.request(`/api/v1/dashboards/${id}`, { headers: p.alice.bearer })).json()).widgets as {
        title: string;
        position: { x: number; y: number; w: number; h: number };
      }[];
    const uptimeBefore = (await widgetsOf()).find((w) => w.title === "Uptime")!.position;
    await page.evaluate(() => document.querySelector(".dash-grid")!.removeAttribute("data-saved"));
    const uptimeTile = page.locator(".grid-stack-item").filter({
      has: page.locator(".widget-title", { hasText: /^Uptime$/ }),
    });
    await uptimeTile.hover();
    const handle = (await uptimeTile.locator(".ui-resizable-se").boundingBox())!;
    const column = (await uptimeTile.boundingBox())!.width / uptimeBefore.w;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 2 * column + 10, handle.y + 95, { steps: 12 });
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelector(".dash-grid")?.getAttribute("data-saved") === "yes");
    const uptimeAfter = (await widgetsOf()).find((w) => w.title === "Uptime")!.position;
    assertEquals([uptimeAfter.w, uptimeAfter.h], [uptimeBefore.w + 2, uptimeBefore.h + 1]);

    for (const theme of ["light", "dark"]) {
      await page.context().addCookies([{ name: "opsdeck_theme", value: theme, url: served.url }]);
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(dashboardUrl);
        await page.locator(".widget-body svg").nth(2).waitFor({ state: "attached" });
        await page.screenshot({ path: `${SHOTS}/dashboard-${theme}-${width}.png`, fullPage: true });
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.goto(`${dashboardUrl}/share`);
    await page.getByLabel("Grantee 1").fill(p.carol.user.email);
    await page.getByRole("button", { name: "Save sharing" }).click();
    await page.getByRole("button", { name: "Make a public link" }).click();
    const publicUrl = await page.locator(".public-url").innerText();
    assertEquals(errors, []);

    const carol = await openPage(browser, served.url, { opsdeck_session: p.carol.token });
    await carol.goto(served.url + "/dashboards");
    await carol.getByRole("link", { name: "Client health" }).click();
    await carol.locator(".widget-body svg").first().waitFor();
    await carol.locator(".widget-error").waitFor();
    const seen = await carol.locator("main").innerText();
    assertFalse(seen.includes("Add a widget"));
    await carol.goto(
      `${dashboardUrl}/widgets/${
        (await sql`SELECT id FROM widgets WHERE dashboard_id = ${id} AND type = 'pie_chart'`)[0].id
      }`,
    );
    assertFalse((await carol.content()).includes(">8<"));

    const anonymous = await openPage(browser, served.url);
    const res = await anonymous.goto(publicUrl);
    assertEquals(res?.status(), 200);
    assertEquals(res?.headers()["x-robots-tag"], "noindex, nofollow");
    await anonymous.locator(".widget-body svg").first().waitFor();
    await anonymous.screenshot({ path: `${SHOTS}/dashboard-public-1280.png`, fullPage: true });
    assertFalse((await anonymous.locator("main").innerText()).includes("Orders by status"));
  } finally {
    await browser.close();
    await served.stop();
    await closeAllSources();
    await source.stop();
  }
});
