import { assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import type { Page } from "playwright-core";
import { launchBrowser, openPage, SCREENSHOT_DIR, watchErrors } from "../helpers/browser.ts";
import { serveTestApp } from "../helpers/app.ts";
import { genPersonas, genUser, GOOD_PASSWORD } from "../helpers/fixtures.ts";

const NEW_PASSWORD = "harbour-lantern-cobalt-19-slowly";

/** Collects script errors and failed requests, except the 422s this test provokes on purpose. */
const watch = (page: Page, errors: string[]) => watchErrors(page, errors, (text) => text.includes("status of 422"));

async function signInAs(page: Page, url: string, email: string, password: string): Promise<Page> {
  await page.goto(`${url}/login`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${url}/`);
  return page;
}

Deno.test("in Chromium: an admin invites from /users, the invitee accepts in a fresh browser and is signed in, the admin changes their role in place", async () => {
  const served = await serveTestApp();
  const p = await genPersonas(served.db.sql);
  const browser = await launchBrowser();
  const errors: string[] = [];
  try {
    const admin = await signInAs(await openPage(browser, served.url), served.url, p.alice.user.email, GOOD_PASSWORD);
    watch(admin, errors);
    await admin.goto(`${served.url}/users`);
    assertEquals(await admin.title(), "Users · Opsdeck");
    await admin.getByLabel("E-mail").fill("grace@example.com");
    await admin.getByLabel("Name (optional)").fill("Grace Hopper");
    await admin.locator(".invite-form select[name=role]").selectOption({ label: "employee" });
    await admin.getByRole("button", { name: "Invite", exact: true }).click();
    await admin.waitForSelector(".issued-link");
    const link = await admin.getByLabel("Invitation link").inputValue();
    assertMatch(link, new RegExp(`^${served.url}/invitations/accept\\?token=[A-Za-z0-9_-]{43}$`));
    assertStringIncludes(await admin.locator("#user-rows").innerText(), "grace@example.com");
    await admin.screenshot({ path: `${SCREENSHOT_DIR}/users_invited.png`, fullPage: true });

    // The invitee: a browser with no cookies at all.
    const invitee = await openPage(browser, served.url);
    watch(invitee, errors);
    await invitee.goto(link);
    assertStringIncludes(await invitee.locator("h1").innerText(), "Join Agency");
    assertEquals(await invitee.getByLabel("Your name").inputValue(), "Grace Hopper");
    await invitee.screenshot({ path: `${SCREENSHOT_DIR}/invitation_accept.png`, fullPage: true });
    await invitee.getByLabel("Password").fill("password");
    await invitee.getByRole("button", { name: "Set password and sign in" }).click();
    assertStringIncludes(await invitee.locator("#password-error").innerText(), "too easy to guess");
    await invitee.getByLabel("Password").fill(NEW_PASSWORD);
    await invitee.getByRole("button", { name: "Set password and sign in" }).click();
    await invitee.waitForURL(`${served.url}/`);
    assertStringIncludes(await invitee.locator("header").innerText(), "Grace Hopper");

    // Back to the admin: change Grace's role with the row's select; htmx swaps the row in place.
    await admin.goto(`${served.url}/users`);
    const row = admin.locator("tr", { hasText: "grace@example.com" });
    assertStringIncludes(await row.innerText(), "active");
    const rowId = await row.getAttribute("id");
    const swapped = admin.waitForResponse((r) => r.url().endsWith("/role") && r.request().method() === "POST");
    await row.getByLabel("Role of Grace Hopper").selectOption({ label: "admin" });
    assertEquals((await swapped).status(), 200);
    await admin.waitForFunction(
      (id) => document.querySelector(`#${id} select[name=role] option:checked`)?.textContent === "admin",
      rowId,
    );
    assertEquals(new URL(admin.url()).pathname, "/users", "no navigation: the row changed in place");
    const [grace] = await served.db.sql`SELECT r.name FROM users u JOIN roles r ON r.id = u.role_id
      WHERE u.email = 'grace@example.com'`;
    assertEquals(grace.name, "admin");
    const [audit] = await served.db.sql`SELECT action, details FROM audits
      WHERE action = 'user.role_change' ORDER BY seq DESC LIMIT 1`;
    assertEquals([audit.details.before.role, audit.details.after.role], ["employee", "admin"]);

    // The audit page shows the change to the admin.
    await admin.goto(`${served.url}/audits?action=user.role_change`);
    const entry = admin.locator("#audit-rows tr.audit-row", { hasText: "user.role_change" }).first();
    assertStringIncludes(await entry.innerText(), "user.role_change");
    await admin.screenshot({ path: `${SCREENSHOT_DIR}/audits_role_change.png`, fullPage: true });

    // Grace's session ended with the role change: her next page goes to the login page.
    await invitee.goto(`${served.url}/users`);
    assertEquals(new URL(invitee.url()).pathname, "/login");

    await admin.screenshot({ path: `${SCREENSHOT_DIR}/users_light.png`, fullPage: true });
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});

Deno.test("in Chromium: /roles, /users and /tenants in light and dark theme (screenshots)", async () => {
  const served = await serveTestApp();
  const p = await genPersonas(served.db.sql);
  const root = await genUser(served.db.sql, p.tenant.id, { role: "admin", superAdmin: true, name: "Root" });
  await served.db.sql`INSERT INTO roles (tenant_id, name, description) VALUES (${p.tenant.id}, 'Release manager',
    'Ships releases; reads everything else')`;
  await genUser(served.db.sql, p.tenant.id, { role: "employee", name: "Sam", status: "suspended" });
  const browser = await launchBrowser();
  const errors: string[] = [];
  try {
    for (const theme of ["light", "dark"]) {
      const page = await signInAs(
        await openPage(browser, served.url, { opsdeck_theme: theme }),
        served.url,
        root.email,
        GOOD_PASSWORD,
      );
      watch(page, errors);
      await page.goto(`${served.url}/users`);
      await page.screenshot({ path: `${SCREENSHOT_DIR}/users_${theme}.png`, fullPage: true });
      await page.goto(`${served.url}/roles`);
      const card = page.locator(".role-card", { hasText: "Release manager" });
      await card.locator("summary").click();
      await card.getByLabel("projects: read").check();
      await page.getByRole("button", { name: "Save Release manager" }).click();
      await page.waitForSelector(".role-card .notice-ok");
      await page.screenshot({ path: `${SCREENSHOT_DIR}/roles_${theme}.png`, fullPage: true });
      await page.goto(`${served.url}/tenants`);
      await page.screenshot({ path: `${SCREENSHOT_DIR}/tenants_${theme}.png`, fullPage: true });
      await page.context().close();
    }
    const perms = await served.db.sql`SELECT p.resource || ':' || p.action AS p FROM permissions p
      JOIN roles r ON r.id = p.role_id WHERE r.name = 'Release manager'`;
    assertEquals(perms.map((r) => r.p), ["projects:read"]);
    assertEquals(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
