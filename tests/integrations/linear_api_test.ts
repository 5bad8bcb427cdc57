/**
 * Linear against its stand-in (tests/helpers/linear_api.ts): the OAuth connect
 * flow with state + PKCE (a wrong state, a replayed callback, a replayed code
 * and another session's state → 400 and nothing stored), sealed tokens,
 * an alert → issue (by API and by an alert rule through the sync worker),
 * the issue completed in Linear → a signed webhook resolves the alert (a
 * forged one → 401), a resolved alert → the issue moved to done, refresh
 * before expiry, a token revoked in Linear → broken and admins told,
 * disconnect → revoked at the provider, and secrets:rotate.
 */
import { assert, assertEquals, assertExists, assertStringIncludes } from "@std/assert";
import { listen } from "../helpers/app.ts";
import { signIn, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { consentAt, createIntegrationTestApp, startConnect } from "../helpers/integrations.ts";
import { LINEAR_CLIENT, startLinearStandIn } from "../helpers/linear_api.ts";
import { checkEvent, fire, genCheck } from "../helpers/alerts.ts";
import { genProject } from "../helpers/catalog.ts";
import { rotateSecrets } from "../../services/platform/secrets/rotate.ts";

const linear = startLinearStandIn();
let clock = Date.now();
const { app, sql, p, tenantId, worker } = await createIntegrationTestApp({
  env: linear.env,
  instanceId: "test-integrations",
  now: () => new Date(clock),
});
const served = listen(app);
linear.webhookUrl = `${served.url}/hooks/linear`;

/** The admin's browser: start, click Authorize at the stand-in; answers the callback path (not yet followed). */
async function authorizeAtLinear(session = p.alice) {
  const authorize = await startConnect(app, "linear", session);
  assertEquals(authorize.searchParams.get("code_challenge_method"), "S256");
  const page = await fetch(authorize);
  assertStringIncludes(await page.text(), "Authorize");
  return await consentAt(`${linear.url}/oauth/authorize`, authorize, ["redirect_uri", "state", "code_challenge"]);
}

const counts = async () => {
  const [r] = await sql<{ integrations: number; audits: number; active: number }[]>`
    SELECT (SELECT count(*)::int FROM integrations WHERE tenant_id = ${tenantId}) AS integrations,
      (SELECT count(*)::int FROM integrations WHERE tenant_id = ${tenantId} AND is_active) AS active,
      (SELECT count(*)::int FROM audits WHERE tenant_id = ${tenantId} AND action LIKE 'integration.%') AS audits`;
  return r;
};

let integrationId = "";

Deno.test("connect: state + PKCE, tokens sealed, audit row; bad callbacks are 400 with nothing stored", async () => {
  const first = await authorizeAtLinear();
  const done = await app.request(first, { headers: p.alice.cookie });
  assertEquals(done.status, 303);
  assertEquals(done.headers.get("location"), "/integrations?connected=Acme%20Agency");
  const list = await (await app.request("/api/v1/integrations", { headers: p.alice.bearer })).json();
  assertEquals(list.integrations.length, 1);
  const i = list.integrations[0];
  integrationId = i.id;
  assertEquals([i.platform, i.account_name, i.status, i.metadata.team_id], [
    "linear",
    "Acme Agency",
    "connected",
    "team-ops-1",
  ]);
  assertEquals(list.providers, [
    { platform: "linear", label: "Linear", configured: true },
    { platform: "slack", label: "Slack", configured: false },
    { platform: "github", label: "GitHub", configured: false },
    { platform: "google", label: "Google Drive", configured: false },
  ]);
  const [row] =
    await sql`SELECT access_token_ciphertext, refresh_token_ciphertext, key_id FROM integrations WHERE id = ${i.id}`;
  assert(!new TextDecoder().decode(row.access_token_ciphertext).includes("lin_oauth"), "the token is sealed");
  assertExists(row.refresh_token_ciphertext);
  const before = await counts();
  assertEquals(before.audits, 1);

  // The same callback again: the state was spent.
  const replay = await app.request(first, { headers: p.alice.cookie });
  assertEquals(replay.status, 400);
  assertStringIncludes(await replay.text(), "state is unknown or was used already");
  // A made-up state.
  const forged = await app.request("/integrations/linear/callback?state=forged&code=x", { headers: p.alice.cookie });
  assertEquals(forged.status, 400);
  // The old (used) code under a fresh, valid state: Linear refuses it.
  const fresh = new URL(await authorizeAtLinear(), "http://localhost");
  const oldCode = new URL(first, "http://localhost").searchParams.get("code")!;
  fresh.searchParams.set("code", oldCode);
  const reused = await app.request(`${fresh.pathname}${fresh.search}`, { headers: p.alice.cookie });
  assertEquals(reused.status, 400);
  assertStringIncludes(await reused.text(), "code was refused by the provider (invalid_grant)");
  // A state started in another session of the same admin.
  const other = await signIn(sql, p.alice.user);
  const stolen = await app.request(await authorizeAtLinear(other), { headers: p.alice.cookie });
  assertEquals(stolen.status, 400);
  assertStringIncludes(await stolen.text(), "belongs to another sign-in");
  assertEquals(await counts(), before);

  // Through the API: the authorize URL; an employee may not connect; an unknown provider is 404.
  const api = await app.request("/api/v1/integration-providers/linear/connect", {
    method: "POST",
    headers: p.alice.bearer,
  });
  assertEquals(api.status, 200);
  assertStringIncludes((await api.json()).authorize_url, `${linear.url}/oauth/authorize?`);
  await problem(
    await app.request("/api/v1/integration-providers/linear/connect", { method: "POST", headers: p.bob.bearer }),
    404,
  );
  await problem(
    await app.request("/api/v1/integration-providers/jira/connect", { method: "POST", headers: p.alice.bearer }),
    404,
  );
  await problem(await app.request(`/api/v1/integrations/${integrationId}`, { headers: p.dave.bearer }), 404);
  const bad = await problem(
    await app.request(
      `/api/v1/integrations/${integrationId}`,
      jsonRequest("PATCH", { team_id: "nope" }, p.alice.bearer),
    ),
    422,
  );
  assertEquals(bad.errors[0].path, "team_id");
});

async function openAlert(name: string) {
  const project = await genProject(sql, tenantId, p.clients.acme.id);
  const check = await genCheck(sql, tenantId, project.id, name);
  await fire(sql, checkEvent("health_check.down", check, tenantId));
  const [alert] = await sql<{ id: string; rule_id: string }[]>`
    SELECT id, rule_id FROM alerts WHERE tenant_id = ${tenantId} AND check_id = ${check.id}`;
  return alert;
}

const [rule] = await sql<{ id: string }[]>`
  INSERT INTO alert_rules (tenant_id, name, kind) VALUES (${tenantId}, 'Anything down', 'check_down') RETURNING id`;

Deno.test("an alert files a Linear issue; completing it in Linear resolves the alert; forged webhooks are 401", async () => {
  const alert = await openAlert("Shop home");
  const res = await app.request(
    `/api/v1/alerts/${alert.id}/issues`,
    jsonRequest("POST", { integration_id: integrationId }, p.bob.bearer),
  );
  assertEquals(res.status, 201);
  const issue = await res.json();
  assertEquals(issue.external_key, "OPS-1");
  assertEquals(issue.external_url, "https://linear.app/acme/issue/OPS-1");
  const filed = linear.issues.get(issue.external_id)!;
  assertEquals([filed.title, filed.priority], ["[warning] Shop home is down: HTTP 503", 2]);
  assertStringIncludes(filed.description, `/alerts/${alert.id}`);
  // The alert page shows the link.
  const page = await app.request(`/alerts/${alert.id}`, { headers: p.bob.cookie });
  assertStringIncludes(await page.text(), "https://linear.app/acme/issue/OPS-1");

  const forged = await fetch(`${served.url}/hooks/linear`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Linear-Signature": "00".repeat(32) },
    body: JSON.stringify({
      type: "Issue",
      organizationId: "org-acme-1",
      data: { id: issue.external_id },
      webhookTimestamp: Date.now(),
    }),
  });
  assertEquals(forged.status, 401);
  await forged.body?.cancel();
  assertEquals((await sql`SELECT status FROM alerts WHERE id = ${alert.id}`)[0].status, "triggered");

  const hook = await linear.setIssueState(issue.external_id, "completed");
  assertEquals(hook.status, 200);
  assertEquals((await hook.json()).resolved, 1);
  assertEquals((await sql`SELECT status FROM alerts WHERE id = ${alert.id}`)[0].status, "resolved");
});

Deno.test("an issue reopened in Linear follows its rule and subject's next alert; a resolved alert stays resolved", async () => {
  const project = await genProject(sql, tenantId, p.clients.acme.id);
  const check = await genCheck(sql, tenantId, project.id, "Cart");
  const down = async () => {
    await fire(sql, checkEvent("health_check.down", check, tenantId));
    const [a] = await sql<{ id: string }[]>`
      SELECT id FROM alerts WHERE tenant_id = ${tenantId} AND check_id = ${check.id} AND status <> 'resolved'`;
    return a.id;
  };
  const linkedTo = async (externalId: string) =>
    (await sql`SELECT resource_id, state FROM integration_links WHERE external_id = ${externalId}`)[0];
  const first = await down();
  const issue = await (await app.request(
    `/api/v1/alerts/${first}/issues`,
    jsonRequest("POST", { integration_id: integrationId }, p.bob.bearer),
  )).json();
  assertEquals((await (await linear.setIssueState(issue.external_id, "completed")).json()).resolved, 1);

  // Reopened while no alert of that rule and check is open: the link records it, the resolved alert stays resolved.
  assertEquals(await (await linear.setIssueState(issue.external_id, "unstarted")).json(), { resolved: 0, relinked: 0 });
  assertEquals(await linkedTo(issue.external_id), { resource_id: first, state: "unstarted" });
  assertEquals((await sql`SELECT status FROM alerts WHERE id = ${first}`)[0].status, "resolved");

  // The check goes down again: filing an issue for the new alert takes the still-open issue over, no second issue.
  const second = await down();
  const issues = linear.issues.size;
  const again = await app.request(
    `/api/v1/alerts/${second}/issues`,
    jsonRequest("POST", { integration_id: integrationId }, p.bob.bearer),
  );
  assertEquals((await again.json()).external_key, issue.external_key);
  assertEquals(linear.issues.size, issues);
  assertEquals((await linkedTo(issue.external_id)).resource_id, second);

  // Completed again, then reopened while the check is down once more: the webhook moves it to the open alert.
  assertEquals((await (await linear.setIssueState(issue.external_id, "completed")).json()).resolved, 1);
  const third = await down();
  assertEquals(await (await linear.setIssueState(issue.external_id, "unstarted")).json(), { resolved: 0, relinked: 1 });
  assertEquals(await linkedTo(issue.external_id), { resource_id: third, state: "unstarted" });
  const page = await (await app.request(`/alerts/${third}`, { headers: p.bob.cookie })).text();
  assertStringIncludes(page, issue.external_url);
  const audits = await sql`
    SELECT resource_id, details FROM audits WHERE action = 'alert.issue_relink' AND tenant_id = ${tenantId} ORDER BY seq`;
  assertEquals(audits.map((a) => [a.resource_id, a.details.from_alert]), [[second, first], [third, second]]);
});

Deno.test("close_on_resolve: the worker moves a resolved alert's issue to done; an auto rule files issues", async () => {
  const patched = await app.request(
    `/api/v1/integrations/${integrationId}`,
    jsonRequest("PATCH", { close_on_resolve: true }, p.alice.bearer),
  );
  assertEquals(patched.status, 200);
  const alert = await openAlert("Checkout");
  const issue = await (await app.request(
    `/api/v1/alerts/${alert.id}/issues`,
    jsonRequest("POST", { integration_id: integrationId }, p.alice.bearer),
  )).json();
  const resolved = await app.request(`/api/v1/alerts/${alert.id}/resolve`, jsonRequest("POST", {}, p.alice.bearer));
  assertEquals(resolved.status, 200);
  const auto = await app.request(
    `/api/v1/integrations/${integrationId}/alert-rules/${rule.id}`,
    jsonRequest("PUT", { enabled: true }, p.alice.bearer),
  );
  assertEquals((await auto.json()).rule_ids, [rule.id]);
  const next = await openAlert("Search");
  clock += 61_000;
  assertEquals(await worker.tick(), { synced: 1, failed: 0 });
  assertEquals(linear.issues.get(issue.external_id)!.stateId, "st-done");
  const links = await (await app.request(`/api/v1/alerts/${next.id}/issues`, { headers: p.alice.bearer })).json();
  assertEquals(links.length, 1);
  const i = await (await app.request(`/api/v1/integrations/${integrationId}`, { headers: p.alice.bearer })).json();
  assertEquals([i.last_error, i.last_sync_at], [null, new Date(clock).toISOString()]);
});

Deno.test("per-rule filing: listed by API and page, switched on the page; bad values are 422, nothing changed", async () => {
  const path = `/api/v1/integrations/${integrationId}/alert-rules`;
  const listed = await (await app.request(path, { headers: p.alice.bearer })).json();
  assertEquals(listed.more, false);
  assertEquals(
    listed.rules.map((r: { id: string; name: string; files_issues: boolean }) => [r.id, r.name, r.files_issues]),
    [[rule.id, "Anything down", true]],
  );
  await problem(await app.request(path, { headers: p.dave.bearer }), 404);
  const bad = await problem(
    await app.request(`${path}/${rule.id}`, jsonRequest("PUT", { enabled: "yes" }, p.alice.bearer)),
    422,
  );
  assertEquals([bad.errors[0].path, bad.errors[0].message], ["enabled", "must be true or false"]);

  const settings = await (await app.request("/integrations", { headers: p.alice.cookie })).text();
  assertStringIncludes(settings, `href="/integrations/${integrationId}/alert-rules"`);
  const page = await (await app.request(`/integrations/${integrationId}/alert-rules`, { headers: p.alice.cookie }))
    .text();
  assertStringIncludes(page, "Anything down");
  assertStringIncludes(page, `aria-label="Turn off filing for Anything down"`);
  const post = (enabled: string, htmx: boolean) =>
    app.request(`/integrations/${integrationId}/alert-rules/${rule.id}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        ...(htmx ? { "HX-Request": "true" } : {}),
        ...p.alice.cookie,
      },
      body: new URLSearchParams({ enabled }),
    });
  const off = await post("false", true);
  assertEquals(off.status, 200);
  const row = await off.text();
  assertStringIncludes(row, `<tr id="rule-${rule.id}">`);
  assertStringIncludes(row, "Turn on");
  const filing = () => sql`SELECT rule_id FROM integration_alert_rules WHERE integration_id = ${integrationId}`;
  assertEquals((await filing()).length, 0);
  const refused = await post("maybe", false);
  assertEquals(refused.status, 422);
  assertStringIncludes(await refused.text(), "Nothing was changed: enabled must be true or false.");
  assertEquals((await filing()).length, 0);
  assertEquals((await post("true", false)).status, 200);
  assertEquals((await filing()).map((r) => r.rule_id), [rule.id]);
  const audits = await sql`
    SELECT action FROM audits WHERE resource_id = ${integrationId} AND action LIKE 'integration.alert_rule_%'
    ORDER BY seq`;
  assertEquals(audits.map((a) => a.action), [
    "integration.alert_rule_on",
    "integration.alert_rule_off",
    "integration.alert_rule_on",
  ]);
  // Another tenant's admin: 404 on the page too.
  assertEquals(
    (await app.request(`/integrations/${integrationId}/alert-rules`, { headers: p.dave.cookie })).status,
    404,
  );
});

Deno.test("refresh before expiry, then a token revoked in Linear: broken, event and e-mail to admins", async () => {
  await sql`UPDATE integrations SET token_expires_at = ${new Date(clock + 60_000)} WHERE id = ${integrationId}`;
  clock += 61_000;
  const calls = linear.tokenCalls.length;
  assertEquals(await worker.tick(), { synced: 1, failed: 0 });
  assertEquals(linear.tokenCalls.slice(calls), ["refresh_token"]);
  const [row] = await sql`SELECT token_expires_at FROM integrations WHERE id = ${integrationId}`;
  assert(row.token_expires_at.getTime() > clock + 86_000_000);

  linear.revokeEverything();
  clock += 61_000;
  assertEquals(await worker.tick(), { synced: 0, failed: 1 });
  const i = await (await app.request(`/api/v1/integrations/${integrationId}`, { headers: p.alice.bearer })).json();
  assertEquals(i.status, "broken");
  assertStringIncludes(i.last_error, "Linear refused the token");
  assertEquals(
    (await sql`SELECT count(*)::int AS n FROM events WHERE type = 'integration.broken' AND subject_id = ${integrationId}`)[
      0
    ].n,
    1,
  );
  const mail = await sql`SELECT recipient, subject FROM mail_outbox WHERE purpose = 'integration_broken'`;
  assertEquals(mail.map((m) => m.recipient), [p.alice.user.email]);
  const page = await (await app.request("/integrations", { headers: p.alice.cookie })).text();
  assertStringIncludes(page, "broken");
  assertStringIncludes(page, "Linear refused the token");
  // A broken integration files nothing: 409.
  const alert = await openAlert("Blog");
  await problem(
    await app.request(
      `/api/v1/alerts/${alert.id}/issues`,
      jsonRequest("POST", { integration_id: integrationId }, p.alice.bearer),
    ),
    409,
  );
});

Deno.test("reconnect, secrets:rotate re-seals the tokens, disconnect revokes them at Linear", async () => {
  assertEquals((await app.request(await authorizeAtLinear(), { headers: p.alice.cookie })).status, 303);
  const i = await (await app.request(`/api/v1/integrations/${integrationId}`, { headers: p.alice.bearer })).json();
  assertEquals([i.status, i.last_error], ["connected", null]);
  const next = "next-secret-next-secret-next-secret-1111";
  const rotated = await rotateSecrets(sql, { current: next, previous: [TEST_SECRET], say: () => {} });
  assert(rotated.tenants.some((t) => t.tenantId === tenantId && t.identities >= 1));
  await rotateSecrets(sql, { current: TEST_SECRET, previous: [next], say: () => {} });
  const revokedBefore = linear.revoked.length;
  const res = await app.request(`/api/v1/integrations/${integrationId}`, { method: "DELETE", headers: p.alice.bearer });
  assertEquals(await res.json(), { revoked: true });
  assertEquals(linear.revoked.length - revokedBefore, 2);
  const [row] =
    await sql`SELECT status, is_active, access_token_ciphertext FROM integrations WHERE id = ${integrationId}`;
  assertEquals([row.status, row.is_active, row.access_token_ciphertext], ["disconnected", false, null]);
  assertEquals(LINEAR_CLIENT.id, "lin-client-1");
});

Deno.test({
  name: "stop the stand-ins",
  sanitizeResources: false,
  fn: async () => {
    await served.stop();
    await linear.stop();
  },
});
