/**
 * /api/v1/dashboards end to end on a real PostgreSQL: build a dashboard of
 * built-in widgets, read widget data as staff and as a client user (only their
 * client's checks), layout rules, the bad inputs of the issue, sharing,
 * public links (revoked → 404), versions with restore, and export → import.
 */
import { assert, assertEquals, assertFalse, assertStringIncludes } from "@std/assert";
import postgres from "postgres";
import type { Sql } from "../../db/client.ts";
import { buildTestApp, createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { seedOpsData } from "../helpers/dashboards.ts";
import { genDataSource } from "../helpers/data_sources.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";

const NOW = new Date("2026-03-10T12:00:00Z");
const { app, db } = await createTestApp({ now: () => NOW });
const sql = db.sql;
const p = await genPersonas(sql);
const acme = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const globex = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex site" });
await seedOpsData(sql, { tenantId: p.tenant.id, projectId: acme.id, label: "Acme", now: NOW });
await seedOpsData(sql, { tenantId: p.tenant.id, projectId: globex.id, label: "Globex", now: NOW });
const foreign = await genDataSource(sql, p.other.id);
const BASE = "/api/v1/dashboards";

async function call(method: string, path: string, body?: unknown, headers = p.alice.bearer) {
  return await app.request(path, body === undefined ? { method, headers } : jsonRequest(method, body, headers));
}
async function json(method: string, path: string, body?: unknown, headers = p.alice.bearer, status = 200) {
  const res = await call(method, path, body, headers);
  assertEquals(res.status, status, await res.clone().text());
  return res.status === 204 ? null : await res.json();
}

const created = await json("POST", BASE, { name: "Ops <script>alert(1)</script>", tags: ["Ops"] }, p.alice.bearer, 201);
const id: string = created.id;
const widget = (body: Record<string, unknown>) => json("POST", `${BASE}/${id}/widgets`, body, p.alice.bearer, 201);

Deno.test("dashboards over the API", async (t) => {
  await t.step("create is audited, versioned, and the owner holds admin", async () => {
    assertEquals(created.my_level, "admin");
    assertEquals(created.version, 1);
    assertEquals(created.tags, ["ops"]);
    const audits = await sql`SELECT action FROM audits WHERE resource_id = ${id}`;
    assertEquals(audits.map((a) => a.action), ["dashboard.create"]);
  });

  const ids: Record<string, string> = {};
  await t.step("widgets of every kind over built-in data", async () => {
    ids.status = (await widget({ type: "pie_chart", title: "Checks by status", query: "checks_by_status" })).id;
    ids.uptime = (await widget({ type: "line_chart", title: "Uptime", query: "uptime_daily" })).id;
    ids.deploys = (await widget({ type: "bar_chart", title: "Deploys", query: "deployments_daily" })).id;
    ids.list = (await widget({ type: "table", title: "Checks", query: "check_list" })).id;
    ids.count = (await widget({ type: "metric_card", title: "Checks total", query: "checks_by_status" })).id;
    ids.pills = (await widget({ type: "check_status", title: "Status", query: "check_list" })).id;
    ids.per = (await widget({ type: "uptime", title: "Per check", query: "uptime_by_check" })).id;
    const d = await json("GET", `${BASE}/${id}`);
    assertEquals(d.widgets.length, 7);
    const data = await json("GET", `${BASE}/${id}/widgets/${ids.status}/data?range=30d`);
    assertEquals(data.columns, ["status", "checks"]);
    assertEquals(data.rows.reduce((s: number, r: [string, number]) => s + r[1], 0), 8);
    const uptime = await json("GET", `${BASE}/${id}/widgets/${ids.uptime}/data?range=7d`);
    assertEquals(uptime.rows.length, 7);
    assert(uptime.rows.every((r: [string, number]) => r[1] > 90 && r[1] <= 100));
    const deploys = await json("GET", `${BASE}/${id}/widgets/${ids.deploys}/data?range=7d&env=production`);
    assertEquals(deploys.rows.reduce((s: number, r: number[]) => s + r[1] + r[2], 0), 14);
  });

  await t.step("the project filter narrows every widget", async () => {
    const data = await json("GET", `${BASE}/${id}/widgets/${ids.list}/data?project=${acme.id}`);
    assertEquals(data.rows.length, 4);
    assert(data.rows.every((r: string[]) => r[0].startsWith("Acme")));
  });

  await t.step("new widgets go below; overlaps are normalised; negatives are a 422", async () => {
    const d = await json("GET", `${BASE}/${id}`);
    const [a, b] = d.widgets;
    const placed = await json("PUT", `${BASE}/${id}/layout`, {
      positions: [{ id: a.id, position: { x: 0, y: 0, w: 6, h: 4 } }, {
        id: b.id,
        position: { x: 2, y: 1, w: 6, h: 4 },
      }],
    });
    const byId = new Map(placed.data.map((w: { id: string; position: unknown }) => [w.id, w.position]));
    assertEquals(byId.get(a.id), { x: 0, y: 0, w: 6, h: 4 });
    assertEquals(byId.get(b.id), { x: 2, y: 4, w: 6, h: 4 });
    const bad = await call("PUT", `${BASE}/${id}/layout`, {
      positions: [{ id: a.id, position: { x: -1, y: 0, w: 2, h: 2 } }],
    });
    const body = await problem(bad, 422);
    assertEquals(body.errors[0].path, "positions.0.position.x");
    const wide = await call("PUT", `${BASE}/${id}/layout`, {
      positions: [{ id: a.id, position: { x: 8, y: 0, w: 6, h: 2 } }],
    });
    await problem(wide, 422);
  });

  await t.step("another tenant's saved query is a 404 and nothing is stored", async () => {
    const before = await sql`SELECT count(*)::int AS n FROM widgets`;
    const res = await call("POST", `${BASE}/${id}/widgets`, {
      type: "table",
      title: "Theirs",
      query: "saved_query",
      saved_query_id: foreign.queryId,
    });
    await problem(res, 404);
    const after = await sql`SELECT count(*)::int AS n FROM widgets`;
    assertEquals(after[0].n, before[0].n);
  });

  await t.step("more than 100 widgets is a 422 naming widgets", async () => {
    const other = await json("POST", BASE, { name: "Full" }, p.alice.bearer, 201);
    await sql`
      INSERT INTO widgets (tenant_id, dashboard_id, type, title, query, pos_x, pos_y, pos_w, pos_h)
      SELECT ${p.tenant.id}, ${other.id}, 'table', 'w' || g, 'check_list', 0, g * 2, 6, 2 FROM generate_series(1, 100) g`;
    const res = await call("POST", `${BASE}/${other.id}/widgets`, {
      type: "table",
      title: "101st",
      query: "check_list",
    });
    const body = await problem(res, 422);
    assertEquals(body.errors[0].path, "widgets");
  });

  await t.step("a client user sees nothing until shared, then only their client's data", async () => {
    await problem(await call("GET", `${BASE}/${id}`, undefined, p.carol.bearer), 404);
    assertEquals((await json("GET", BASE, undefined, p.carol.bearer)).data.length, 0);
    await json("PUT", `${BASE}/${id}/permissions`, { grants: [{ user_email: p.carol.user.email, level: "view" }] });
    const list = await json("GET", `${BASE}?shared=true`, undefined, p.carol.bearer);
    assertEquals(list.data.map((d: { id: string }) => d.id), [id]);
    const data = await json("GET", `${BASE}/${id}/widgets/${ids.list}/data`, undefined, p.carol.bearer);
    assertEquals(data.rows.length, 4);
    assert(data.rows.every((r: string[]) => r[0].startsWith("Acme")));
    // asking for the other client's project finds nothing
    const theirs = await json(
      "GET",
      `${BASE}/${id}/widgets/${ids.list}/data?project=${globex.id}`,
      undefined,
      p.carol.bearer,
    );
    assertEquals(theirs.rows.length, 0);
    // view access cannot change anything
    await problem(await call("PATCH", `${BASE}/${id}`, { name: "Mine" }, p.carol.bearer), 403);
    // Erin (Globex) still sees nothing
    await problem(await call("GET", `${BASE}/${id}`, undefined, p.erin.bearer), 404);
  });

  await t.step("unknown grantees are a 422 naming the entry", async () => {
    const res = await call("PUT", `${BASE}/${id}/permissions`, {
      grants: [{ user_email: "nobody@example.com", level: "view" }],
    });
    const body = await problem(res, 422);
    assertEquals(body.errors[0].path, "grants.0.user_email");
  });

  await t.step("a public link: hashed, noindex, read-only; revoked → 404", async () => {
    const link = await json("POST", `${BASE}/${id}/public-link`, { editable: ["range"] }, p.alice.bearer, 201);
    const [row] = await sql`SELECT is_public, public_token_hash FROM dashboards WHERE id = ${id}`;
    assert(row.is_public);
    assertFalse(new TextDecoder().decode(row.public_token_hash).includes(link.token));
    const page = await app.request(`/d/${link.token}`);
    assertEquals(page.status, 200);
    assertEquals(page.headers.get("X-Robots-Tag"), "noindex, nofollow");
    const html = await page.text();
    assertStringIncludes(html, "Checks by status");
    assertStringIncludes(html, "Ops &lt;script>alert(1)&lt;/script>");
    assertFalse(html.includes("<script>alert(1)"));
    assertFalse(html.includes("/dashboards/" + id + "/share"));
    await json("DELETE", `${BASE}/${id}/public-link`, undefined, p.alice.bearer, 204);
    assertEquals((await app.request(`/d/${link.token}`)).status, 404);
    assertEquals((await app.request(`/d/${"x".repeat(43)}`)).status, 404);
  });

  await t.step(
    "public viewers: one load per refresh interval and a token check per 10 s, whatever their number",
    async () => {
      const link = await json("POST", `${BASE}/${id}/public-link`, { editable: [] }, p.alice.bearer, 201);
      const { refresh_seconds: refresh, widgets } = await json("GET", `${BASE}/${id}`);
      const queries: string[] = [];
      // one connection, opened (and its types fetched) before counting: only the viewers' statements are counted
      const counting = postgres(db.url, { max: 1, debug: (_c, q) => queries.push(q), onnotice: () => {} });
      let clock = NOW.getTime();
      try {
        await counting`SELECT 1`;
        const { app: counted } = await buildTestApp(counting as unknown as Sql, { now: () => new Date(clock) });
        const viewers = async (n: number) => {
          queries.length = 0;
          const statuses = await Promise.all(
            Array.from({ length: n }, async () => (await counted.request(`/d/${link.token}`)).status),
          );
          assertEquals(statuses, new Array(n).fill(200));
          return queries.length;
        };
        // the token (1 statement), then the widget list and each widget in its tenant transaction
        // (BEGIN, set_config, SELECT, COMMIT): 1 + 4 × (1 + widgets)
        const load = 1 + 4 * (1 + widgets.length);
        assertEquals(await viewers(100), load);
        assertEquals(queries.filter((q) => q === "BEGIN").length, 1 + widgets.length);
        // a minute on (a new rate-limit window), within the interval: only the token is checked again
        clock += 61_000;
        assertEquals(await viewers(100), 1);
        // the next interval: one load again
        clock += refresh * 1000;
        assertEquals(await viewers(100), load);
      } finally {
        await counting.end();
      }
      await json("DELETE", `${BASE}/${id}/public-link`, undefined, p.alice.bearer, 204);
    },
  );

  await t.step("every save is a version; diff by widget; restore brings widgets back", async () => {
    const before = await json("GET", `${BASE}/${id}`);
    await json("DELETE", `${BASE}/${id}/widgets/${ids.per}`, undefined, p.alice.bearer, 204);
    const versions = await json("GET", `${BASE}/${id}/versions`);
    assertEquals(versions.data[0].changes, [{ id: ids.per, title: "Per check", change: "removed" }]);
    assertEquals(versions.data[0].version, before.version + 1);
    await json("POST", `${BASE}/${id}/versions/${before.version}/restore`);
    const after = await json("GET", `${BASE}/${id}`);
    assertEquals(after.widgets.length, before.widgets.length);
    assert(after.widgets.some((w: { title: string }) => w.title === "Per check"));
    await json("POST", `${BASE}/${id}/versions/${after.version}/publish`, undefined, p.alice.bearer, 204);
    assertEquals((await json("GET", `${BASE}/${id}`)).published_version, after.version);
    await problem(await call("POST", `${BASE}/${id}/versions/abc/restore`), 404);
  });

  await t.step("export names things; import creates a copy; a missing saved query is a 422", async () => {
    const exported = await json("GET", `${BASE}/${id}/export`);
    assertEquals(exported.opsdeck_dashboard, 1);
    assertFalse("id" in exported.widgets[0]);
    const copy = await json("POST", `${BASE}/import`, { ...exported, name: "Copy" }, p.bob.bearer, 201);
    assertEquals(copy.widgets.length, exported.widgets.length);
    assertEquals(copy.owner_id, p.bob.user.id);
    const res = await call("POST", `${BASE}/import`, {
      ...exported,
      widgets: [{
        type: "table",
        title: "Q",
        query: "saved_query",
        saved_query: { source: "Nope", name: "Nope" },
        position: { x: 0, y: 0, w: 4, h: 2 },
      }],
    });
    assertEquals((await problem(res, 422)).errors[0].path, "widgets.0.saved_query");
  });

  await t.step("another tenant sees none of it", async () => {
    await problem(await call("GET", `${BASE}/${id}`, undefined, p.dave.bearer), 404);
    assertEquals((await json("GET", BASE, undefined, p.dave.bearer)).data.length, 0);
  });
});
