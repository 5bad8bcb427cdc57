/**
 * Walks every route in /openapi.json that takes an id and calls it with
 * another tenant's ids (as an admin, who may do everything in their own
 * tenant) and with another client's ids (as a client user): every answer must
 * be 404. New routes are covered without anyone remembering to add them.
 */
import { assertEquals } from "@std/assert";
import type { Sql } from "../../db/client.ts";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { exampleFor } from "./example_body.ts";
import { genDataSource } from "../helpers/data_sources.ts";
import { genProject } from "../helpers/catalog.ts";
import { evaluateQuickWins } from "../../services/insights/quick_wins/quick_wins.ts";
import { genDashboard } from "../helpers/dashboards.ts";
import { genCheck } from "../helpers/alerts.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
// rows only users create: without them the walk would call those routes with random ids
await Promise.all([genDataSource(sql, p.other.id), genDataSource(sql, p.tenant.id)]);
// a project and its quick win ("no deployments") in the other tenant and the other client: insights ids to walk
for (const [tenantId, clientId] of [[p.other.id, p.clients.otherClient.id], [p.tenant.id, p.clients.globex.id]]) {
  const project = await genProject(sql, tenantId, clientId);
  await genCheck(sql, tenantId, project.id, "Walked check");
  await evaluateQuickWins(sql, tenantId, new Date());
}
await Promise.all([genDashboard(sql, p.other.id), genDashboard(sql, p.tenant.id)]);
// a GitHub integration in each tenant, so /api/v1/integrations/{id}/… walks a real row of the other tenant
for (const tenantId of [p.other.id, p.tenant.id]) {
  await sql`INSERT INTO integrations (tenant_id, platform, account_id, is_active) VALUES (${tenantId}, 'github', '1', false)`;
}
const doc = await (await app.request("/openapi.json")).json();
const components = doc.components?.schemas ?? {};

/** Path segment before the first parameter → table holding that resource (`/api/v1/api-keys/{id}` → api_keys). */
function tableFor(path: string): string | undefined {
  const segments = path.split("/").filter(Boolean);
  const index = segments.findIndex((s) => s.startsWith("{"));
  return segments[index - 1]?.replaceAll("-", "_");
}

/** An id from `table` owned by `tenantId` (and, when given, hanging under `clientId`). */
async function foreignId(sql: Sql, table: string, tenantId: string, clientId?: string): Promise<string | undefined> {
  if (table === "tenants") return tenantId;
  const columns = new Set(
    (await sql<{ column_name: string }[]>`
      SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ${table}`)
      .map((c) => c.column_name),
  );
  if (!columns.has("id") || !columns.has("tenant_id")) return undefined;
  let where = "tenant_id = $1";
  let byClient = "";
  if (clientId) {
    if (columns.has("client_id")) byClient = " AND client_id = $2";
    else if (columns.has("project_id")) byClient = " AND project_id IN (SELECT id FROM projects WHERE client_id = $2)";
    else if (columns.has("user_id")) byClient = " AND user_id IN (SELECT id FROM users WHERE client_id = $2)";
    // a client itself (a client user may read their own client's insights): the other client
    else if (table === "clients") byClient = " AND id = $2";
  }
  where += byClient;
  // `table` is a name from the catalog (checked above), never request input.
  const rows = await sql.unsafe(
    `SELECT id::text AS id FROM "${table}" WHERE ${where} LIMIT 1`,
    byClient ? [tenantId, clientId!] : [tenantId],
  );
  return rows[0]?.id;
}

const routes: { method: string; path: string; operation: Record<string, unknown> }[] = [];
for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
  if (!path.includes("{")) continue;
  for (const method of ["get", "post", "put", "patch", "delete"]) {
    if (item[method]) routes.push({ method, path, operation: item[method] as Record<string, unknown> });
  }
}

function bodyFor(operation: Record<string, unknown>): string | undefined {
  // deno-lint-ignore no-explicit-any
  const schema = (operation as any).requestBody?.content?.["application/json"]?.schema;
  return schema ? JSON.stringify(exampleFor(schema, components)) : undefined;
}

async function call(method: string, path: string, headers: Record<string, string>, body?: string) {
  const res = await app.request(path, {
    method: method.toUpperCase(),
    headers: { ...headers, ...(body ? { "Content-Type": "application/json" } : {}) },
    body,
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test("every id-taking route answers 404 for another tenant's ids", async (t) => {
  for (const route of routes) {
    await t.step(`${route.method.toUpperCase()} ${route.path}`, async () => {
      const table = tableFor(route.path);
      const id = (table && await foreignId(sql, table, p.other.id)) ?? crypto.randomUUID();
      const path = route.path.replace(/\{[^}]+\}/g, id);
      const status = await call(route.method, path, p.alice.bearer, bodyFor(route.operation));
      assertEquals(status, 404, `${route.method.toUpperCase()} ${path} as the other tenant's admin`);
    });
  }
});

Deno.test("every id-taking route answers 404 to a client user for another client's ids", async (t) => {
  for (const route of routes) {
    await t.step(`${route.method.toUpperCase()} ${route.path}`, async () => {
      const table = tableFor(route.path);
      const id = (table && await foreignId(sql, table, p.tenant.id, p.clients.globex.id)) ?? crypto.randomUUID();
      const path = route.path.replace(/\{[^}]+\}/g, id);
      const status = await call(route.method, path, p.carol.bearer, bodyFor(route.operation));
      assertEquals(status, 404, `${route.method.toUpperCase()} ${path} as a client user of another client`);
    });
  }
});

/** Pages' polled live parts take an id but are no API operation, so the walk above does not see them. */
const LIVE_PAGES = ["/checks/{id}/live", "/projects/{id}/live"];

Deno.test("the pages' live parts answer 404 for another tenant's and another client's ids", async () => {
  for (const route of LIVE_PAGES) {
    const table = tableFor(route.replace("/checks/", "/health-checks/"))!;
    for (
      const [id, cookie, who] of [
        [await foreignId(sql, table, p.other.id), p.alice.cookie, "the other tenant's admin"],
        [
          await foreignId(sql, table, p.tenant.id, p.clients.globex.id),
          p.carol.cookie,
          "a client user of another client",
        ],
      ] as const
    ) {
      assertEquals(typeof id, "string", `a ${table} row to walk`);
      const status = await call("get", route.replace("{id}", id!), { ...cookie, "HX-Request": "true" });
      assertEquals(status, 404, `GET ${route} as ${who}`);
    }
  }
});
