/**
 * The Deployments issue's end-to-end check in Chromium: a CI job (API key
 * scoped to deployments:write) and GitHub (a signed deployment_status) report
 * deployments; the list shows them and updates a running one in place when
 * CI finishes it; the deployment's page shows its commit link and history.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { genProject } from "../helpers/catalog.ts";
import { ciKey, SHA } from "../helpers/deployments.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { deliver, deploymentStatusEvent } from "../helpers/github.ts";

async function call(url: string, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...headers, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  assert(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

Deno.test("in Chromium: CI and GitHub deployments show on the list, live, and on the deployment's page", async () => {
  const served = await serveTestApp();
  const sql = served.db.sql;
  const p = await genPersonas(sql);
  const browser = await launchBrowser();
  const errors: string[] = [];
  try {
    const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, {
      name: "Acme shop",
      environments: [{ name: "staging", url: null }, { name: "production", url: null }],
    });
    await sql`UPDATE projects SET repository_url = 'https://github.com/acme/shop' WHERE id = ${shop.id}`;
    const ci = await ciKey(served.app, p.alice.bearer);
    const { secret } = await call(served.url, "POST", "/api/v1/github-webhook/secret", p.alice.bearer);

    // GitHub: a successful staging deployment, then CI: a production one that is still running.
    const gh = await deliver(
      served.app,
      "deployment_status",
      deploymentStatusEvent("acme/shop", {
        id: 77001,
        sha: "c0ffee1234567890c0ffee1234567890c0ffee12",
        environment: "staging",
      }, "success"),
      secret,
    );
    assertEquals(gh.status, 200);
    const running = await call(served.url, "POST", "/api/v1/deployments", { ...ci, "Idempotency-Key": "run-9-start" }, {
      project_slug: shop.slug,
      environment: "production",
      status: "in_progress",
      commit_sha: SHA,
      ref: "main",
      actor: "ci-bot",
      url: "https://github.com/acme/shop/actions/runs/9",
    });

    for (const theme of ["light", "dark"]) {
      const page = await openPage(browser, served.url, { opsdeck_session: p.bob.token, opsdeck_theme: theme });
      watchErrors(page, errors);
      await page.goto(`${served.url}/deployments`);
      const list = page.locator("#deployment-list");
      assertStringIncludes(await list.innerText(), theme === "light" ? "in progress" : "succeeded");
      assertStringIncludes(await list.innerText(), "c0ffee1");
      await page.screenshot({ path: `${SCREENSHOT_DIR}/deployments-list-${theme}.png`, fullPage: true });
      if (theme === "light") {
        // CI finishes; the open list shows it within one poll, without a reload.
        await call(served.url, "PATCH", `/api/v1/deployments/${running.id}`, ci, { status: "succeeded" });
        await page.locator(`#deployment-${running.id} .badge-up`).waitFor({ timeout: 12_000 });
        assertEquals(await page.locator("#deployment-list[hx-trigger]").count(), 0, "polling stops when all finished");
      }
      await page.locator(`#deployment-${running.id} a[href="/deployments/${running.id}"]`).first().click();
      await page.waitForURL(`${served.url}/deployments/${running.id}`);
      const text = await page.locator("main").innerText();
      assertStringIncludes(text, "Acme shop → production");
      assertStringIncludes(text, "ci-bot");
      assertStringIncludes(text, "from in progress");
      assertEquals(
        await page.locator(`a[href="https://github.com/acme/shop/commit/${SHA}"]`).first().getAttribute("target"),
        "_blank",
      );
      await page.screenshot({ path: `${SCREENSHOT_DIR}/deployment-page-${theme}.png`, fullPage: true });
      await page.goto(`${served.url}/delivery-metrics?days=7`);
      assertEquals(await page.locator("svg.chart rect.chart-up").count(), 1, "one day with successes");
      assertStringIncludes(await page.locator(".metric-cards").innerText(), "0.0 %");
      await page.screenshot({ path: `${SCREENSHOT_DIR}/delivery-metrics-${theme}.png`, fullPage: true });
      await page.context().close();
    }
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
