/**
 * The user sync page: an admin sets and rotates Clerk's signing secret (a bad
 * one is refused in plain words, nothing stored), issues a SCIM token (shown
 * once) and revokes it (the SCIM client gets 401), and sees what SCIM changed.
 * Employees do not get the page.
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { getPage, postPage } from "../helpers/catalog.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const PATH = "/settings/user-sync";
const stored = async () =>
  (await sql`SELECT clerk_secret_ciphertext IS NOT NULL AS clerk, scim_token_hash IS NOT NULL AS scim
             FROM user_sync_settings WHERE tenant_id = ${p.tenant.id}`)[0] ?? { clerk: false, scim: false };
const scimCall = (token: string) => app.request("/scim/v2/Users", { headers: { Authorization: `Bearer ${token}` } });

Deno.test("Clerk's secret: refused in plain words when malformed, then saved and removed, each audited", async () => {
  const first = await (await getPage(app, PATH, p.alice.cookie)).text();
  assertStringIncludes(first, `/hooks/clerk/`);
  assertStringIncludes(first, "No signing secret yet");
  const bad = await postPage(app, `${PATH}/clerk`, { signing_secret: "hunter2" }, p.alice.cookie);
  assertEquals(bad.status, 422);
  assertStringIncludes(
    (await bad.text()).replaceAll("&#39;", "'").replaceAll("&#x27;", "'"),
    "must be Clerk's signing secret",
  );
  assertEquals((await stored()).clerk, false);
  const good = await postPage(
    app,
    `${PATH}/clerk`,
    { signing_secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La" },
    p.alice.cookie,
  );
  assertEquals(good.status, 200);
  assertStringIncludes(await good.text(), "Rotate the secret");
  assertEquals((await stored()).clerk, true);
  assertEquals((await postPage(app, `${PATH}/clerk/remove`, {}, p.alice.cookie)).status, 200);
  assertEquals((await stored()).clerk, false);
  const actions = await sql`SELECT action FROM audits WHERE action LIKE 'user_sync.clerk%' ORDER BY seq`;
  assertEquals(actions.map((a) => a.action), ["user_sync.clerk_secret_set", "user_sync.clerk_secret_remove"]);
});

Deno.test("SCIM token: issued once on the page, works, shows SCIM's changes, then revoked (401)", async () => {
  const issued = await postPage(app, `${PATH}/scim-token`, {}, p.alice.cookie);
  assertEquals(issued.headers.get("Cache-Control"), "no-store");
  const token = (await issued.text()).match(/osc_[A-Za-z0-9_-]{20,200}/)![0];
  const created = await app.request("/scim/v2/Users", {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" },
    body: JSON.stringify({ userName: "lin@example.com" }),
  });
  assertEquals(created.status, 201);
  const page = await (await getPage(app, PATH, p.alice.cookie)).text();
  assertStringIncludes(page, "lin@example.com");
  assertEquals(page.includes(token), false, "the token is shown once only");
  assertEquals((await postPage(app, `${PATH}/scim-token/revoke`, {}, p.alice.cookie)).status, 200);
  assertEquals((await scimCall(token)).status, 401);
  assertEquals((await stored()).scim, false);
});

Deno.test("an employee gets no user sync page and changes nothing", async () => {
  // Without settings:read the page is not found (as every resource one's role cannot read).
  assertEquals((await getPage(app, PATH, p.bob.cookie)).status, 404);
  assertEquals((await postPage(app, `${PATH}/scim-token`, {}, p.bob.cookie)).status, 404);
  assertEquals((await stored()).scim, false);
});

Deno.test("user_data editor: an admin sets and removes a person's values; bad keys are refused in words", async () => {
  const path = `/users/${p.bob.user.id}/data`;
  assertStringIncludes(await (await getPage(app, path, p.alice.cookie)).text(), "No values stored yet");
  assertEquals((await postPage(app, path, { key: "onboarding_step", value: "3" }, p.alice.cookie)).status, 303);
  const page = await (await getPage(app, path, p.alice.cookie)).text();
  assertStringIncludes(page, "onboarding_step");
  const bad = await postPage(app, path, { key: "no spaces", value: "x" }, p.alice.cookie);
  assertEquals(bad.status, 422);
  assertStringIncludes(await bad.text(), "must be 1–100 letters, digits or _ . : -");
  const keys = async () =>
    (await sql`SELECT key FROM user_data WHERE user_id = ${p.bob.user.id} ORDER BY key`).map((r) => r.key);
  assertEquals(await keys(), ["onboarding_step"]);
  // Bob reads his own; a client user does not see him at all.
  assertStringIncludes(await (await getPage(app, path, p.bob.cookie)).text(), "onboarding_step");
  assertEquals((await getPage(app, path, p.carol.cookie)).status, 404);
  assertEquals((await postPage(app, `${path}/delete`, { key: "onboarding_step" }, p.alice.cookie)).status, 303);
  assertEquals(await keys(), []);
  const audits = await sql`SELECT action FROM audits WHERE resource_id = ${p.bob.user.id} AND action LIKE 'user_data.%'
                           ORDER BY seq`;
  assertEquals(audits.map((a) => a.action), ["user_data.put", "user_data.delete"]);
});
