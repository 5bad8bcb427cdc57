import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { auditActions, ciKey, counts, eventTypes, patchStatus, report, SHA } from "../helpers/deployments.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop", slug: "acme-shop" });
await sql`UPDATE projects SET repository_url = 'https://github.com/acme/shop' WHERE id = ${shop.id}`;
const globexApp = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex app" });
const initech = await genProject(sql, p.other.id, p.clients.otherClient.id, { name: "Initech portal" });
const ci = await ciKey(app, p.alice.bearer);

Deno.test("a CI job starts a deployment, finishes it, and its retries with the same Idempotency-Key change nothing", async () => {
  const start = {
    project_slug: "acme-shop",
    environment: "production",
    status: "in_progress",
    commit_sha: SHA.toUpperCase(),
    ref: "main",
    actor: "octocat",
    committed_at: "2025-03-01T09:12:00Z",
  };
  const res = await report(app, ci, start, "run-1-start");
  assertEquals(res.status, 201);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const d = await res.json();
  assertEquals([d.project_id, d.environment, d.status, d.commit_sha], [shop.id, "production", "in_progress", SHA]);
  assertEquals(d.commit_url, `https://github.com/acme/shop/commit/${SHA}`);
  assertEquals([d.actor, d.ref, d.source, d.committed_at], ["octocat", "main", "api", "2025-03-01T09:12:00.000Z"]);
  assert(d.started_at !== null && d.finished_at === null);

  const before = await counts(sql);
  const retry = await report(app, ci, { ...start }, "run-1-start");
  assertEquals(retry.status, 201);
  assertEquals(retry.headers.get("Idempotent-Replayed"), "true");
  assertEquals(await retry.json(), d);
  assertEquals(await counts(sql), before);

  const done = await patchStatus(app, ci, d.id, { status: "succeeded" });
  assertEquals(done.status, 200);
  const finished = await done.json();
  assertEquals(finished.status, "succeeded");
  assert(finished.finished_at !== null && finished.duration_seconds >= 0);
  const again = await patchStatus(app, ci, d.id, { status: "succeeded" });
  assertEquals(again.status, 200);
  assertEquals((await again.json()).updated_at, finished.updated_at);

  assertEquals(await auditActions(sql, d.id), ["deployment.create", "deployment.update"]);
  assertEquals(await eventTypes(sql, d.id), ["deployment.started", "deployment.succeeded"]);
  const [event] = await sql`SELECT payload FROM events WHERE subject_id = ${d.id} AND type = 'deployment.succeeded'`;
  assertEquals(event.payload.deployment.commit_sha, SHA);
  assertEquals(event.payload.project.name, "Acme shop");
});

Deno.test("POST /api/v1/deployments: the same Idempotency-Key with a different body is a 422 naming the header", async () => {
  const body = { project_id: shop.id, environment: "production", status: "queued", commit_sha: "abcdef1" };
  assertEquals((await report(app, ci, body, "key-reuse")).status, 201);
  const before = await counts(sql);
  const err = await problem(await report(app, ci, { ...body, commit_sha: "abcdef2" }, "key-reuse"), 422);
  assertEquals(err.errors[0].path, "Idempotency-Key");
  assertEquals(await counts(sql), before);
});

Deno.test("POST /api/v1/deployments: concurrent duplicates with one Idempotency-Key record one deployment", async () => {
  const before = await counts(sql);
  const body = { project_id: shop.id, environment: "staging", status: "in_progress", commit_sha: "1234567" };
  const answers = await Promise.all([1, 2, 3, 4].map(() => report(app, ci, body, "concurrent-key")));
  const bodies = await Promise.all(answers.map((r) => r.json()));
  assertEquals(answers.map((r) => r.status), [201, 201, 201, 201]);
  assertEquals(new Set(bodies.map((b) => b.id)).size, 1);
  const after = await counts(sql);
  assertEquals(after.deployments - before.deployments, 1);
});

Deno.test("POST /api/v1/deployments adds an environment the project does not have yet, and matches names in any case", async () => {
  const res = await report(app, ci, {
    project_id: shop.id,
    environment: "preview-42",
    status: "queued",
    commit_sha: SHA,
  });
  assertEquals(res.status, 201);
  const [env] =
    await sql`SELECT name, url FROM project_environments WHERE project_id = ${shop.id} AND name = 'preview-42'`;
  assertEquals(env.url, null);
  const again = await report(app, ci, {
    project_id: shop.id,
    environment: "PRODUCTION",
    status: "queued",
    commit_sha: SHA,
  });
  assertEquals((await again.json()).environment, "production");
  const [audit] = await sql`
    SELECT details FROM audits WHERE resource_type = 'deployment' AND resource_id = ${(await res.json()).id}`;
  assertEquals(audit.details.environment_added, "preview-42");
});

Deno.test("POST /api/v1/deployments refuses bad input with a problem naming the field, storing nothing", async (t) => {
  const good = { project_id: shop.id, environment: "production", status: "in_progress", commit_sha: SHA };
  const cases: [string, Record<string, unknown>, string][] = [
    ["a non-hex SHA", { ...good, commit_sha: "not-a-sha" }, "commit_sha"],
    ["a SHA too short", { ...good, commit_sha: "abc12" }, "commit_sha"],
    ["an unknown project id", { ...good, project_id: crypto.randomUUID() }, "project_id"],
    ["another tenant's project", { ...good, project_id: initech.id }, "project_id"],
    ["an unknown slug", { ...good, project_id: undefined, project_slug: "nope" }, "project_slug"],
    ["neither project_id nor slug", { ...good, project_id: undefined }, "project_id"],
    ["an unknown status", { ...good, status: "done" }, "status"],
    ["rolled_back as a start", { ...good, status: "rolled_back" }, "status"],
    ["a bad time", { ...good, started_at: "yesterday" }, "started_at"],
    [
      "finish before start",
      { ...good, started_at: "2025-03-01T10:00:00Z", finished_at: "2025-03-01T09:00:00Z" },
      "finished_at",
    ],
    ["a non-http url", { ...good, url: "javascript:alert(1)" }, "url"],
    ["an unknown field", { ...good, tenant_id: p.other.id }, ""],
  ];
  const before = await counts(sql);
  for (const [name, body, path] of cases) {
    await t.step(name, async () => {
      const err = await problem(await report(app, ci, body, `bad-${name.replaceAll(" ", "-")}`), 422);
      assert(err.errors.some((e: { path: string }) => e.path === path), JSON.stringify(err.errors));
    });
  }
  await t.step("a body over 1 MiB is a 413", async () => {
    const res = await report(app, ci, { ...good, ref: "x".repeat(1024 * 1024 + 10) });
    const err = await problem(res, 413);
    assertStringIncludes(err.detail, "1 MiB");
  });
  await t.step("an unusable Idempotency-Key is a 422 naming the header", async () => {
    const err = await problem(await report(app, ci, good, "has space"), 422);
    assertEquals(err.errors[0].path, "Idempotency-Key");
  });
  assertEquals(await counts(sql), before);
});

Deno.test("PATCH /api/v1/deployments/{id} refuses illegal transitions with a 409 naming the current status", async (t) => {
  const res = await report(app, ci, {
    project_id: shop.id,
    environment: "production",
    status: "in_progress",
    commit_sha: SHA,
  });
  const d = await res.json();
  assertEquals((await patchStatus(app, ci, d.id, { status: "failed" })).status, 200);
  const before = await counts(sql);
  for (const status of ["in_progress", "queued", "succeeded", "rolled_back"]) {
    await t.step(`failed → ${status}`, async () => {
      const err = await problem(await patchStatus(app, ci, d.id, { status }), 409);
      assertStringIncludes(err.detail, "Deployment is failed");
      assertEquals(err.errors[0].path, "status");
    });
  }
  await t.step("succeeded → rolled_back is allowed, rolled_back → in_progress is not", async () => {
    const ok = await (await report(app, ci, {
      project_id: shop.id,
      environment: "production",
      status: "succeeded",
      commit_sha: SHA,
    })).json();
    assertEquals((await patchStatus(app, ci, ok.id, { status: "rolled_back" })).status, 200);
    await problem(await patchStatus(app, ci, ok.id, { status: "in_progress" }), 409);
    assertEquals(await eventTypes(sql, ok.id), ["deployment.succeeded"]);
  });
  const after = await counts(sql);
  assertEquals(after.deployments - before.deployments, 1);
});

Deno.test("GET /api/v1/deployments filters and pages; client users see only their client's deployments", async (t) => {
  await report(app, ci, {
    project_id: globexApp.id,
    environment: "production",
    status: "queued",
    commit_sha: "fedcba9",
  });
  await t.step("filters by project, environment and status", async () => {
    const res = await app.request(`/api/v1/deployments?project_id=${shop.id}&environment=staging&status=in_progress`, {
      headers: p.bob.bearer,
    });
    assertEquals(res.status, 200);
    const page = await res.json();
    assert(page.data.length >= 1);
    assert(
      page.data.every((d: { environment: string; status: string }) =>
        d.environment === "staging" && d.status === "in_progress"
      ),
    );
  });
  await t.step("cursor pages cover everything once", async () => {
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const res: Response = await app.request(`/api/v1/deployments?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        headers: p.bob.bearer,
      });
      const page = await res.json();
      seen.push(...page.data.map((d: { id: string }) => d.id));
      cursor = page.next_cursor;
    }
    const [{ n }] = await sql`SELECT count(*)::int AS n FROM deployments WHERE tenant_id = ${p.tenant.id}`;
    assertEquals([seen.length, new Set(seen).size], [n, n]);
  });
  await t.step("since/until bound the time", async () => {
    const res = await app.request(`/api/v1/deployments?since=2999-01-01T00:00:00Z`, { headers: p.bob.bearer });
    assertEquals((await res.json()).data, []);
  });
  await t.step("carol (Acme) sees Acme's deployments only; erin (Globex) sees Globex's", async () => {
    const carol = await (await app.request("/api/v1/deployments?limit=200", { headers: p.carol.bearer })).json();
    assert(carol.data.length > 0 && carol.data.every((d: { project_id: string }) => d.project_id === shop.id));
    const erin = await (await app.request("/api/v1/deployments", { headers: p.erin.bearer })).json();
    assert(erin.data.length > 0 && erin.data.every((d: { project_id: string }) => d.project_id === globexApp.id));
  });
  await t.step("another client's or tenant's deployment is a 404", async () => {
    const [acmeDeploy] = await sql`SELECT id FROM deployments WHERE project_id = ${shop.id} LIMIT 1`;
    await problem(await app.request(`/api/v1/deployments/${acmeDeploy.id}`, { headers: p.erin.bearer }), 404);
    await problem(await app.request(`/api/v1/deployments/${acmeDeploy.id}`, { headers: p.dave.bearer }), 404);
    await problem(await patchStatus(app, p.dave.bearer, acmeDeploy.id, { status: "cancelled" }), 404);
    const own = await app.request(`/api/v1/deployments/${acmeDeploy.id}`, { headers: p.carol.bearer });
    assertEquals(own.status, 200);
  });
  await t.step("client users cannot record deployments", async () => {
    const body = { project_id: shop.id, environment: "production", status: "queued", commit_sha: SHA };
    await problem(await app.request("/api/v1/deployments", jsonRequest("POST", body, p.carol.bearer)), 403);
  });
});

Deno.test("a key scoped to deployments:write cannot read other resources", async () => {
  await problem(await app.request("/api/v1/users", { headers: ci }), 404);
});

Deno.test("maintenance: true opens a window on the project's environment that closes when the deployment finishes", async () => {
  const res = await report(app, ci, {
    project_id: shop.id,
    environment: "production",
    status: "in_progress",
    commit_sha: SHA,
    maintenance: true,
    maintenance_minutes: 30,
  });
  assertEquals(res.status, 201);
  const d = await res.json();
  const window = d.maintenance_window;
  assert(window !== null);
  assertEquals(Date.parse(window.ends_at) - Date.parse(window.starts_at), 30 * 60_000);
  const [row] = await sql`SELECT project_id, environment, title FROM maintenance_windows WHERE id = ${window.id}`;
  assertEquals([row.project_id, row.environment], [shop.id, "production"]);
  assertStringIncludes(row.title, SHA.slice(0, 7));

  const done = await (await patchStatus(app, ci, d.id, { status: "succeeded" })).json();
  assert(Date.parse(done.maintenance_window.ends_at) < Date.parse(window.ends_at), "closed early");
  assert(Date.parse(done.maintenance_window.ends_at) > Date.parse(window.starts_at));
});

Deno.test("maintenance: a finished deployment opens no window; maintenance_minutes alone is refused", async () => {
  const body = { project_id: shop.id, environment: "production", status: "succeeded", commit_sha: SHA };
  const d = await (await report(app, ci, { ...body, maintenance: true })).json();
  assertEquals(d.maintenance_window, null);
  const err = await problem(await report(app, ci, { ...body, maintenance_minutes: 5 }), 422);
  assertEquals(err.errors[0].path, "maintenance_minutes");
});

Deno.test("POST /api/v1/deployments: an expired Idempotency-Key starts afresh", async () => {
  const body = { project_id: shop.id, environment: "production", status: "queued", commit_sha: "abc1234" };
  const first = await (await report(app, ci, body, "expiring-key")).json();
  await sql`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'expiring-key'`;
  const second = await report(app, ci, { ...body, commit_sha: "abc1235" }, "expiring-key");
  assertEquals(second.status, 201);
  assertEquals(second.headers.get("Idempotent-Replayed"), null);
  assert((await second.json()).id !== first.id);
});
