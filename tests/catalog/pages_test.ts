import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject, getPage, postPage } from "../helpers/catalog.ts";
import { genClient, genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, {
  name: "Acme shop",
  slug: "acme-shop",
  tags: ["shop"],
  environments: [{ name: "production", url: "https://shop.acme.example" }, { name: "staging", url: null }],
});
const portal = await genProject(sql, p.tenant.id, p.clients.globex.id, {
  name: "Globex portal",
  slug: "globex-portal",
});

const isHtml = (res: Response) => assertEquals(res.headers.get("Content-Type"), "text/html; charset=UTF-8");

Deno.test("GET /projects: full page without htmx, only the rows with htmx", async (t) => {
  await t.step("full page", async () => {
    const res = await getPage(app, "/projects", p.bob.cookie);
    assertEquals(res.status, 200);
    isHtml(res);
    const body = await res.text();
    assertStringIncludes(body, "<html");
    assertStringIncludes(body, 'id="project-rows"');
    assertStringIncludes(body, "Acme shop");
    assertStringIncludes(body, 'href="/projects"');
    assertEquals(res.headers.get("Vary"), "HX-Request, Accept-Encoding");
  });
  await t.step("htmx search returns rows only, filtered", async () => {
    const res = await getPage(app, "/projects?q=portal&client_id=&tag=&sort=name", p.bob.cookie, true);
    assertEquals(res.status, 200);
    isHtml(res);
    const body = await res.text();
    assertEquals(body.includes("<html"), false);
    assert(body.trimStart().startsWith("<tr"), body.slice(0, 80));
    assertStringIncludes(body, "Globex portal");
    assertEquals(body.includes("Acme shop"), false);
  });
  await t.step("nothing found: a friendly row", async () => {
    const body = await (await getPage(app, "/projects?q=zzzz", p.bob.cookie, true)).text();
    assertStringIncludes(body, "No project matches these filters.");
  });
  await t.step("paging: the 'more' row carries the filters and the cursor", async () => {
    for (let i = 0; i < 3; i++) await genProject(sql, p.tenant.id, p.clients.acme.id, { tags: ["bulk"] });
    const body = await (await getPage(app, "/projects?tag=bulk&limit=2", p.bob.cookie, true)).text();
    const more = body.match(/hx-get="([^"]+cursor=[^"]+)"/)?.[1]?.replaceAll("&amp;", "&");
    assert(more, "a more link");
    assertStringIncludes(more, "tag=bulk");
    const next = await (await getPage(app, more, p.bob.cookie, true)).text();
    assertEquals((next.match(/<tr>/g) ?? []).length, 1);
  });
  await t.step("a client user's list holds their client's projects only", async () => {
    const body = await (await getPage(app, "/projects", p.carol.cookie)).text();
    assertStringIncludes(body, "Acme shop");
    assertEquals(body.includes("Globex portal"), false);
  });
  await t.step("signed out: to the login page", async () => {
    const res = await getPage(app, "/projects", {});
    assertEquals(res.status, 303);
    assertStringIncludes(res.headers.get("Location")!, "/login?next=");
  });
});

Deno.test("the project hub: overview page, tab fragments and tab pages", async (t) => {
  await t.step("overview as a full page, with environments and tabs", async () => {
    const res = await getPage(app, `/projects/${shop.id}`, p.bob.cookie);
    assertEquals(res.status, 200);
    isHtml(res);
    const body = await res.text();
    assertStringIncludes(body, "https://shop.acme.example");
    assertStringIncludes(body, "staging");
    for (const tab of ["deployments", "health", "metrics", "alerts", "documents", "change-requests", "audit"]) {
      assertStringIncludes(body, `href="/projects/${shop.id}/${tab}"`);
    }
  });
  await t.step("a tab click (htmx, ?tab=) answers the tab bar and the panel", async () => {
    const body = await (await getPage(app, `/projects/${shop.id}?tab=deployments`, p.bob.cookie, true)).text();
    assertEquals(body.includes("<html"), false);
    assertStringIncludes(body, 'id="hub"');
    assertStringIncludes(body, "No deployments yet");
    assert(/href="[^"]+\/deployments"[^>]*aria-current="page"/.test(body), "deployments is the current tab");
  });
  await t.step("another module's tab is loaded into the panel from its own address", async () => {
    const body = await (await getPage(app, `/projects/${shop.id}?tab=documents`, p.bob.cookie, true)).text();
    assertStringIncludes(body, `hx-get="/projects/${shop.id}/documents"`);
  });
  await t.step("a tab's address: the panel for htmx, the hub page otherwise", async () => {
    const fragment = await (await getPage(app, `/projects/${shop.id}/health`, p.bob.cookie, true)).text();
    assertStringIncludes(fragment, "No health checks yet");
    assertEquals(fragment.includes('id="hub"'), false);
    const page = await (await getPage(app, `/projects/${shop.id}/health`, p.bob.cookie)).text();
    assertStringIncludes(page, "<html");
    assertStringIncludes(page, "No health checks yet");
  });
  await t.step(
    "the metrics tab is the explorer for this project; the alerts tab says when there are none",
    async () => {
      const metrics = await (await getPage(app, `/projects/${shop.id}/metrics`, p.bob.cookie, true)).text();
      assertStringIncludes(metrics, "No metrics for this project yet");
      assertStringIncludes(metrics, `name="project_id"`);
      const alerts = await (await getPage(app, `/projects/${shop.id}/alerts`, p.bob.cookie, true)).text();
      assertStringIncludes(alerts, "No alerts");
    },
  );
  await t.step("the audit tab lists the project's rows, newest first, linking to the audit log", async () => {
    await postPage(app, `/projects/${shop.id}/archive`, {}, p.bob.cookie);
    await postPage(app, `/projects/${shop.id}/restore`, {}, p.bob.cookie);
    const body = await (await getPage(app, `/projects/${shop.id}/audit`, p.bob.cookie, true)).text();
    const actions = [...body.matchAll(/<code>(project\.[a-z]+)<\/code>/g)].map((m) => m[1]);
    assertEquals(actions, ["project.restore", "project.archive"]);
    assertStringIncludes(body, 'href="/audits/');
  });
  await t.step("a client user: their project's hub, no audit tab; another client's project is 404", async () => {
    const body = await (await getPage(app, `/projects/${shop.id}`, p.carol.cookie)).text();
    assertEquals(body.includes(`/projects/${shop.id}/audit"`), false);
    assertEquals(body.includes(`/projects/${shop.id}/edit"`), false);
    assertEquals((await getPage(app, `/projects/${shop.id}/audit`, p.carol.cookie)).status, 404);
    assertEquals((await getPage(app, `/projects/${shop.id}/edit`, p.carol.cookie)).status, 403);
    assertEquals((await getPage(app, "/projects/new", p.carol.cookie)).status, 403);
    for (const path of ["", "/overview", "/deployments", "/edit", "/delete"]) {
      const res = await getPage(app, `/projects/${portal.id}${path}`, p.carol.cookie);
      assertEquals(res.status, 404, path);
    }
  });
});

Deno.test("creating a project through the form: inline errors, then a 303 to the hub", async (t) => {
  const fields = {
    client_id: p.clients.acme.id,
    name: "Intranet",
    slug: "Bad Slug",
    description: "",
    repository_url: "ftp://nope",
    tags: "internal, hr",
    env_name: ["production", "staging", ""],
    env_url: ["https://intranet.acme.example", "not a url", ""],
  };
  await t.step("bad fields come back inline with what was typed, 422", async () => {
    const res = await postPage(app, "/projects", fields, p.bob.cookie);
    assertEquals(res.status, 422);
    isHtml(res);
    const body = await res.text();
    assertStringIncludes(body, 'id="slug-error"');
    assertStringIncludes(body, 'id="repository_url-error"');
    assertStringIncludes(body, "URL must be an http:// or https:// URL");
    assertStringIncludes(body, 'value="Intranet"');
    assertStringIncludes(body, 'value="internal, hr"');
  });
  await t.step("'Add environment' without JavaScript adds a row and saves nothing", async () => {
    const res = await postPage(app, "/projects", { ...fields, _add_environment: "1" }, p.bob.cookie);
    assertEquals(res.status, 200);
    assertEquals((((await res.text()).match(/name="env_name"/g)) ?? []).length, 3);
  });
  await t.step("valid: 303 to the new project's hub", async () => {
    const res = await postPage(app, "/projects", {
      ...fields,
      slug: "intranet",
      repository_url: "",
      env_url: ["https://intranet.acme.example", "https://staging.intranet.acme.example", ""],
    }, p.bob.cookie);
    assertEquals(res.status, 303);
    const location = res.headers.get("Location")!;
    assert(/^\/projects\/[0-9a-f-]{36}$/.test(location), location);
    const project = await (await app.request(`/api/v1${location}`, { headers: p.bob.bearer })).json();
    assertEquals(project.environments.length, 2);
    assertEquals(project.tags, ["internal", "hr"]);
    assertEquals(project.description, null);
  });
  await t.step("a taken slug is shown on the slug field, 409", async () => {
    const res = await postPage(
      app,
      "/projects",
      { ...fields, slug: "intranet", repository_url: "", env_url: [] },
      p.bob.cookie,
    );
    assertEquals(res.status, 409);
    assertStringIncludes(await res.text(), 'id="slug-error"');
  });
  await t.step("the htmx environment row endpoint answers a blank row", async () => {
    const body = await (await getPage(app, "/projects/environments/row", p.bob.cookie, true)).text();
    assertStringIncludes(body, 'name="env_name"');
  });
});

Deno.test("editing a project through the form replaces its environments", async () => {
  const project = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Wiki" });
  const form = await (await getPage(app, `/projects/${project.id}/edit`, p.bob.cookie)).text();
  assertStringIncludes(form, 'value="Wiki"');
  const res = await postPage(app, `/projects/${project.id}`, {
    client_id: p.clients.acme.id,
    name: "Wiki 2",
    slug: project.slug,
    description: "Docs",
    repository_url: "",
    tags: "",
    env_name: ["qa"],
    env_url: ["https://qa.wiki.example"],
  }, p.bob.cookie);
  assertEquals(res.status, 303);
  const after = await (await app.request(`/api/v1/projects/${project.id}`, { headers: p.bob.bearer })).json();
  assertEquals([after.name, after.description, after.environments], ["Wiki 2", "Docs", [{
    name: "qa",
    url: "https://qa.wiki.example",
  }]]);
});

Deno.test("deleting a project: a confirmation page saying what goes, admins only", async (t) => {
  const project = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Old site" });
  await t.step("an employee may not even see the confirmation (403)", async () => {
    assertEquals((await getPage(app, `/projects/${project.id}/delete`, p.bob.cookie)).status, 403);
  });
  await t.step("the page names the environments that go with it", async () => {
    const body = await (await getPage(app, `/projects/${project.id}/delete`, p.alice.cookie)).text();
    assertStringIncludes(body, "its 1 environment: production");
    assertStringIncludes(body, "Archive instead");
  });
  await t.step("a project with dependents: the page says why not", async () => {
    await sql`INSERT INTO sows (tenant_id, project_id, title) VALUES (${p.tenant.id}, ${shop.id}, 'SOW')`;
    const body = await (await getPage(app, `/projects/${shop.id}/delete`, p.alice.cookie)).text();
    assertStringIncludes(body, "cannot be deleted");
    assertStringIncludes(body, "1 SOW");
    assertEquals((await postPage(app, `/projects/${shop.id}/delete`, {}, p.alice.cookie)).status, 409);
  });
  await t.step("confirmed: gone, back to the list", async () => {
    const res = await postPage(app, `/projects/${project.id}/delete`, {}, p.alice.cookie);
    assertEquals(res.status, 303);
    assertEquals(res.headers.get("Location"), "/projects");
    assertEquals((await getPage(app, `/projects/${project.id}`, p.alice.cookie)).status, 404);
  });
});

Deno.test("the clients pages: list, create with inline errors, in-place archive, client page", async (t) => {
  await t.step("list, with a create form for writers", async () => {
    const res = await getPage(app, "/clients", p.bob.cookie);
    assertEquals(res.status, 200);
    isHtml(res);
    const body = await res.text();
    assertStringIncludes(body, "Acme");
    assertStringIncludes(body, 'action="/clients"');
  });
  await t.step("a duplicate name is shown on the field, 409", async () => {
    const res = await postPage(app, "/clients", { name: "acme" }, p.bob.cookie);
    assertEquals(res.status, 409);
    assertStringIncludes(await res.text(), 'id="name-error"');
  });
  await t.step("a new client: 303 to its page", async () => {
    const res = await postPage(app, "/clients", { name: "Hooli" }, p.bob.cookie);
    assertEquals(res.status, 303);
    const page = await (await getPage(app, res.headers.get("Location")!, p.bob.cookie)).text();
    assertStringIncludes(page, "Hooli");
    assertStringIncludes(page, "No active projects for Hooli.");
  });
  await t.step("archive in place (htmx): the row comes back marked archived", async () => {
    const client = await genClient(sql, p.tenant.id, "Vandelay");
    const res = await postPage(app, `/clients/${client.id}/archive`, {}, p.bob.cookie, true);
    assertEquals(res.status, 200);
    const body = await res.text();
    assert(body.trimStart().startsWith("<tr"));
    assertStringIncludes(body, "archived");
    assertStringIncludes(body, "Restore");
  });
  await t.step("the client page shows its projects, SOWs and open change requests", async () => {
    await sql`
      INSERT INTO change_requests (tenant_id, project_id, title, requested_by)
      VALUES (${p.tenant.id}, ${shop.id}, 'Add a blog', ${p.carol.user.id})`;
    const body = await (await getPage(app, `/clients/${p.clients.acme.id}`, p.bob.cookie)).text();
    assertStringIncludes(body, "Acme shop");
    assertStringIncludes(body, "SOW");
    assertStringIncludes(body, "Add a blog");
  });
  await t.step("client users get 404 on the clients pages", async () => {
    assertEquals((await getPage(app, "/clients", p.carol.cookie)).status, 404);
    assertEquals((await getPage(app, `/clients/${p.clients.acme.id}`, p.carol.cookie)).status, 404);
  });
  await t.step("delete: blocked while projects exist, else confirmed and gone", async () => {
    const blocked = await (await getPage(app, `/clients/${p.clients.globex.id}/delete`, p.alice.cookie)).text();
    assertStringIncludes(blocked, "cannot be deleted");
    const lonely = await genClient(sql, p.tenant.id, "Lonely Inc");
    const res = await postPage(app, `/clients/${lonely.id}/delete`, {}, p.alice.cookie);
    assertEquals(res.status, 303);
    assertEquals((await getPage(app, `/clients/${lonely.id}`, p.alice.cookie)).status, 404);
  });
});
