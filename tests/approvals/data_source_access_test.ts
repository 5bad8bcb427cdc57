/**
 * Access requests for one data source: someone whose role does not read data
 * sources asks, an admin approves through the approval engine, and then that
 * person (only) reads that source (only); the grant is audited, listed and
 * revocable. Bad input names the field and stores nothing.
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genDataSource } from "../helpers/data_sources.ts";
import { genPersonas, genUser, signIn } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const [role] = await sql`INSERT INTO roles (tenant_id, name) VALUES (${p.tenant.id}, 'Analyst') RETURNING id`;
await sql`INSERT INTO permissions (role_id, resource, action) VALUES (${role.id}, 'approvals', 'read'),
          (${role.id}, 'approvals', 'write')`;
const analystRow = await genUser(sql, p.tenant.id, { name: "Ann" });
await sql`UPDATE users SET role_id = ${role.id} WHERE id = ${analystRow.id}`;
const ann = await signIn(sql, { ...analystRow, role_id: role.id } as never);
const { sourceId } = await genDataSource(sql, p.tenant.id);
const { sourceId: otherSource } = await genDataSource(sql, p.tenant.id);

const req = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  app.request(path, body === undefined ? { method, headers } : jsonRequest(method, body, headers));
const readSource = async (id: string) => (await req("GET", `/api/v1/data-sources/${id}`, ann.bearer)).status;
const grants = async () => (await sql`SELECT count(*)::int AS n FROM data_source_grants`)[0].n;

Deno.test("bad access requests name the field and store nothing", async () => {
  const before = (await sql`SELECT count(*)::int AS n FROM approvals`)[0].n;
  for (
    const [body, field] of [
      [{ reason: "why" }, "role_id"],
      [{ role_id: p.alice.user.role_id, data_source_id: sourceId, reason: "both" }, "role_id"],
      [{ data_source_id: crypto.randomUUID(), reason: "unknown" }, "data_source_id"],
      [{ data_source_id: sourceId, reason: "" }, "reason"],
    ] as const
  ) {
    const res = await problem(await req("POST", "/api/v1/access-requests", ann.bearer, body), 422);
    assertStringIncludes(JSON.stringify(res.errors), field);
  }
  // Bob (employee) already reads data sources.
  const already = await problem(
    await req("POST", "/api/v1/access-requests", p.bob.bearer, { data_source_id: sourceId, reason: "x" }),
    422,
  );
  assertStringIncludes(JSON.stringify(already.errors), "already read");
  assertEquals((await sql`SELECT count(*)::int AS n FROM approvals`)[0].n, before);
});

Deno.test("asked, approved by an admin, then read; revoked, then hidden again (404, as without read)", async () => {
  assertEquals(await readSource(sourceId), 404, "without read, a data source is not even seen");
  const filed = await req("POST", "/api/v1/access-requests", ann.bearer, {
    data_source_id: sourceId,
    reason: "Monthly billing numbers",
  });
  assertEquals(filed.status, 201);
  const a = await filed.json();
  assertEquals([a.type, a.details.data_source_id], ["access", sourceId]);
  assertStringIncludes(a.title, "asks to read the data source");
  await problem(await req("POST", `/api/v1/approvals/${a.id}/approve`, ann.bearer, {}), 403);
  assertEquals(await grants(), 0);

  assertEquals((await req("POST", `/api/v1/approvals/${a.id}/approve`, p.alice.bearer, {})).status, 200);
  assertEquals(await readSource(sourceId), 200);
  assertEquals(await readSource(otherSource), 404, "only the source asked for");
  const audit = await sql`SELECT details FROM audits WHERE action = 'data_source_grant.create'`;
  assertEquals([audit.length, audit[0].details.approval_id], [1, a.id]);

  const mine = await (await req("GET", "/api/v1/data-source-grants", ann.bearer)).json();
  assertEquals(mine.map((g: { data_source_id: string }) => g.data_source_id), [sourceId]);
  const again = await problem(
    await req("POST", "/api/v1/access-requests", ann.bearer, { data_source_id: sourceId, reason: "again" }),
    422,
  );
  assertStringIncludes(JSON.stringify(again.errors), "already read");

  await problem(await req("DELETE", `/api/v1/data-source-grants/${mine[0].id}`, ann.bearer), 404);
  assertEquals((await req("DELETE", `/api/v1/data-source-grants/${mine[0].id}`, p.alice.bearer)).status, 204);
  assertEquals(await readSource(sourceId), 404);
  assertEquals(
    (await sql`SELECT count(*)::int AS n FROM audits WHERE action = 'data_source_grant.revoke'`)[0].n,
    1,
  );
  const otherTenant = await req("DELETE", `/api/v1/data-source-grants/${mine[0].id}`, p.dave.bearer);
  assertEquals(otherTenant.status, 404);
});
