import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { genAudits, userUpdate } from "../helpers/audits.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const rows = await genAudits(sql, p.tenant.id, 70, (i) =>
  i % 10 === 0
    ? userUpdate(p.alice.user, p.bob.user.id, {
      before: { role: "employee", name: "Bob", phone: "123" },
      after: { role: "admin", name: "Bob", email: "bob@example.com" },
      reason: "promotion",
    })
    : {});
const otherRows = await genAudits(sql, p.other.id, 1);

const page = (path: string, headers: Record<string, string> = {}) =>
  app.request(path, { headers: { ...p.alice.cookie, Accept: "text/html", ...headers } });

Deno.test("GET /audits renders the filter form and the newest 50 rows, then an older-entries link", async () => {
  const res = await page("/audits");
  assertEquals(res.status, 200);
  assertStringIncludes(res.headers.get("Content-Type")!, "text/html");
  const html = await res.text();
  assertStringIncludes(html, "<title>Audit log · Opsdeck</title>");
  assertStringIncludes(html, 'action="/audits"');
  assertEquals(html.match(/class="audit-row"/g)?.length, 50);
  assertStringIncludes(html, `href="/audits/${rows[69].id}"`);
  assertMatch(
    html,
    /<tr class="audit-more" hx-get="\/audits\?cursor=[^"]+" hx-trigger="revealed" hx-swap="outerHTML">/,
  );
  assertStringIncludes(html, 'href="/api/v1/audits/export"');
  assertStringIncludes(html, `<option value="${p.alice.user.id}">Alice (${p.alice.user.email})</option>`);
});

Deno.test("the infinite-scroll request gets only the next rows, continuing where the page stopped", async () => {
  const full = await (await page("/audits?resource_type=thing")).text();
  const next = full.match(/hx-get="([^"]+)"/)![1].replaceAll("&amp;", "&");
  assertStringIncludes(next, "resource_type=thing");
  const res = await page(next, { "HX-Request": "true" });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Vary"), "HX-Request, Accept-Encoding");
  const fragment = await res.text();
  assert(fragment.startsWith("<tr"), fragment.slice(0, 80));
  assert(!fragment.includes("<html"));
  const firstPage = [...full.matchAll(/id="audit-(\d+)"/g)].map((m) => Number(m[1]));
  const secondPage = [...fragment.matchAll(/id="audit-(\d+)"/g)].map((m) => Number(m[1]));
  assertEquals(firstPage.length + secondPage.length, 63, "the 63 thing rows, each once");
  assert(Math.min(...firstPage) > Math.max(...secondPage));
  assert(!fragment.includes("audit-more"), "no further page");
});

Deno.test("without JavaScript the older-entries link is a full page of the next rows", async () => {
  const full = await (await page("/audits")).text();
  const next = full.match(/<a href="(\/audits\?cursor=[^"]+)">Older entries<\/a>/)![1];
  const res = await page(next);
  assertEquals(res.status, 200);
  const html = await res.text();
  assertStringIncludes(html, "<!doctype html>");
  assert(html.includes(`href="/audits/${rows[0].id}"`), "the oldest row is on the second page");
});

Deno.test("GET /audits filters with the API's schema and shows bad values inline with 422", async () => {
  const ok = await (await page("/audits?action=user.update&actor_id=&since=2025-03-01&until=")).text();
  assertEquals(ok.match(/class="audit-row"/g)?.length, 7);
  assertStringIncludes(ok, '<option value="user.update" selected>user.update</option>');
  assertStringIncludes(ok, 'name="since" value="2025-03-01"');

  const bad = await page("/audits?action=Not%20An%20Action&since=2025-04-01&until=2025-03-01");
  assertEquals(bad.status, 422);
  const html = await bad.text();
  assertStringIncludes(
    html,
    '<small id="action-error" class="field-error">must be an action such as user.update</small>',
  );
  assertStringIncludes(html, '<small id="until-error" class="field-error">must be after since</small>');
  assertStringIncludes(html, 'aria-invalid="true"');
  assertStringIncludes(html, "Fix the filters above");
});

Deno.test("GET /audits has friendly empty states", async () => {
  const html = await (await page("/audits?action=nothing.matches")).text();
  assertStringIncludes(html, "No entries match these filters.");
  assert(!html.includes("<table"));
});

Deno.test("GET /audits/{id} shows the entry and a before/after diff", async () => {
  const res = await page(`/audits/${rows[60].id}`);
  assertEquals(res.status, 200);
  const html = await res.text();
  assertStringIncludes(html, "<code>user.update</code>");
  assertStringIncludes(html, "1 changed · 1 added · 1 removed · 1 unchanged");
  assertMatch(
    html,
    /<tr class="diff-changed" data-path="role">.*<del class="diff-value">employee<\/del>.*<ins class="diff-value">admin<\/ins>/,
  );
  assertMatch(html, /<tr class="diff-added" data-path="email">/);
  assertMatch(html, /<tr class="diff-removed" data-path="phone">/);
  assertMatch(html, /<tr class="diff-unchanged" data-path="name">/);
  assertStringIncludes(html, "promotion");
  assertStringIncludes(html, `href="/audits?resource_type=user&amp;resource_id=${p.bob.user.id}"`);
});

Deno.test("an entry without before/after says so instead of an empty diff", async () => {
  const [login] =
    await sql`SELECT id FROM audits WHERE tenant_id = ${p.tenant.id} AND action = 'session.login' LIMIT 1`;
  const html = await (await page(`/audits/${login.id}`)).text();
  assertStringIncludes(html, "This entry records no before/after state.");
});

Deno.test("audit pages answer 404 to client users, for other tenants' ids and for non-ids", async () => {
  const carol = await app.request("/audits", { headers: { ...p.carol.cookie, Accept: "text/html" } });
  assertEquals(carol.status, 404);
  assertStringIncludes(carol.headers.get("Content-Type")!, "text/html");
  const carolEntry = await app.request(`/audits/${rows[0].id}`, {
    headers: { ...p.carol.cookie, Accept: "text/html" },
  });
  assertEquals(carolEntry.status, 404);
  assertEquals((await page(`/audits/${otherRows[0].id}`)).status, 404);
  assertEquals((await page("/audits/not-an-id")).status, 404);
});

Deno.test("signed-out visitors are sent to the login page and back", async () => {
  const res = await app.request("/audits?action=user.update", { headers: { Accept: "text/html" } });
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("Location"), `/login?next=${encodeURIComponent("/audits?action=user.update")}`);
});
