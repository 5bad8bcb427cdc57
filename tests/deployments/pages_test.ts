import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { page } from "../helpers/change_requests.ts";
import { ciKey, patchStatus, report, SHA } from "../helpers/deployments.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
await sql`UPDATE projects SET repository_url = 'https://gitlab.com/acme/shop' WHERE id = ${shop.id}`;
const globexApp = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex app" });
const ci = await ciKey(app, p.alice.bearer);

const running = await (await report(app, ci, {
  project_id: shop.id,
  environment: "production",
  status: "in_progress",
  commit_sha: SHA,
  ref: "main",
  actor: "octocat",
})).json();
const done = await (await report(app, ci, {
  project_id: globexApp.id,
  environment: "staging",
  status: "in_progress",
  commit_sha: "0badc0de",
  started_at: "2025-03-01T10:00:00Z",
})).json();
await patchStatus(app, ci, done.id, { status: "failed", finished_at: "2025-03-01T10:03:05Z" });

Deno.test("GET /deployments lists every project's deployments with status, commit link and a live poll while one runs", async () => {
  const res = await page(app, "/deployments", p.bob.cookie);
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "text/html; charset=UTF-8");
  const body = await res.text();
  assertStringIncludes(body, "Acme shop");
  assertStringIncludes(body, "Globex app");
  assertStringIncludes(body, `href="https://gitlab.com/acme/shop/-/commit/${SHA}"`);
  assertStringIncludes(body, "in progress");
  assertStringIncludes(body, "3 min 5 s");
  assertStringIncludes(body, 'hx-trigger="live, every 15s" data-live="deployments" data-live-poll="5"');
});

Deno.test("GET /deployments filters by project, status and date range; no poll when nothing runs", async (t) => {
  await t.step("status=failed shows only the failed one and stops polling", async () => {
    const body = await (await page(app, "/deployments?status=failed", p.bob.cookie)).text();
    assertStringIncludes(body, "Globex app");
    assert(!body.includes(`/deployments/${running.id}`));
    assert(!body.includes("hx-trigger"));
  });
  await t.step("a date range before everything says nothing matches", async () => {
    const body = await (await page(app, "/deployments?from=2000-01-01&to=2000-01-02", p.bob.cookie)).text();
    assertStringIncludes(body, "No deployments match these filters.");
    assertStringIncludes(body, 'value="2000-01-01"');
  });
  await t.step("a hand-edited bad filter is dropped, not an error", async () => {
    const res = await page(app, "/deployments?status=bogus&from=yesterday", p.bob.cookie);
    assertEquals(res.status, 200);
  });
  await t.step("htmx gets the list alone", async () => {
    const body = await (await page(app, `/deployments?project_id=${shop.id}`, p.bob.cookie, true)).text();
    assert(body.startsWith('<div id="deployment-list"'), body.slice(0, 80));
    assert(!body.includes("Globex app"));
  });
});

Deno.test("GET /deployments for a client user shows only their client's deployments", async () => {
  const body = await (await page(app, "/deployments", p.carol.cookie)).text();
  assertStringIncludes(body, "Acme shop");
  assert(!body.includes("Globex app"));
});

Deno.test("GET /deployments/{id} shows commit, duration, actor and the status history", async () => {
  const res = await page(app, `/deployments/${done.id}`, p.bob.cookie);
  assertEquals(res.status, 200);
  const body = await res.text();
  assertStringIncludes(body, "Globex app → staging");
  assertStringIncludes(body, "3 min 5 s");
  assertStringIncludes(body, "from in progress");
  assertEquals((await page(app, `/deployments/${done.id}`, p.carol.cookie)).status, 404);
  assertEquals((await page(app, `/deployments/${done.id}`, p.dave.cookie)).status, 404);
  assertEquals((await page(app, "/deployments/not-a-uuid", p.bob.cookie)).status, 404);
});

Deno.test("the GitHub webhook page: admins generate a secret shown once; others cannot", async () => {
  const before = await (await page(app, "/deployments/github", p.alice.cookie)).text();
  assertStringIncludes(before, `/hooks/github?tenant=${p.tenant.slug}`);
  assertStringIncludes(before, "No secret yet");
  const res = await app.request("/deployments/github/secret", {
    method: "POST",
    headers: { ...p.alice.cookie, Accept: "text/html", "Content-Type": "application/x-www-form-urlencoded" },
    body: "",
  });
  assertEquals(res.status, 201);
  assertEquals(res.headers.get("Cache-Control"), "no-store");
  assert(/odw_[A-Za-z0-9_-]{40,}/.test(await res.text()));
  const after = await (await page(app, "/deployments/github", p.alice.cookie)).text();
  assert(!/odw_[A-Za-z0-9_-]{40,}/.test(after), "not shown again");
  assertEquals((await page(app, "/deployments/github", p.bob.cookie)).status, 404);
});

Deno.test("the project's deployments panel renders the latest per environment and the timeline", async () => {
  const { projectDeployments } = await import("../../services/deployments/timeline.ts");
  const { ProjectDeploymentsPanel } = await import("../../views/deployments/project_deployments_panel.tsx");
  const { renderPage } = await import("../../views/render.tsx");
  const { principalFromSession } = await import("../../services/auth/sessions.ts");
  const bob = (await principalFromSession(sql, p.bob.token, new Date()))!;
  const data = await projectDeployments(sql, bob, shop.id);
  assertEquals(data.latest.map((d) => d.environment), ["production"]);
  const html = renderPage(
    ProjectDeploymentsPanel({ projectId: shop.id, latest: data.latest, recent: data.recent, more: data.more }),
    { fragment: true },
  );
  assertStringIncludes(html, "environment-card");
  assertStringIncludes(html, `/projects/${shop.id}/deployments`);
});
