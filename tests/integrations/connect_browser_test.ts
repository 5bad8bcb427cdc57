/**
 * In Chromium: an admin connects Linear from the Integrations page (Settings
 * menu) through the stand-in's consent page, sees it connected with its last
 * sync, then files a Linear issue from an alert's page and follows its link;
 * then installs Slack into a workspace and adds a Slack channel posting as
 * it; then connects GitHub the same way, imports a repository as a project
 * from its Repositories page and sets the deployment webhook up there.
 * Screenshots at 1280 and 390 px go to tmp/ (looked at, not committed).
 */
import { assertEquals } from "@std/assert";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, openPage, watchErrors } from "../helpers/browser.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { startLinearStandIn } from "../helpers/linear_api.ts";
import { startSlackStandIn } from "../helpers/slack_api.ts";
import { startGithubStandIn } from "../helpers/github_api.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { checkEvent, fire, genCheck } from "../helpers/alerts.ts";
import { genProject } from "../helpers/catalog.ts";

Deno.test("in Chromium: connect Linear, file an alert's issue; install Slack, post as it; import and hook a GitHub repository", async () => {
  const linear = startLinearStandIn();
  const slack = startSlackStandIn();
  const github = startGithubStandIn();
  github.repos.push(
    { id: 7, full_name: "acme/storefront", default_branch: "main", description: "The shop", admin: true },
    { id: 8, full_name: "acme/infrastructure-as-code", default_branch: "trunk", description: null, admin: true },
  );
  const served = await serveTestApp({
    config: loadConfig({
      OPSDECK_SECRET: TEST_SECRET,
      OPSDECK_API_RATE_LIMIT: "0",
      ...linear.env,
      ...slack.env,
      ...github.env,
    }),
  });
  const sql = served.db.sql;
  const p = await genPersonas(sql);
  const browser = await launchBrowser();
  const errors: string[] = [];
  try {
    await sql`INSERT INTO alert_rules (tenant_id, name, kind) VALUES (${p.tenant.id}, 'Anything down', 'check_down')`;
    const project = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
    const check = await genCheck(sql, p.tenant.id, project.id, "Shop home");
    await fire(sql, checkEvent("health_check.down", check, p.tenant.id));
    const [alert] = await sql`SELECT id FROM alerts WHERE check_id = ${check.id}`;

    const page = await openPage(browser, served.url, { opsdeck_session: p.alice.token });
    watchErrors(page, errors);
    await page.goto(`${served.url}/`);
    await page.locator("summary", { hasText: "Settings" }).press("Enter");
    await page.getByRole("link", { name: "Integrations" }).click();
    await page.waitForURL(`${served.url}/integrations`);
    await page.getByRole("button", { name: "Connect Linear" }).click();
    await page.getByRole("heading", { name: "Opsdeck wants access to Acme Agency" }).waitFor();
    await page.getByRole("button", { name: "Authorize" }).click();
    await page.getByText("Connected Acme Agency.").waitFor();
    await page.getByRole("cell", { name: "connected" }).waitFor();
    await page.screenshot({ path: "tmp/integrations_1280.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "tmp/integrations_390.png", fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.goto(`${served.url}/alerts/${alert.id}`);
    await page.getByRole("button", { name: "Create Linear issue" }).click();
    const link = page.getByRole("link", { name: "OPS-1" });
    await link.waitFor();
    assertEquals(await link.getAttribute("href"), "https://linear.app/acme/issue/OPS-1");
    await page.screenshot({ path: "tmp/integrations_alert_1280.png", fullPage: true });
    assertEquals(linear.issues.size, 1);

    // Slack: install into a workspace picked on Slack's consent page, then a channel posting as it.
    await page.goto(`${served.url}/integrations`);
    await page.getByRole("button", { name: "Connect Slack" }).click();
    await page.getByRole("heading", { name: "Opsdeck is requesting permission to access a Slack workspace" })
      .waitFor();
    await page.getByLabel("Workspace").selectOption({ label: "Beta Studio" });
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByText("Connected Beta Studio.").waitFor();
    await page.goto(`${served.url}/notifications?type=slack`);
    await page.getByLabel("Name", { exact: true }).fill("Beta on-call");
    await page.getByLabel("Workspace").selectOption({ label: "Beta Studio" });
    await page.getByLabel("Channel id or #name").fill("C0BETAOPS1");
    await page.screenshot({ path: "tmp/integrations_slack_channel_1280.png", fullPage: true });
    await page.getByRole("button", { name: "Add Slack channel" }).click();
    // The channel's own page: where it posts, and the workspace chosen in its settings.
    await page.getByText("Slack · Beta Studio · C0BETAOPS1").waitFor();
    assertEquals(
      await page.getByLabel("Workspace").inputValue(),
      await page.locator("option", { hasText: "Beta Studio" }).getAttribute("value"),
    );
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "tmp/integrations_slack_channel_390.png", fullPage: true });
    await page.goto(`${served.url}/integrations`);
    await page.screenshot({ path: "tmp/integrations_slack_390.png", fullPage: true });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: "tmp/integrations_slack_dark_1280.png", fullPage: true });
    await page.goBack();
    await page.screenshot({ path: "tmp/integrations_slack_channel_dark_1280.png", fullPage: true });
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto(`${served.url}/integrations`);
    await page.getByRole("button", { name: "Connect GitHub" }).click();
    await page.getByRole("button", { name: "Authorize Opsdeck" }).click();
    await page.getByText("Connected octocat.").waitFor();
    await page.getByRole("link", { name: "Repositories" }).click();
    await page.getByRole("checkbox", { name: "Import acme/storefront" }).check();
    await page.getByRole("button", { name: "Import the chosen repositories" }).click();
    await page.getByText("Imported storefront.").waitFor();
    await page.getByRole("button", { name: "Set up webhook on acme/storefront" }).click();
    await page.getByText("Webhook set up on acme/storefront").waitFor();
    assertEquals(github.hooks.map((h) => [h.repo, h.config.url]), [
      ["acme/storefront", `${served.url}/hooks/github?tenant=${p.tenant.slug}`],
    ]);
    await page.screenshot({ path: "tmp/github_repositories_1280.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "tmp/github_repositories_390.png", fullPage: true });
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
    await linear.stop();
    await slack.stop();
    await github.stop();
  }
});
