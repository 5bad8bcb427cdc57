/** The approvals pages: the inbox, asking, deciding, four-eyes in plain words, comments, and who sees the link. */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject, getPage, postPage } from "../helpers/catalog.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const p = await genPersonas(db.sql);

Deno.test("ask on the inbox, decide on the request's page; the requester is told in words they cannot", async () => {
  const asked = await postPage(
    app,
    "/approvals",
    { title: "Open the firewall for the auditor", priority: "high" },
    p.bob.cookie,
  );
  assertEquals(asked.status, 303);
  const path = asked.headers.get("Location")!;
  assert(path.startsWith("/approvals/"));

  const own = await postPage(app, `${path}/approve`, {}, p.bob.cookie);
  assertEquals(own.status, 403);
  assertStringIncludes(await own.text(), "someone else must approve or reject it");

  const inbox = await (await getPage(app, "/approvals?view=to_decide", p.alice.cookie)).text();
  assertStringIncludes(inbox, "Open the firewall for the auditor");
  const page = await (await getPage(app, path, p.alice.cookie)).text();
  assertStringIncludes(page, "Approve");

  assertEquals((await postPage(app, `${path}/comments`, { body: "For how long?" }, p.alice.cookie)).status, 303);
  assertEquals((await postPage(app, `${path}/approve`, { comment: "Two days" }, p.alice.cookie)).status, 303);
  const decided = await (await getPage(app, path, p.bob.cookie)).text();
  assertStringIncludes(decided, "by Alice");
  assertStringIncludes(decided, "For how long?");
  assert(!decided.includes(`action="${path}/approve"`), "no decision form once decided");
});

Deno.test("an empty title is refused in plain words and nothing is stored", async () => {
  const before = (await db.sql`SELECT count(*)::int AS n FROM approvals`)[0].n;
  const res = await postPage(app, "/approvals", { title: " " }, p.bob.cookie);
  assertEquals(res.status, 422);
  assertStringIncludes(await res.text(), "title is required");
  assertEquals((await db.sql`SELECT count(*)::int AS n FROM approvals`)[0].n, before);
});

Deno.test("staff see Approvals in the menu; client users neither the link nor the page", async () => {
  assertStringIncludes(await (await getPage(app, "/", p.bob.cookie)).text(), 'href="/approvals"');
  assert(!(await (await getPage(app, "/", p.carol.cookie)).text()).includes('href="/approvals"'));
  assertEquals((await getPage(app, "/approvals", p.carol.cookie)).status, 404);
});

Deno.test("admins protect an environment from the inbox; employees do not see the gates", async () => {
  const project = await genProject(db.sql, p.tenant.id, p.clients.acme.id, { name: "Gated shop" });
  assert(!(await (await getPage(app, "/approvals", p.bob.cookie)).text()).includes("Deploy gates"));
  const page = await (await getPage(app, "/approvals", p.alice.cookie)).text();
  assertStringIncludes(page, "Gated shop");
  const fields = { project_id: project.id, environment: "production", protected: "true" };
  const res = await postPage(app, "/approvals/gates", fields, p.alice.cookie);
  assertEquals(res.status, 200);
  assertStringIncludes(await res.text(), "Gated shop → production is protected.");
  const [row] = await db.sql`SELECT protected FROM project_environments WHERE project_id = ${project.id}`;
  assertEquals(row.protected, true);
  assertEquals((await postPage(app, "/approvals/gates", fields, p.bob.cookie)).status, 403);
});
