/**
 * In Chromium: a deploy gate waits on the approvals inbox; the admin opens it,
 * approves it with a comment, and the deployment's page shows who approved.
 */
import { assertEquals } from "@std/assert";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, openPage, watchErrors } from "../helpers/browser.ts";
import { genProject } from "../helpers/catalog.ts";
import { SHA } from "../helpers/deployments.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { jsonRequest } from "../helpers/http.ts";

Deno.test("in Chromium: an admin approves a deploy gate from the inbox; the deployment shows who approved", async () => {
  const served = await serveTestApp();
  const sql = served.db.sql;
  const p = await genPersonas(sql);
  const browser = await launchBrowser();
  const errors: string[] = [];
  try {
    const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
    await served.app.request(
      `/api/v1/deploy-gates/${shop.id}/production`,
      jsonRequest("PUT", { protected: true }, p.alice.bearer),
    );
    const res = await served.app.request(
      "/api/v1/deployments",
      jsonRequest("POST", { project_id: shop.id, environment: "production", status: "in_progress", commit_sha: SHA }, {
        ...p.bob.bearer,
      }),
    );
    const deployment = await res.json();
    assertEquals(res.status, 202);

    const page = await openPage(browser, served.url, { opsdeck_session: p.alice.token });
    watchErrors(page, errors);
    await page.goto(`${served.url}/approvals`);
    await page.getByRole("link", { name: /Deploy 9f2c1e7 to production/ }).click();
    await page.getByLabel("Comment (optional)").fill("Ship it");
    await page.getByRole("button", { name: "Approve" }).click();
    await page.getByText("by Alice").waitFor();
    await page.getByRole("link", { name: "Open the deployment" }).click();
    await page.getByRole("link", { name: "Approved by Alice" }).waitFor();
    assertEquals(page.url(), `${served.url}/deployments/${deployment.id}`);
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
