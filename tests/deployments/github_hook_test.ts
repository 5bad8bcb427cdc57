import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { auditActions, counts, eventTypes } from "../helpers/deployments.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { deliver, deploymentEvent, deploymentStatusEvent } from "../helpers/github.ts";
import { problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
await sql`UPDATE projects SET repository_url = 'https://github.com/Acme/Shop.git' WHERE id = ${shop.id}`;
// The other tenant links the same repository (a fork agency, say) with its own secret.
const initech = await genProject(sql, p.other.id, p.clients.otherClient.id, { name: "Initech shop" });
await sql`UPDATE projects SET repository_url = 'https://github.com/acme/shop' WHERE id = ${initech.id}`;

async function newSecret(headers: Record<string, string>) {
  const res = await app.request("/api/v1/github-webhook/secret", { method: "POST", headers });
  assertEquals(res.status, 201);
  return await res.json();
}
const mine = await newSecret(p.alice.bearer);
const theirs = await newSecret(p.dave.bearer);
const SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
const REPO = "acme/shop";
const byGithubId = async (id: number) =>
  (await sql`SELECT id, status, environment, actor, started_at, finished_at, url, tenant_id FROM deployments
             WHERE source = 'github' AND external_id = ${String(id)}`)[0];

Deno.test("GET /api/v1/github-webhook shows the payload URL to admins only; the secret is never shown again", async () => {
  const res = await app.request("/api/v1/github-webhook", { headers: p.alice.bearer });
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.configured, true);
  assertStringIncludes(body.payload_url, `/hooks/github?tenant=${p.tenant.slug}`);
  assertEquals(body.secret, undefined);
  assert(mine.secret.startsWith("odw_") && mine.secret.length > 40);
  await problem(await app.request("/api/v1/github-webhook", { headers: p.bob.bearer }), 404);
  await problem(await app.request("/api/v1/github-webhook/secret", { method: "POST", headers: p.carol.bearer }), 404);
  const [row] = await sql`SELECT secret_ciphertext FROM github_webhooks WHERE tenant_id = ${p.tenant.id}`;
  assert(!new TextDecoder().decode(row.secret_ciphertext).includes(mine.secret), "stored encrypted");
});

Deno.test("GitHub drives a deployment: deployment, then in_progress, then success; replays change nothing", async () => {
  const d = { id: 9001, sha: SHA, environment: "production" };
  const created = await deliver(app, "deployment", deploymentEvent(REPO, d), mine.secret);
  assertEquals(created.status, 200);
  assertEquals(created.headers.get("Content-Type"), "application/json");
  assertEquals((await created.json()).result, "applied");
  let row = await byGithubId(9001);
  assertEquals([row.tenant_id, row.status, row.environment, row.actor], [
    p.tenant.id,
    "queued",
    "production",
    "octocat",
  ]);

  assertEquals(
    (await deliver(
      app,
      "deployment_status",
      deploymentStatusEvent(REPO, d, "in_progress", "2025-03-01T10:01:00Z"),
      mine.secret,
    )).status,
    200,
  );
  const success = await deliver(
    app,
    "deployment_status",
    deploymentStatusEvent(REPO, d, "success", "2025-03-01T10:04:00Z"),
    mine.secret,
  );
  assertEquals((await success.json()).result, "applied");
  row = await byGithubId(9001);
  assertEquals(row.status, "succeeded");
  assertEquals([row.started_at.toISOString(), row.finished_at.toISOString()], [
    "2025-03-01T10:01:00.000Z",
    "2025-03-01T10:04:00.000Z",
  ]);
  assertEquals(row.url, "https://github.com/acme/shop/actions/runs/42");

  const before = await counts(sql);
  for (
    const [event, payload] of [
      ["deployment", deploymentEvent(REPO, d)],
      ["deployment_status", deploymentStatusEvent(REPO, d, "success", "2025-03-01T10:04:00Z")],
      ["deployment_status", deploymentStatusEvent(REPO, d, "in_progress")],
      ["deployment_status", deploymentStatusEvent(REPO, d, "inactive")],
    ] as const
  ) {
    const res = await deliver(app, event, payload, mine.secret);
    assertEquals(res.status, 200);
    assert(["unchanged", "ignored"].includes((await res.json()).result));
  }
  assertEquals(await counts(sql), before);
  assertEquals(await auditActions(sql, row.id), ["deployment.create", "deployment.update", "deployment.update"]);
  assertEquals(await eventTypes(sql, row.id), ["deployment.started", "deployment.succeeded"]);
  const other = await sql`SELECT id FROM deployments WHERE tenant_id = ${p.other.id}`;
  assertEquals(other.length, 0, "the other tenant's secret did not sign it, so nothing landed there");
});

Deno.test("a deployment_status for an unseen deployment creates it; success from queued steps through in_progress", async () => {
  const failed = { id: 9002, sha: SHA, environment: "staging" };
  assertEquals(
    (await deliver(app, "deployment_status", deploymentStatusEvent(REPO, failed, "failure"), mine.secret)).status,
    200,
  );
  const row = await byGithubId(9002);
  assertEquals([row.status, row.environment], ["failed", "staging"]);
  assertEquals(await eventTypes(sql, row.id), ["deployment.failed"]);

  const ok = { id: 9005, sha: SHA, environment: "staging" };
  assertEquals(
    (await deliver(app, "deployment_status", deploymentStatusEvent(REPO, ok, "success"), mine.secret)).status,
    200,
  );
  const done = await byGithubId(9005);
  assertEquals(done.status, "succeeded");
  assertEquals(done.started_at.toISOString(), "2025-03-01T10:00:00.000Z", "started when GitHub created the deployment");
  assertEquals((await eventTypes(sql, done.id)).sort(), ["deployment.started", "deployment.succeeded"]);
});

Deno.test("?tenant= picks the tenant; the other tenant's own secret lands in its own project", async () => {
  const d = { id: 9003, sha: SHA };
  const res = await deliver(app, "deployment", deploymentEvent(REPO, d), theirs.secret, `?tenant=${p.other.slug}`);
  assertEquals(res.status, 200);
  assertEquals((await byGithubId(9003)).tenant_id, p.other.id);
  const wrong = await deliver(
    app,
    "deployment",
    deploymentEvent(REPO, { id: 9004, sha: SHA }),
    mine.secret,
    `?tenant=${p.other.slug}`,
  );
  await problem(wrong, 401);
});

Deno.test("/hooks/github refuses a missing or bad signature with a 401 and stores nothing", async (t) => {
  const payload = deploymentEvent(REPO, { id: 9100, sha: SHA });
  const before = await counts(sql);
  await t.step("no signature", async () => {
    const err = await problem(await deliver(app, "deployment", payload, undefined), 401);
    assertStringIncludes(err.detail, "X-Hub-Signature-256");
  });
  await t.step("signed with another secret", async () => {
    await problem(await deliver(app, "deployment", payload, "not-the-secret"), 401);
  });
  await t.step("a signature of another body", async () => {
    const forged = await deliver(app, "deployment", { ...payload }, undefined, "", "sha256=" + "0".repeat(64));
    await problem(forged, 401);
  });
  await t.step("a repository no tenant links", async () => {
    await problem(
      await deliver(app, "deployment", deploymentEvent("evil/repo", { id: 9101, sha: SHA }), mine.secret),
      401,
    );
  });
  assertEquals(await counts(sql), before);
});

Deno.test("/hooks/github acknowledges ping and unknown events without storing anything", async () => {
  const before = await counts(sql);
  const ping = await deliver(app, "ping", {
    zen: "Keep it logically awesome.",
    hook_id: 1,
    repository: { full_name: REPO, html_url: "https://github.com/acme/shop" },
  }, mine.secret);
  assertEquals(ping.status, 200);
  assertEquals((await ping.json()).result, "pong");
  const push = await deliver(app, "push", {
    ref: "refs/heads/main",
    repository: { full_name: REPO, html_url: "https://github.com/acme/shop" },
  }, mine.secret);
  assertEquals(push.status, 202);
  assertEquals((await push.json()).result, "ignored");
  assertEquals(await counts(sql), before);
});

Deno.test("/hooks/github: a deployment of a repository no project of the verified tenant links is ignored", async () => {
  const res = await deliver(
    app,
    "deployment",
    deploymentEvent("acme/other", { id: 9200, sha: SHA }),
    mine.secret,
    `?tenant=${p.tenant.slug}`,
  );
  assertEquals(res.status, 202);
  assertEquals(await byGithubId(9200), undefined);
});
