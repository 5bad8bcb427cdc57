/**
 * One text rule for every string in every body and query: NUL and other
 * control characters, lone surrogates and bidi overrides are a 422 naming the
 * field, and nothing is stored (before: 500 "invalid byte sequence", or
 * U+FFFD stored in place of the surrogate).
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { genProject, postPage } from "../helpers/catalog.ts";
import { httpCheck } from "../helpers/checks.ts";
import { textProblems } from "../../services/platform/text_rule.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const project = await genProject(sql, p.tenant.id, p.clients.acme.id);

const NUL = "nul\u0000value";

/** Rows per table, to show a refused request stored nothing. */
async function counts() {
  const [row] = await sql`SELECT
    (SELECT count(*)::int FROM clients) AS clients, (SELECT count(*)::int FROM projects) AS projects,
    (SELECT count(*)::int FROM health_checks) AS checks, (SELECT count(*)::int FROM change_requests) AS crs,
    (SELECT count(*)::int FROM notification_channels) AS channels, (SELECT count(*)::int FROM api_keys) AS keys,
    (SELECT count(*)::int FROM deployments) AS deployments, (SELECT count(*)::int FROM audits) AS audits,
    (SELECT count(*)::int FROM sessions) AS sessions`;
  return row;
}

const WRITES: [string, string, string, Record<string, unknown>, Record<string, string>][] = [
  ["client name", "POST", "/api/v1/clients", { name: NUL }, p.alice.bearer],
  [
    "project name",
    "POST",
    "/api/v1/projects",
    { client_id: p.clients.acme.id, name: NUL, slug: "nul" },
    p.alice.bearer,
  ],
  ["check name", "POST", "/api/v1/health-checks", httpCheck(project.id, { name: NUL }), p.alice.bearer],
  ["change request title", "POST", "/api/v1/change-requests", { project_id: project.id, title: NUL }, p.alice.bearer],
  [
    "channel name",
    "POST",
    "/api/v1/notification-channels",
    { name: NUL, type: "email", config: { to: ["ops@example.com"] } },
    p.alice.bearer,
  ],
  ["API key name", "POST", "/api/v1/api-keys", { name: NUL }, p.alice.bearer],
  [
    "deployment ref",
    "POST",
    "/api/v1/deployments",
    { project_id: project.id, environment: "production", status: "in_progress", commit_sha: "abc1234", ref: NUL },
    p.alice.bearer,
  ],
  ["profile name", "PATCH", "/api/v1/me", { name: NUL }, p.bob.bearer],
  ["sign-in e-mail", "POST", "/api/v1/sessions", { email: `a\u0000@example.com`, password: "whatever-it-is" }, {}],
];

Deno.test("a NUL in any JSON body is a 422 naming the field, and nothing is stored", async (t) => {
  for (const [label, method, path, body, headers] of WRITES) {
    await t.step(label, async () => {
      const before = await counts();
      const res = await app.request(path, jsonRequest(method, body, headers));
      const answer = await problem(res, 422);
      const field = Object.entries(body).find(([, v]) => v === NUL || String(v).includes("\u0000"))![0];
      assertEquals(answer.errors.map((e: { path: string }) => e.path), [field]);
      assertStringIncludes(answer.errors[0].message, "U+0000");
      assertEquals(await counts(), before);
    });
  }
  const [me] = await sql`SELECT name FROM users WHERE id = ${p.bob.user.id}`;
  assertEquals(me.name, "Bob");
});

Deno.test("a lone surrogate and a bidi override are refused by the same rule", async () => {
  const lone = await app.request("/api/v1/clients", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...p.alice.bearer },
    body: '{"name":"a\\ud800b"}',
  });
  assertEquals((await problem(lone, 422)).errors[0].path, "name");
  const bidi = await app.request(
    "/api/v1/clients",
    jsonRequest("POST", { name: "invoice\u202Efdp.exe" }, p.alice.bearer),
  );
  assertStringIncludes((await problem(bidi, 422)).errors[0].message, "U+202E");
  const nested = await app.request(
    "/api/v1/projects",
    jsonRequest("POST", {
      client_id: p.clients.acme.id,
      name: "Fine",
      slug: "fine",
      environments: [{ name: "prod", url: "https://ok.example" }, { name: "st\u0007g", url: null }],
    }, p.alice.bearer),
  );
  assertEquals((await problem(nested, 422)).errors[0].path, "environments.1.name");
  assertEquals((await sql`SELECT 1 FROM clients WHERE name LIKE 'invoice%' OR name LIKE 'a%b'`).length, 0);
});

Deno.test("query parameters follow the rule: ?q=a%00b and ?environment=a%00b are 422", async () => {
  const q = await app.request("/api/v1/projects?q=a%00b", { headers: p.alice.bearer });
  assertEquals((await problem(q, 422)).errors[0].path, "q");
  const env = await app.request("/api/v1/deployments?environment=a%00b", { headers: p.alice.bearer });
  assertEquals((await problem(env, 422)).errors[0].path, "environment");
  const page = await app.request("/projects?q=a%00b", { headers: { Accept: "text/html", ...p.alice.cookie } });
  assertEquals(page.status, 422);
  assertStringIncludes(await page.text(), "must not contain control characters");
});

Deno.test("a form post from a page is refused in plain words, and multi-line fields keep their line breaks", async () => {
  const before = await counts();
  const res = await postPage(app, "/clients", { name: NUL }, p.alice.cookie);
  assertEquals(res.status, 422);
  assertStringIncludes(await res.text(), "name: must not contain control characters");
  assertEquals(await counts(), before);
  const ok = await app.request(
    "/api/v1/change-requests",
    jsonRequest(
      "POST",
      { project_id: project.id, title: "Two lines", description: "one\r\ntwo\tthree" },
      p.alice.bearer,
    ),
  );
  assertEquals(ok.status, 201);
});

Deno.test("textProblems: tab and newlines only in multi-line fields; keys are checked too", () => {
  assertEquals(textProblems({ description: "a\nb\tc", body: "x\r\n", to: ["a\nb"] }), []);
  assertEquals(textProblems({ name: "a\nb" }).map((e) => e.path), ["name"]);
  assertEquals(textProblems({ description: "a\u0000b" }).map((e) => e.path), ["description"]);
  assertEquals(textProblems({ "k\u0001": "v" }).length, 1);
  assertEquals(textProblems({ name: "Zoë 🚀 العربية" }), []);
});
