/**
 * GitHub against its stand-in (tests/helpers/github_api.ts): the OAuth app
 * connect flow (a wrong state, a replayed callback and a replayed code → 400,
 * nothing stored), repositories listed across Link pages, imported as
 * projects (URL and default branch from GitHub; again → nothing new; a taken
 * name → 409, an unknown repository → 422, another tenant's integration →
 * 404, nothing stored), the webhook set up at GitHub with the tenant's sealed
 * secret (a delivery signed with what GitHub was given is accepted), commit
 * message and pull request fetched by the sync worker onto the deployment
 * (API and page, the page asking GitHub nothing), and a token GitHub refuses
 * → the integration broken and admins told.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { jsonRequest, problem } from "../helpers/http.ts";
import { consentAt, createIntegrationTestApp, startConnect } from "../helpers/integrations.ts";
import { startGithubStandIn } from "../helpers/github_api.ts";
import { deliver, deploymentEvent } from "../helpers/github.ts";
import { genProject } from "../helpers/catalog.ts";

const gh = startGithubStandIn();
gh.pageSize = 2;
gh.repos.push(
  { id: 101, full_name: "acme/storefront", default_branch: "main", description: "The shop", admin: true },
  { id: 102, full_name: "acme/blog", default_branch: "trunk", description: null, admin: true },
  { id: 103, full_name: "acme/web", default_branch: "main", description: null, admin: false },
  { id: 104, full_name: "octocat/web", default_branch: "main", description: null, admin: true },
  { id: 105, full_name: "octocat/dotfiles", default_branch: "master", description: null, admin: true },
);
const SHA = "9f2c1e7b4a3d5e6f7a8b9c0d1e2f3a4b5c6d7e8f";
const UNKNOWN_SHA = "0000000000000000000000000000000000000abc";
gh.commits.set(`acme/storefront@${SHA}`, {
  message: "Fix the basket total for EU VAT\n\nRounds per line, as the tax office asks.",
  author: "Mona Lisa",
  login: "monalisa",
  pull: { number: 42, title: "EU VAT in the basket" },
});
const { app, sql, p, tenantId, worker } = await createIntegrationTestApp({
  env: gh.env,
  instanceId: "test-github",
  now: () => new Date(),
});

/** The admin's browser: start, click Authorize at the stand-in; answers the callback path. */
async function authorizeAtGithub() {
  const authorize = await startConnect(app, "github", p.alice);
  assertEquals(authorize.searchParams.get("scope"), "repo admin:repo_hook");
  return await consentAt(`${gh.url}/login/oauth/authorize`, authorize, ["redirect_uri", "state", "code_challenge"]);
}

const counts = async () => {
  const [r] = await sql`
    SELECT (SELECT count(*)::int FROM integrations WHERE tenant_id = ${tenantId}) AS integrations,
      (SELECT count(*)::int FROM projects WHERE tenant_id = ${tenantId}) AS projects,
      (SELECT count(*)::int FROM github_repositories WHERE tenant_id = ${tenantId}) AS linked,
      (SELECT count(*)::int FROM audits WHERE tenant_id = ${tenantId}) AS audits`;
  return r;
};

let integrationId = "";
const api = (path: string) => `/api/v1/integrations/${integrationId}${path}`;

Deno.test("connect GitHub: code exchanged as GitHub answers; a wrong state or a replayed code is 400", async () => {
  const first = await authorizeAtGithub();
  const done = await app.request(first, { headers: p.alice.cookie });
  assertEquals(done.status, 303);
  assertEquals(done.headers.get("location"), "/integrations?connected=octocat");
  const list = await (await app.request("/api/v1/integrations", { headers: p.alice.bearer })).json();
  const i = list.integrations[0];
  integrationId = i.id;
  assertEquals([i.platform, i.account_id, i.status, i.metadata.html_host], [
    "github",
    "583231",
    "connected",
    "github.com",
  ]);
  assertEquals(i.scopes, ["admin:repo_hook", "repo"]);
  const before = await counts();
  const replay = await app.request(first, { headers: p.alice.cookie });
  assertEquals(replay.status, 400);
  assertStringIncludes(await replay.text(), "state is unknown or was used already");
  const forged = await app.request("/integrations/github/callback?state=forged&code=x", { headers: p.alice.cookie });
  assertEquals(forged.status, 400);
  await forged.body?.cancel();
  // The used code under a fresh state: GitHub answers HTTP 200 {error: "bad_verification_code"}.
  const fresh = new URL(await authorizeAtGithub(), "http://localhost");
  fresh.searchParams.set("code", new URL(first, "http://localhost").searchParams.get("code")!);
  const reused = await app.request(`${fresh.pathname}${fresh.search}`, { headers: p.alice.cookie });
  assertEquals(reused.status, 400);
  assertStringIncludes(await reused.text(), "code was refused by the provider (bad_verification_code)");
  assertEquals(await counts(), before);
});

Deno.test("repositories: every Link page listed; imported as projects, again idempotent; bad imports store nothing", async () => {
  gh.requests.length = 0;
  const listedRes = await app.request(api("/repositories"), { headers: p.alice.bearer });
  const listed = await listedRes.json();
  assertEquals(listedRes.status, 200, JSON.stringify(listed));
  assertEquals(listed.repositories.map((r: { full_name: string }) => r.full_name), gh.repos.map((r) => r.full_name));
  assertEquals(listed.truncated, false);
  assertEquals(gh.requests.filter((r) => r.startsWith("GET /user/repos")).length, 3, "three pages of two");
  assertEquals(listed.repositories[0].project, null);

  const body = {
    client_id: p.clients.acme.id,
    repositories: [{ full_name: "acme/storefront" }, { full_name: "acme/blog" }, { full_name: "acme/web" }],
  };
  const first = await app.request(api("/repositories/import"), jsonRequest("POST", body, p.alice.bearer));
  assertEquals(first.status, 200);
  const { projects } = await first.json();
  assertEquals(projects.map((x: { created: boolean }) => x.created), [true, true, true]);
  assertEquals(projects[1].repository_url, "https://github.com/acme/blog");
  assertEquals(projects[1].default_branch, "trunk");
  const [row] = await sql`
    SELECT p.name, p.repository_url, g.default_branch, g.repository_id::int AS repository_id FROM projects p
    JOIN github_repositories g ON g.project_id = p.id WHERE p.id = ${projects[0].project_id}`;
  assertEquals(row, {
    name: "storefront",
    repository_url: "https://github.com/acme/storefront",
    default_branch: "main",
    repository_id: 101,
  });
  const after = await counts();
  const again = await (await app.request(api("/repositories/import"), jsonRequest("POST", body, p.alice.bearer)))
    .json();
  assertEquals(again.projects.map((x: { project_id: string; created: boolean }) => [x.project_id, x.created]), [
    [projects[0].project_id, false],
    [projects[1].project_id, false],
    [projects[2].project_id, false],
  ]);
  assertEquals(await counts(), after, "a re-import stores nothing new");

  // octocat/web would be a second "web": 409 naming the entry, and the storefront before it is not kept either.
  const clash = await problem(
    await app.request(
      api("/repositories/import"),
      jsonRequest("POST", {
        client_id: p.clients.acme.id,
        repositories: [{ full_name: "octocat/dotfiles" }, { full_name: "octocat/web" }],
      }, p.alice.bearer),
    ),
    409,
  );
  assertEquals(clash.errors[0].path, "repositories.1.name");
  assertStringIncludes(clash.errors[0].message, `"web" is taken by project "web"`);
  const unknown = await problem(
    await app.request(
      api("/repositories/import"),
      jsonRequest("POST", { client_id: p.clients.acme.id, repositories: [{ full_name: "acme/nope" }] }, p.alice.bearer),
    ),
    422,
  );
  assertEquals(unknown.errors[0].path, "repositories.0.full_name");
  const badName = await problem(
    await app.request(
      api("/repositories/import"),
      jsonRequest("POST", { client_id: p.clients.acme.id, repositories: [{ full_name: "../etc" }] }, p.alice.bearer),
    ),
    422,
  );
  assertEquals(badName.errors[0].path, "repositories.0.full_name");
  // Another tenant's admin names this integration: 404; an employee may not import.
  await problem(
    await app.request(
      api("/repositories/import"),
      jsonRequest("POST", { client_id: p.clients.otherClient.id, repositories: [{ full_name: "octocat/web" }] }, {
        ...p.dave.bearer,
      }),
    ),
    404,
  );
  await problem(await app.request(api("/repositories"), { headers: p.dave.bearer }), 404);
  await problem(await app.request(api("/repositories"), { headers: p.bob.bearer }), 404);
  await problem(
    await app.request(api("/repositories/import"), jsonRequest("POST", body, p.bob.bearer)),
    404,
  );
  assertEquals(await counts(), after, "nothing stored by the refusals");

  // Under another name it goes in; the list now marks the imported ones.
  const renamed = await app.request(
    api("/repositories/import"),
    jsonRequest("POST", {
      client_id: p.clients.acme.id,
      repositories: [{ full_name: "octocat/web", name: "Octocat web" }],
    }, p.alice.bearer),
  );
  assertEquals((await renamed.json()).projects[0].created, true);
  const marked = await (await app.request(api("/repositories"), { headers: p.alice.bearer })).json();
  assertEquals(marked.repositories[0].project, { id: projects[0].project_id, name: "storefront", webhook: false });
});

Deno.test("set up the webhook: GitHub gets the tenant's sealed secret and Opsdeck's receiver; its deliveries apply", async () => {
  const [storefront] = await sql`SELECT project_id FROM github_repositories WHERE full_name = 'acme/storefront'`;
  const [web] = await sql`SELECT project_id FROM github_repositories WHERE full_name = 'acme/web'`;
  const res = await app.request(api(`/webhooks/${storefront.project_id}`), { method: "PUT", headers: p.alice.bearer });
  assertEquals(res.status, 200);
  const hook = await res.json();
  const made = gh.hooks.find((h) => String(h.id) === hook.hook_id)!;
  assertEquals(made.events, ["deployment", "deployment_status"]);
  assertEquals(made.config.url, `http://localhost/hooks/github?tenant=${p.tenant.slug}`);
  assertEquals(made.config.content_type, "json");
  assert(made.config.secret.startsWith("odw_"));
  const [sealed] = await sql`SELECT secret_ciphertext FROM github_webhooks WHERE tenant_id = ${tenantId}`;
  assert(!new TextDecoder().decode(sealed.secret_ciphertext).includes(made.config.secret), "sealed at rest");

  // GitHub's delivery, signed with the secret GitHub was given, is accepted and records the deployment, which makes
  // the integration due a sync at once (the worker fetches the commit within its 5 s poll, not the next minute).
  await sql`UPDATE integrations SET next_sync_at = now() + interval '1 minute' WHERE id = ${integrationId}`;
  const delivery = await deliver(
    app,
    "deployment",
    deploymentEvent("acme/storefront", { id: 9001, sha: SHA }),
    made.config.secret,
    `?tenant=${p.tenant.slug}`,
  );
  assertEquals(delivery.status, 200);
  assertEquals((await delivery.json()).result, "applied");
  const [due] = await sql`SELECT next_sync_at <= now() AS due FROM integrations WHERE id = ${integrationId}`;
  assertEquals(due.due, true);

  // Again: the old hook is deleted at GitHub and a new one made with the same secret.
  const again = await (await app.request(api(`/webhooks/${storefront.project_id}`), {
    method: "PUT",
    headers: p.alice.bearer,
  })).json();
  assertEquals(made.deleted, true);
  assertEquals(gh.hooks.find((h) => String(h.id) === again.hook_id)!.config.secret, made.config.secret);
  // No admin rights on acme/web: GitHub's 404 becomes a 409 in words; a project not imported is a 409 too.
  const refused = await problem(
    await app.request(api(`/webhooks/${web.project_id}`), { method: "PUT", headers: p.alice.bearer }),
    409,
  );
  assertStringIncludes(refused.detail, "may not manage webhooks of acme/web");
  const plain = await genProject(sql, tenantId, p.clients.acme.id);
  await problem(await app.request(api(`/webhooks/${plain.id}`), { method: "PUT", headers: p.alice.bearer }), 409);
  await problem(
    await app.request(api(`/webhooks/${storefront.project_id}`), { method: "PUT", headers: p.bob.bearer }),
    404,
  );

  const removed = await app.request(api(`/webhooks/${storefront.project_id}`), {
    method: "DELETE",
    headers: p.alice.bearer,
  });
  assertEquals(removed.status, 204);
  assertEquals(gh.hooks.filter((h) => !h.deleted).length, 0);
  await problem(
    await app.request(api(`/webhooks/${storefront.project_id}`), { method: "DELETE", headers: p.alice.bearer }),
    404,
  );
  const actions = await sql`
    SELECT action FROM audits WHERE tenant_id = ${tenantId} AND resource_id = ${storefront.project_id}
      AND action LIKE 'project.github_webhook%' ORDER BY created_at, action`;
  assertEquals(actions.map((a) => a.action), [
    "project.github_webhook_create",
    "project.github_webhook_replace",
    "project.github_webhook_delete",
  ]);
});

Deno.test("the sync worker fetches the deployed commit's message and pull request; the page only reads them", async () => {
  const [deployment] = await sql`SELECT id FROM deployments WHERE external_id = '9001'`;
  const [storefront] = await sql`SELECT project_id FROM github_repositories WHERE full_name = 'acme/storefront'`;
  await sql`
    INSERT INTO deployments (tenant_id, project_id, environment, status, commit_sha, source)
    VALUES (${tenantId}, ${storefront.project_id}, 'production', 'queued', ${UNKNOWN_SHA}, 'api')`;
  const before = await (await app.request(`/api/v1/deployments/${deployment.id}`, { headers: p.bob.bearer })).json();
  assertEquals(before.commit, null);
  gh.requests.length = 0;
  await sql`UPDATE integrations SET next_sync_at = now() - interval '1 second' WHERE id = ${integrationId}`;
  assertEquals(await worker.tick(), { synced: 1, failed: 0 });
  assertEquals(
    gh.requests.filter((r) => r.includes("/commits/")).sort(),
    [
      `GET /repos/acme/storefront/commits/${SHA}`,
      `GET /repos/acme/storefront/commits/${SHA}/pulls`,
      `GET /repos/acme/storefront/commits/${UNKNOWN_SHA}`,
    ].sort(),
  );
  const d = await (await app.request(`/api/v1/deployments/${deployment.id}`, { headers: p.bob.bearer })).json();
  assertEquals(d.commit, {
    message: "Fix the basket total for EU VAT\n\nRounds per line, as the tax office asks.",
    author: "monalisa",
    pull_request: { number: 42, title: "EU VAT in the basket", url: "https://github.com/acme/storefront/pull/42" },
  });
  gh.requests.length = 0;
  const page = await (await app.request(`/deployments/${deployment.id}`, { headers: p.bob.cookie })).text();
  assertStringIncludes(page, "Fix the basket total for EU VAT");
  assertStringIncludes(page, `href="https://github.com/acme/storefront/pull/42"`);
  assertEquals(gh.requests, [], "rendering asks GitHub nothing");
  // The unknown commit is remembered as not found: the next pass asks nothing again.
  await sql`UPDATE integrations SET next_sync_at = now() - interval '1 second' WHERE id = ${integrationId}`;
  await worker.tick();
  assertEquals(gh.requests.filter((r) => r.includes("/commits/")), []);
});

Deno.test("the Repositories page lists what is imported; a taken name is refused in words, nothing stored", async () => {
  const page = await app.request(`/integrations/${integrationId}/repositories`, { headers: p.alice.cookie });
  assertEquals(page.status, 200);
  const html = await page.text();
  assertStringIncludes(html, `aria-label="Set up webhook on acme/blog"`);
  assertStringIncludes(html, `aria-label="Import octocat/dotfiles"`);
  const before = await counts();
  const form = new URLSearchParams({ client_id: p.clients.acme.id });
  form.append("repositories", "octocat/dotfiles");
  form.set("name:octocat/dotfiles", "Storefront");
  const refused = await app.request(`/integrations/${integrationId}/repositories/import`, {
    method: "POST",
    headers: p.alice.cookie,
    body: form,
  });
  assertEquals(refused.status, 409);
  assertStringIncludes(await refused.text(), "&quot;Storefront&quot; is taken by project &quot;storefront&quot;");
  const none = await app.request(`/integrations/${integrationId}/repositories/import`, {
    method: "POST",
    headers: p.alice.cookie,
    body: new URLSearchParams({ client_id: p.clients.acme.id }),
  });
  assertEquals(none.status, 422);
  assertStringIncludes(await none.text(), "choose at least one repository");
  assertEquals(await counts(), before);
  // Another tenant's admin: the page is a 404.
  const foreign = await app.request(`/integrations/${integrationId}/repositories`, { headers: p.dave.cookie });
  assertEquals(foreign.status, 404);
  await foreign.body?.cancel();
});

Deno.test("as a GitHub App: the user token expires and is refreshed before the call; reconnecting keeps the row", async () => {
  gh.expiresIn = 120;
  const done = await app.request(await authorizeAtGithub(), { headers: p.alice.cookie });
  assertEquals(done.status, 303);
  const [row] = await sql`SELECT count(*)::int AS n, max(token_expires_at) AS expires FROM integrations
    WHERE tenant_id = ${tenantId}`;
  assertEquals(row.n, 1, "the same account reconnects its row");
  gh.tokenCalls.length = 0;
  const res = await app.request(api("/repositories"), { headers: p.alice.bearer });
  assertEquals(res.status, 200);
  await res.body?.cancel();
  assertEquals(gh.tokenCalls, ["refresh_token"], "under five minutes left: refreshed first");
  const [after] = await sql`SELECT token_expires_at FROM integrations WHERE id = ${integrationId}`;
  assert(after.token_expires_at > row.expires);
  // Back to an OAuth app's token, which does not expire, for the next test.
  gh.expiresIn = 0;
  await (await app.request(await authorizeAtGithub(), { headers: p.alice.cookie })).body?.cancel();
});

Deno.test("a token GitHub refuses (401 Bad credentials) marks the integration broken and tells the admins", async () => {
  gh.revokeEverything();
  const res = await problem(await app.request(api("/repositories"), { headers: p.alice.bearer }), 409);
  assertStringIncludes(res.detail, "Bad credentials");
  const [row] = await sql`SELECT status, last_error FROM integrations WHERE id = ${integrationId}`;
  assertEquals(row.status, "broken");
  const [mail] = await sql`
    SELECT count(*)::int AS n FROM mail_outbox WHERE tenant_id = ${tenantId} AND purpose = 'integration_broken'`;
  assert(mail.n >= 1);
  await problem(await app.request(api("/repositories"), { headers: p.alice.bearer }), 409);
});

Deno.test({
  name: "stop the stand-in",
  sanitizeResources: false,
  fn: async () => {
    await gh.stop();
  },
});
