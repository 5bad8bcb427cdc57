import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { parseCsv } from "../../services/catalog_import/csv.ts";
import { createTestApp } from "../helpers/app.ts";
import { genProject, getPage } from "../helpers/catalog.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
await genProject(sql, p.tenant.id, p.clients.acme.id, { slug: "taken-slug", name: "Existing" });

const HEADER = "client,project,slug,description,environments,repository_url,tags";
const csvImport = (csv: string, dryRun: boolean, headers = p.bob.bearer) =>
  app.request(`/api/v1/imports/catalog?dry_run=${dryRun}`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "text/csv" },
    body: csv,
  });
const counts = async () => {
  const [row] = await sql<{ clients: number; projects: number; audits: number }[]>`
    SELECT (SELECT count(*) FROM clients WHERE tenant_id = ${p.tenant.id})::int AS clients,
           (SELECT count(*) FROM projects WHERE tenant_id = ${p.tenant.id})::int AS projects,
           (SELECT count(*) FROM audits WHERE tenant_id = ${p.tenant.id} AND action = 'catalog.import')::int AS audits`;
  return row;
};

Deno.test("parseCsv reads quotes, doubled quotes, line breaks in quotes, CRLF, and keeps line numbers", () => {
  const records = parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n\r\n"multi\nline",z\n');
  assertEquals(records, [
    { line: 1, fields: ["a", "b"] },
    { line: 2, fields: ["x, y", 'say "hi"'] },
    { line: 4, fields: ["multi\nline", "z"] },
  ]);
});

Deno.test("a dry run lists what would be created and stores nothing", async () => {
  const before = await counts();
  const csv = [
    HEADER,
    'Initrode,Payroll,payroll,"Pays people, monthly",production=https://payroll.example;staging=https://s.payroll.example,https://github.com/initrode/payroll,hr;finance',
    "acme,Blog,acme-blog,,production=https://blog.acme.example,,",
    "Pied Piper,,,,,,",
  ].join("\n");
  const res = await csvImport(csv, true);
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const plan = await res.json();
  assertEquals(plan.valid, true);
  assertEquals(plan.rows, 3);
  assertEquals(plan.clients.map((c: { name: string; existing: boolean }) => [c.name, c.existing]), [
    ["Initrode", false],
    ["Acme", true],
    ["Pied Piper", false],
  ]);
  assertEquals(
    plan.projects.map((x: { slug: string; environments: number; line: number }) => [x.line, x.slug, x.environments]),
    [
      [2, "payroll", 2],
      [3, "acme-blog", 1],
    ],
  );
  assertEquals(await counts(), before);
});

Deno.test("bad rows are reported with their line number and field; applying stores nothing", async (t) => {
  const csv = [
    HEADER,
    "Good Co,Good,good-one,,,,",
    "Bad Co,Bad,Bad Slug,,,,",
    ",Orphan,orphan,,,,",
    "Acme,Dup,taken-slug,,,,",
    "Acme,Envs,envs,,prod=ftp://x;prod=https://y.example,,",
    "Acme,Twice,good-one,,,,",
    `Acme,${"x".repeat(201)},long,,,,`,
  ].join("\n");
  const before = await counts();
  await t.step("dry run: every problem, line by line", async () => {
    const plan = await (await csvImport(csv, true)).json();
    assertEquals(plan.valid, false);
    const errors = plan.errors.map((e: { line: number; field: string }) => `${e.line}:${e.field}`);
    assertEquals(errors, [
      "3:slug",
      "4:client",
      "5:slug",
      "6:environments.0.url",
      "6:environments.1.name",
      "7:slug",
      "8:project",
    ]);
    assertStringIncludes(plan.errors[2].message, 'already used by project "Existing"');
    assertStringIncludes(plan.errors[5].message, "also on line 2");
  });
  await t.step("apply: 422 naming lines.N.field, nothing created, no audit row", async () => {
    const body = await problem(await csvImport(csv, false), 422);
    assertEquals(body.errors[0].path, "lines.3.slug");
    assertStringIncludes(body.detail, "Nothing was imported");
    assertEquals(await counts(), before);
  });
});

Deno.test("applying imports every row in one go, with one catalog.import audit row", async () => {
  const before = await counts();
  const csv = [
    "slug,client,project,environments,tags",
    "crm,Umbrella,CRM,production=https://crm.umbrella.example,sales",
    "lab,umbrella,Lab,,",
    ",Wayne Enterprises,,,",
  ].join("\r\n");
  const res = await csvImport(csv, false);
  assertEquals(res.status, 201);
  const result = await res.json();
  assert(result.projects.every((x: { id: string | null }) => x.id));
  assertEquals(result.clients.length, 2, "Umbrella once, matched ignoring case");
  const after = await counts();
  assertEquals([after.clients - before.clients, after.projects - before.projects, after.audits - before.audits], [
    2,
    2,
    1,
  ]);
  const [audit] = await sql<{ details: { projects_created: number; created: { projects: { slug: string }[] } } }[]>`
    SELECT details FROM audits WHERE tenant_id = ${p.tenant.id} AND action = 'catalog.import'`;
  assertEquals(audit.details.projects_created, 2);
  assertEquals(audit.details.created.projects.map((x) => x.slug), ["crm", "lab"]);
  const crm = await (await app.request(`/api/v1/projects/${result.projects[0].id}`, { headers: p.bob.bearer })).json();
  assertEquals(crm.environments, [{ name: "production", url: "https://crm.umbrella.example" }]);
});

Deno.test("the import refuses bad files and callers", async (t) => {
  await t.step("unknown column → reported on line 1", async () => {
    const plan = await (await csvImport("client,colour\nAcme,red", true)).json();
    assertEquals(plan.errors[0].line, 1);
    assertEquals(plan.errors[0].field, "colour");
  });
  await t.step("an unclosed quote → the line it starts on", async () => {
    const plan = await (await csvImport('client\n"Acme', true)).json();
    assertEquals(plan.errors, [{ line: 2, field: "", message: "a quoted field is not closed" }]);
  });
  await t.step("not text/csv → 415", async () => {
    const res = await app.request("/api/v1/imports/catalog", {
      method: "POST",
      headers: { ...p.bob.bearer, "Content-Type": "application/json" },
      body: "{}",
    });
    await problem(res, 415);
  });
  await t.step("a client user → 404; signed out → 401", async () => {
    await problem(await csvImport("client\nX", true, p.carol.bearer), 404);
    await problem(await csvImport("client\nX", true, {}), 401);
  });
});

Deno.test("the import page: preview shows bad rows with line numbers; import redirects with counts", async () => {
  const form = (fields: Record<string, string>) => {
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) body.append(k, v);
    return app.request("/clients/import", { method: "POST", headers: { ...p.bob.cookie, Accept: "text/html" }, body });
  };
  const page = await getPage(app, "/clients/import", p.bob.cookie);
  assertEquals(page.status, 200);
  assertStringIncludes(await page.text(), "Import clients and projects");

  const bad = await form({ csv: "client,project,slug\nAcme,X,Not Valid", action: "preview" });
  assertEquals(bad.status, 422);
  const badBody = await bad.text();
  assertStringIncludes(badBody, "1 problem");
  assert(/<td class="catalog-number">2<\/td>\s*<td><code>slug<\/code>/.test(badBody), "line 2, slug");

  const good = await form({ csv: "client,project,slug\nMassive Dynamic,Site,massive-site", action: "preview" });
  assertEquals(good.status, 200);
  assertStringIncludes(await good.text(), 'value="import"');

  const done = await form({ csv: "client,project,slug\nMassive Dynamic,Site,massive-site", action: "import" });
  assertEquals(done.status, 303);
  assertEquals(done.headers.get("Location"), "/clients/import?clients=1&projects=1");
  assertStringIncludes(
    await (await getPage(app, "/clients/import?clients=1&projects=1", p.bob.cookie)).text(),
    "Imported 1 new client",
  );
});
