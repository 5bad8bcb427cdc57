import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { genClient, genPersonas } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);

const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  app.request(path, jsonRequest(method, body, headers));
const valid = (overrides: Record<string, unknown> = {}) => ({
  client_id: p.clients.acme.id,
  name: "Storefront",
  slug: `shop-${crypto.randomUUID().slice(0, 6)}`,
  description: "The shop",
  environments: [
    { name: "production", url: "https://shop.example.com" },
    { name: "staging", url: "https://staging.shop.example.com" },
  ],
  repository_url: "https://github.com/acme/shop",
  tags: ["shop", "eu", "shop"],
  ...overrides,
});
const countProjects = async () => (await sql`SELECT count(*)::int AS n FROM projects`)[0].n as number;
const auditActions = async (id: string) =>
  (await sql<{ action: string }[]>`SELECT action FROM audits WHERE resource_id = ${id} ORDER BY seq`).map((a) =>
    a.action
  );

Deno.test("POST /api/v1/projects creates a project with environments and audits project.create", async () => {
  const body = valid();
  const res = await send("POST", "/api/v1/projects", p.bob.bearer, body);
  assertEquals(res.status, 201);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const project = await res.json();
  assertEquals(project.client_id, p.clients.acme.id);
  assertEquals(project.client_name, "Acme");
  assertEquals(project.slug, body.slug);
  assertEquals(project.environments, body.environments);
  assertEquals(project.tags, ["shop", "eu"], "duplicate tags dropped");
  assertEquals(project.archived, false);
  assertEquals(await auditActions(project.id), ["project.create"]);
  const [audit] = await sql<{ details: { after: { environments: unknown[] } } }[]>`
    SELECT details FROM audits WHERE resource_id = ${project.id}`;
  assertEquals(audit.details.after.environments.length, 2);
});

Deno.test("POST /api/v1/projects refuses bad input with 422 naming the field, storing nothing", async (t) => {
  const before = await countProjects();
  const cases: [string, Record<string, unknown>, string][] = [
    ["missing client_id", { client_id: undefined }, "client_id"],
    ["missing name", { name: undefined }, "name"],
    ["empty slug", { slug: "" }, "slug"],
    ["too-long name", { name: "x".repeat(201) }, "name"],
    ["too-long description", { description: "x".repeat(5001) }, "description"],
    ["bad slug", { slug: "Not A Slug" }, "slug"],
    ["slug ending in a hyphen", { slug: "shop-" }, "slug"],
    ["non-http repository URL", { repository_url: "ftp://example.com/repo" }, "repository_url"],
    ["environment URL not a URL", { environments: [{ name: "prod", url: "shop" }] }, "environments.0.url"],
    [
      "javascript: environment URL",
      { environments: [{ name: "prod", url: "javascript:alert(1)" }] },
      "environments.0.url",
    ],
    ["environment without name", { environments: [{ url: "https://x.example.com" }] }, "environments.0.name"],
    [
      "duplicate environment names",
      { environments: [{ name: "prod", url: null }, { name: "Prod", url: null }] },
      "environments.1.name",
    ],
    ["too-long tag", { tags: ["x".repeat(51)] }, "tags.0"],
    ["tags not an array", { tags: "a;b" }, "tags"],
    ["an id may not be set", { id: crypto.randomUUID() }, ""],
    ["tenant_id may not be set", { tenant_id: p.other.id }, ""],
    ["unknown client id", { client_id: crypto.randomUUID() }, "client_id"],
    ["another tenant's client id", { client_id: p.clients.otherClient.id }, "client_id"],
  ];
  for (const [label, overrides, path] of cases) {
    await t.step(label, async () => {
      const body = await problem(await send("POST", "/api/v1/projects", p.alice.bearer, valid(overrides)), 422);
      assert(body.errors.some((e: { path: string }) => e.path === path), JSON.stringify(body.errors));
    });
  }
  await t.step("unknown and foreign client ids get the same answer", async () => {
    const unknown =
      await (await send("POST", "/api/v1/projects", p.alice.bearer, valid({ client_id: crypto.randomUUID() })))
        .json();
    const foreign = await (await send(
      "POST",
      "/api/v1/projects",
      p.alice.bearer,
      valid({ client_id: p.clients.otherClient.id }),
    )).json();
    assertEquals(unknown.errors, foreign.errors);
  });
  assertEquals(await countProjects(), before);
});

Deno.test("POST /api/v1/projects answers 409 naming slug when the slug is taken", async () => {
  const existing = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Portal" });
  const body = await problem(
    await send("POST", "/api/v1/projects", p.alice.bearer, valid({ slug: existing.slug })),
    409,
  );
  assertEquals(body.errors[0].path, "slug");
  assertStringIncludes(body.detail, '"Portal"');
});

Deno.test("the same slug is fine in another tenant", async () => {
  const theirs = await genProject(sql, p.other.id, p.clients.otherClient.id);
  assertEquals((await send("POST", "/api/v1/projects", p.alice.bearer, valid({ slug: theirs.slug }))).status, 201);
});

Deno.test("a project cannot be created for an archived client", async () => {
  const gone = await genClient(sql, p.tenant.id, "Archived Co");
  await send("PATCH", `/api/v1/clients/${gone.id}`, p.alice.bearer, { archived: true });
  const body = await problem(
    await send("POST", "/api/v1/projects", p.alice.bearer, valid({ client_id: gone.id })),
    422,
  );
  assertEquals(body.errors[0].path, "client_id");
});

Deno.test("client users: read their client's projects only, write nothing", async (t) => {
  const mine = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Carol's site" });
  const theirs = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex site" });
  await t.step("the list holds only Acme's projects, even when asking for Globex's", async () => {
    const all = await (await send("GET", "/api/v1/projects?limit=200", p.carol.bearer)).json();
    assert(all.data.length > 0);
    assert(all.data.every((x: { client_id: string }) => x.client_id === p.clients.acme.id));
    const asked = await (await send("GET", `/api/v1/projects?client_id=${p.clients.globex.id}`, p.carol.bearer))
      .json();
    assertEquals(asked.data, []);
  });
  await t.step("their own project reads; Globex's is 404", async () => {
    assertEquals((await send("GET", `/api/v1/projects/${mine.id}`, p.carol.bearer)).status, 200);
    await problem(await send("GET", `/api/v1/projects/${theirs.id}`, p.carol.bearer), 404);
  });
  await t.step("changing their own is 403, Globex's 404", async () => {
    await problem(await send("PATCH", `/api/v1/projects/${mine.id}`, p.carol.bearer, { name: "Mine" }), 403);
    await problem(await send("PATCH", `/api/v1/projects/${theirs.id}`, p.carol.bearer, { name: "Mine" }), 404);
    await problem(await send("DELETE", `/api/v1/projects/${theirs.id}`, p.carol.bearer), 404);
    await problem(await send("POST", "/api/v1/projects", p.carol.bearer, valid()), 403);
  });
});

Deno.test("another tenant's project ids are 404 on every route", async () => {
  const theirs = await genProject(sql, p.other.id, p.clients.otherClient.id);
  await problem(await send("GET", `/api/v1/projects/${theirs.id}`, p.alice.bearer), 404);
  await problem(await send("PATCH", `/api/v1/projects/${theirs.id}`, p.alice.bearer, { name: "x" }), 404);
  await problem(await send("DELETE", `/api/v1/projects/${theirs.id}`, p.alice.bearer), 404);
  const list = await (await send("GET", "/api/v1/projects?limit=200", p.alice.bearer)).json();
  assertEquals(list.data.some((x: { id: string }) => x.id === theirs.id), false);
});

Deno.test("PATCH /api/v1/projects/{id} changes fields, replaces environments, archives and restores", async (t) => {
  const project = await (await send("POST", "/api/v1/projects", p.bob.bearer, valid())).json();
  const patch = (body: unknown) => send("PATCH", `/api/v1/projects/${project.id}`, p.bob.bearer, body);
  await t.step("name, description cleared, tags", async () => {
    const res = await patch({ name: "Storefront EU", description: null, tags: ["eu"] });
    assertEquals(res.status, 200);
    const changed = await res.json();
    assertEquals([changed.name, changed.description, changed.tags], ["Storefront EU", null, ["eu"]]);
    assertEquals(changed.environments.length, 2, "environments untouched when not given");
  });
  await t.step("environments replace the list, matched by name", async () => {
    const changed = await (await patch({
      environments: [{ name: "staging", url: "https://new-staging.example.com" }, { name: "qa", url: null }],
    })).json();
    assertEquals(changed.environments, [
      { name: "staging", url: "https://new-staging.example.com" },
      { name: "qa", url: null },
    ]);
  });
  await t.step("removing an environment with deployments is 409, nothing changes", async () => {
    await sql`
      INSERT INTO deployments (tenant_id, project_id, environment, status, commit_sha)
      VALUES (${p.tenant.id}, ${project.id}, 'staging', 'succeeded', 'abc1234')`;
    const body = await problem(await patch({ name: "Renamed", environments: [{ name: "qa", url: null }] }), 409);
    assertStringIncludes(body.detail, 'Cannot remove environment "staging": it has 1 deployments');
    assertEquals(
      (await (await send("GET", `/api/v1/projects/${project.id}`, p.bob.bearer)).json()).name,
      "Storefront EU",
    );
  });
  await t.step("bad input is 422 naming the field", async () => {
    const body = await problem(await patch({ environments: [{ name: "a", url: "nope" }], name: "" }), 422);
    const paths = body.errors.map((e: { path: string }) => e.path).sort();
    assertEquals(paths, ["environments.0.url", "name"]);
  });
  await t.step("a taken slug is 409; moving to another tenant's client is 422", async () => {
    const other = await genProject(sql, p.tenant.id, p.clients.acme.id);
    assertEquals((await problem(await patch({ slug: other.slug }), 409)).errors[0].path, "slug");
    assertEquals(
      (await problem(await patch({ client_id: p.clients.otherClient.id }), 422)).errors[0].path,
      "client_id",
    );
  });
  await t.step("archive and restore", async () => {
    assert((await (await patch({ archived: true })).json()).archived_at);
    const listed = await (await send("GET", "/api/v1/projects?archived=true&limit=200", p.bob.bearer)).json();
    assert(listed.data.some((x: { id: string }) => x.id === project.id));
    assertEquals((await (await patch({ archived: false })).json()).archived, false);
  });
  assertEquals(await auditActions(project.id), [
    "project.create",
    "project.update",
    "project.update",
    "project.archive",
    "project.restore",
  ]);
});

Deno.test("DELETE /api/v1/projects/{id}: admins only, refused with 409 naming dependents", async (t) => {
  const project = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Doomed" });
  await t.step("an employee gets 403", async () => {
    await problem(await send("DELETE", `/api/v1/projects/${project.id}`, p.bob.bearer), 403);
  });
  await t.step("with a deployment and a SOW: 409 naming both", async () => {
    const busy = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Busy" });
    await sql`
      INSERT INTO deployments (tenant_id, project_id, environment, status, commit_sha)
      VALUES (${p.tenant.id}, ${busy.id}, 'production', 'succeeded', 'abc1234')`;
    await sql`INSERT INTO sows (tenant_id, project_id, title) VALUES (${p.tenant.id}, ${busy.id}, 'SOW 1')`;
    const body = await problem(await send("DELETE", `/api/v1/projects/${busy.id}`, p.alice.bearer), 409);
    assertStringIncludes(body.detail, 'Cannot delete project "Busy": it has 1 SOW and 1 deployment');
  });
  await t.step("with nothing depending on it: 204, gone with its environments, audited", async () => {
    assertEquals((await send("DELETE", `/api/v1/projects/${project.id}`, p.alice.bearer)).status, 204);
    await problem(await send("GET", `/api/v1/projects/${project.id}`, p.alice.bearer), 404);
    const envs = await sql`SELECT 1 FROM project_environments WHERE project_id = ${project.id}`;
    assertEquals(envs.length, 0);
    assertEquals(await auditActions(project.id), ["project.delete"]);
  });
});
