import { assertEquals, assertStringIncludes } from "@std/assert";
import { loadConfig } from "../../services/platform/config.ts";
import { serveTestApp } from "../helpers/app.ts";
import { launchBrowser, SCREENSHOT_DIR } from "../helpers/browser.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { startOidcProvider } from "../helpers/oidc_provider.ts";
import { genInvitedUser } from "./flow.ts";

Deno.test("in Chromium: an invited user signs in with single sign-on; an existing address is refused with a clear page", async () => {
  const provider = await startOidcProvider();
  const served = await serveTestApp({ config: loadConfig({ OPSDECK_SECRET: TEST_SECRET, ...provider.env }) });
  const browser = await launchBrowser();
  try {
    const p = await genPersonas(served.db.sql);
    const { user } = await genInvitedUser(served.db.sql, p.tenant.id, "ivy@example.com");
    await served.db.sql`UPDATE users SET name = 'Ivy Invited' WHERE id = ${user.id}`;

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(served.url + "/login");
    await page.screenshot({ path: `${SCREENSHOT_DIR}/oidc_login_light.png`, fullPage: true });
    provider.nextSignIn({ sub: "ivy-1", email: "ivy@example.com", email_verified: true });
    await page.getByRole("button", { name: "Sign in with single sign-on" }).click();
    await page.waitForURL(served.url + "/");
    assertStringIncludes(await page.locator("header").innerText(), "Ivy Invited");

    for (const theme of ["light", "dark"]) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addCookies([{ name: "opsdeck_theme", value: theme, url: served.url }]);
      const refused = await context.newPage();
      await refused.goto(served.url + "/login");
      provider.nextSignIn({ sub: `imposter-${theme}`, email: p.bob.user.email, email_verified: true });
      const [response] = await Promise.all([
        refused.waitForResponse((r) => r.url().includes("/auth/oidc/callback")),
        refused.getByRole("button", { name: "Sign in with single sign-on" }).click(),
      ]);
      assertEquals(response.status(), 403);
      assertStringIncludes(await refused.locator("[role=alert]").innerText(), "never linked to an account by e-mail");
      await refused.screenshot({ path: `${SCREENSHOT_DIR}/oidc_refused_${theme}.png`, fullPage: true });
      await context.close();
    }
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
    await provider.stop();
  }
});
