/** The approvals pages: the inbox, asking, deciding, four-eyes in plain words, comments, and who sees the link. */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { getPage, postPage } from "../helpers/catalog.ts";
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
