import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { genAudits, userUpdate } from "../helpers/audits.ts";
import { randomToken, sha256 } from "../../services/auth/tokens.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const [apiKey] = await sql<{ id: string }[]>`
  INSERT INTO api_keys (tenant_id, user_id, name, prefix, token_hash)
  VALUES (${p.tenant.id}, ${p.alice.user.id}, 'ci', 'odk_test', ${crypto.getRandomValues(new Uint8Array(32))})
  RETURNING id`;

// 40 rows in March: alice's role changes, API-key deployments, system rows; plus the other tenant's own rows.
await genAudits(
  sql,
  p.tenant.id,
  40,
  (i) =>
    i % 4 === 0
      ? userUpdate(p.alice.user, p.bob.user.id, { before: { role: "employee" }, after: { role: "admin" } })
      : i % 4 === 1
      ? {
        actorUserId: p.alice.user.id,
        actorApiKeyId: apiKey.id,
        actorLabel: p.alice.user.email,
        action: "deployment.create",
        resourceType: "deployment",
      }
      : {},
);
await genAudits(sql, p.other.id, 5, () => ({ actorUserId: p.dave.user.id, actorLabel: p.dave.user.email }));

async function get(path: string, headers: Record<string, string> = p.alice.bearer) {
  const res = await app.request(path, { headers });
  const type = res.headers.get("Content-Type") ?? "";
  return { res, type, body: type.includes("json") ? await res.json() : await res.text() };
}

const tenantTotal = Number((await sql`SELECT count(*) FROM audits WHERE tenant_id = ${p.tenant.id}`)[0].count);

Deno.test("GET /api/v1/audits returns the tenant's rows newest first in the documented shape", async () => {
  const { res, type, body } = await get("/api/v1/audits?action=user.update&limit=2");
  assertEquals(res.status, 200);
  assertStringIncludes(type, "application/json");
  assertEquals(body.data.length, 2);
  const [first, second] = body.data;
  assert(first.seq > second.seq, "newest first");
  assertEquals(Object.keys(first).sort(), [
    "action",
    "actor",
    "created_at",
    "details",
    "id",
    "ip",
    "resource_id",
    "resource_type",
    "seq",
    "user_agent",
  ]);
  assertEquals(first.actor, { type: "user", id: p.alice.user.id, label: p.alice.user.email });
  assertEquals(first.resource_type, "user");
  assertEquals(first.resource_id, p.bob.user.id);
  assertEquals(first.ip, "192.0.2.10");
  assertEquals(first.details, { before: { role: "employee" }, after: { role: "admin" } });
  assertMatch(first.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assertEquals(typeof body.next_cursor, "string");
});

Deno.test("GET /api/v1/audits filters by actor, action, resource and time", async (t) => {
  const ids = async (query: string) => (await get(`/api/v1/audits?limit=200&${query}`)).body.data;

  await t.step("actor_id with an API key id: only that key's rows, typed api_key", async () => {
    const rows = await ids(`actor_id=${apiKey.id}`);
    assertEquals(rows.length, 10);
    assert(
      rows.every((r: { actor: { type: string; id: string } }) =>
        r.actor.type === "api_key" && r.actor.id === apiKey.id
      ),
    );
  });
  await t.step("actor_id with a user id: that user's rows, including those made with their keys", async () => {
    const rows = await ids(`actor_id=${p.alice.user.id}`);
    assertEquals(rows.length, 21); // 20 seeded, and her sign-in, which names her as its actor
  });
  await t.step("action", async () => {
    const rows = await ids("action=deployment.create");
    assertEquals(rows.length, 10);
    assert(rows.every((r: { action: string }) => r.action === "deployment.create"));
  });
  await t.step("resource_type and resource_id", async () => {
    assertEquals((await ids("resource_type=thing")).length, 20);
    const one = await ids("resource_type=thing&resource_id=thing-2");
    assertEquals(one.map((r: { resource_id: string }) => r.resource_id), ["thing-2"]);
  });
  await t.step("since is inclusive and until exclusive, as RFC 3339 date-times", async () => {
    const rows = await ids("since=2025-03-01T00:10:00Z&until=2025-03-01T00:20:00Z");
    assertEquals(rows.length, 10);
    assertEquals(rows.at(-1).created_at, "2025-03-01T00:10:00.000Z");
    assertEquals(rows[0].created_at, "2025-03-01T00:19:00.000Z");
  });
  await t.step("a plain date as until includes that whole day; offsets are honoured", async () => {
    assertEquals((await ids("since=2025-03-01&until=2025-03-01&resource_type=thing")).length, 20);
    assertEquals((await ids("until=2025-02-28&resource_type=thing")).length, 0);
    const rows = await ids("since=2025-03-01T01:35:00%2B01:00&resource_type=thing");
    assert(rows.every((r: { created_at: string }) => r.created_at >= "2025-03-01T00:35:00.000Z"));
    assertEquals(rows.length, 3);
  });
  await t.step("filters combine with AND", async () => {
    assertEquals((await ids(`actor_id=${p.alice.user.id}&action=user.update&since=2025-03-01T00:20:00Z`)).length, 5);
  });
  await t.step("an actor who only signed in gets just that row; one without entries an empty list", async () => {
    assertEquals((await ids(`actor_id=${p.bob.user.id}`)).map((r: { action: string }) => r.action), ["session.login"]);
    assertEquals((await ids(`actor_id=${crypto.randomUUID()}`)).length, 0);
  });
});

Deno.test("GET /api/v1/audits paging walks every row exactly once, newest first", async () => {
  const seen: number[] = [];
  let cursor: string | null = "";
  let pages = 0;
  while (cursor !== null) {
    const { res, body } = await get(`/api/v1/audits?limit=7${cursor ? `&cursor=${cursor}` : ""}`);
    assertEquals(res.status, 200);
    assert(body.data.length <= 7);
    seen.push(...body.data.map((r: { seq: number }) => r.seq));
    cursor = body.next_cursor;
    pages++;
  }
  assertEquals(seen.length, tenantTotal);
  assertEquals(new Set(seen).size, tenantTotal);
  assertEquals(seen, [...seen].sort((a, b) => b - a));
  assertEquals(seen.at(-1), 1);
  assertEquals(pages, Math.ceil(tenantTotal / 7));
});

Deno.test("GET /api/v1/audits refuses bad filters with 422 naming the field", async (t) => {
  for (
    const [query, field] of [
      ["actor_id=alice", "actor_id"],
      ["action=DROP%20TABLE", "action"],
      ["since=yesterday", "since"],
      ["until=2025-02-30", "until"],
      ["since=2025-03-02&until=2025-03-01T12:00:00Z", "until"],
      ["limit=0", "limit"],
    ]
  ) {
    await t.step(query, async () => {
      const { res, type, body } = await get(`/api/v1/audits?${query}`);
      assertEquals(res.status, 422);
      assertStringIncludes(type, "application/problem+json");
      assertEquals(body.errors.map((e: { path: string }) => e.path), [field]);
    });
  }
  await t.step("a cursor that this list did not hand out is a 400", async () => {
    const { res, body } = await get("/api/v1/audits?cursor=not-a-cursor");
    assertEquals(res.status, 400);
    assertStringIncludes(body.detail, "cursor");
  });
});

Deno.test("GET /api/v1/audits/{id} returns one row of the caller's tenant", async () => {
  const { body: list } = await get("/api/v1/audits?action=user.update&limit=1");
  const { res, type, body } = await get(`/api/v1/audits/${list.data[0].id}`);
  assertEquals(res.status, 200);
  assertStringIncludes(type, "application/json");
  assertEquals(body, list.data[0]);
  const unknown = await get(`/api/v1/audits/${crypto.randomUUID()}`);
  assertEquals(unknown.res.status, 404);
  const malformed = await get("/api/v1/audits/not-a-uuid");
  assertEquals(malformed.res.status, 422);
  assertEquals(malformed.body.errors[0].path, "id");
});

Deno.test("employees read the audit log; client users get 404 and anonymous callers 401", async () => {
  assertEquals((await get("/api/v1/audits", p.bob.bearer)).res.status, 200);
  const { body: list } = await get("/api/v1/audits?limit=1");
  for (const path of ["/api/v1/audits", "/api/v1/audits/export", `/api/v1/audits/${list.data[0].id}`]) {
    const carol = await get(path, p.carol.bearer);
    assertEquals(carol.res.status, 404, `${path} as a client user`);
    assertStringIncludes(carol.type, "application/problem+json");
    assertEquals((await get(path, {})).res.status, 401, `${path} anonymously`);
  }
});

Deno.test("an API key reads audits only when its scopes include audits:read", async () => {
  const keyFor = async (scopes: string[]) => {
    const key = `odk_${randomToken()}`;
    await sql`
      INSERT INTO api_keys (tenant_id, user_id, name, prefix, token_hash, scopes)
      VALUES (${p.tenant.id}, ${p.alice.user.id}, 'scoped', 'odk_scop', ${await sha256(key)}, ${scopes})`;
    return { Authorization: `Bearer ${key}` };
  };
  assertEquals((await get("/api/v1/audits", await keyFor(["audits:read"]))).res.status, 200);
  const narrow = await get("/api/v1/audits", await keyFor(["projects:read"]));
  assertEquals(narrow.res.status, 404);
});

Deno.test("another tenant's audits are never visible, by list, filter, id or export", async () => {
  const ours = (await get("/api/v1/audits?limit=200")).body.data as { id: string }[];
  const theirs = (await get("/api/v1/audits?limit=200", p.dave.bearer)).body.data as { id: string; actor: unknown }[];
  const [{ count }] = await sql`SELECT count(*)::int AS count FROM audits WHERE tenant_id = ${p.other.id}`;
  assertEquals(theirs.length, count);
  const ourIds = new Set(ours.map((r) => r.id));
  assert(theirs.every((r) => !ourIds.has(r.id)));
  assertEquals((await get(`/api/v1/audits?actor_id=${p.alice.user.id}`, p.dave.bearer)).body.data, []);
  assertEquals((await get(`/api/v1/audits/${ours[0].id}`, p.dave.bearer)).res.status, 404);
  const csv = (await get("/api/v1/audits/export", p.dave.bearer)).body as string;
  assert(!csv.includes(ours[0].id));
  assertEquals(csv.trim().split("\r\n").length, count + 1);
});
