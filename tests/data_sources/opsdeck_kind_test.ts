/**
 * The built-in `opsdeck` source: one per tenant from the tenant's creation,
 * never deleted nor turned into another kind; saved queries name a fixed query
 * shape with typed parameters (free SQL, unknown shapes and wrong types are
 * 422s naming the field, nothing stored); each shape reads only the tenant's
 * rows, and a client user only their client's; collect into a metric and a
 * query_threshold rule work on it through the same paths as other kinds.
 */
import { assert, assertEquals, assertFalse, assertStringIncludes } from "@std/assert";
import { createAlertEvaluator } from "../../services/alerts/evaluator.ts";
import { createDataSourceWorker } from "../../services/data_sources/worker.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { silentLogger } from "../../services/platform/logger.ts";
import { alertsOf, genCheck } from "../helpers/alerts.ts";
import { createTestApp } from "../helpers/app.ts";
import { genProject, getPage } from "../helpers/catalog.ts";
import { insertResults } from "../helpers/checks.ts";
import { insertRawDeployment } from "../helpers/deployments.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";

const config = loadConfig({ OPSDECK_SECRET: TEST_SECRET });
const now = new Date("2026-11-10T10:00:00Z");
const clock = () => now;
const { app, db } = await createTestApp({ config, now: clock });
const sql = db.sql;
const p = await genPersonas(sql);
const background = { sql, config, logger: silentLogger, now: clock, secret: TEST_SECRET };
const SOURCES = "/api/v1/data-sources";
const QUERIES = "/api/v1/saved-queries";

async function call(method: string, path: string, body?: unknown, headers = p.alice.bearer) {
  return await app.request(path, body === undefined ? { method, headers } : jsonRequest(method, body, headers));
}

async function created(path: string, body: unknown) {
  const res = await call("POST", path, body);
  assertEquals(res.status, 201, await res.clone().text());
  return await res.json();
}

async function builtIn(tenantId: string): Promise<string> {
  const rows = await sql<
    { id: string }[]
  >`SELECT id FROM data_sources WHERE tenant_id = ${tenantId} AND kind = 'opsdeck'`;
  assertEquals(rows.length, 1);
  return rows[0].id;
}

// Two clients' projects in the tenant and one project in the other tenant, each with a check, results,
// a deployment and metric points on 9 November.
const day = (hour: number, minute = 0) => new Date(Date.UTC(2026, 10, 9, hour, minute));
const acme = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop", slug: "acme-shop" });
const globex = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex web", slug: "globex-web" });
const theirs = await genProject(sql, p.other.id, p.clients.otherClient.id, { name: "Initech", slug: "initech" });
const seeded = [
  { project: acme, tenantId: p.tenant.id, results: ["up", "up", "up", "down"] as const, orders: [3, 5] },
  { project: globex, tenantId: p.tenant.id, results: ["up", "degraded"] as const, orders: [7] },
  { project: theirs, tenantId: p.other.id, results: ["down", "down"] as const, orders: [100] },
];
for (const s of seeded) {
  const check = await genCheck(sql, s.tenantId, s.project.id, `${s.project.name} home`);
  await insertResults(
    sql,
    s.tenantId,
    check.id,
    s.results.map((status, i) => ({ status, latencyMs: 100 * (i + 1), at: day(9, i) })),
  );
  await insertRawDeployment(sql, {
    tenantId: s.tenantId,
    projectId: s.project.id,
    environment: "production",
    status: "succeeded",
    createdAt: day(11),
    finishedAt: day(11, 2),
    committedAt: null,
  });
  for (const [i, value] of s.orders.entries()) {
    await sql`INSERT INTO metric_snapshots (tenant_id, project_id, type, value, recorded_at)
              VALUES (${s.tenantId}, ${s.project.id}, 'shop.orders', ${value}, ${day(12, i * 10)})`;
  }
}
const ours = await builtIn(p.tenant.id);
const theirSource = await builtIn(p.other.id);
const range = { from: "2026-11-09T00:00:00Z", to: "2026-11-10T00:00:00Z" };
const today = { from: "2026-11-10T00:00:00Z", to: "2026-11-11T00:00:00Z" };
let alertsQuery = "";
const window = [{ name: "from", type: "timestamp" }, { name: "to", type: "timestamp" }];

async function run(queryId: string, parameters: Record<string, unknown>, headers = p.alice.bearer) {
  const res = await call("POST", `${QUERIES}/${queryId}/run`, { parameters, fresh: true }, headers);
  assertEquals(res.status, 200, await res.clone().text());
  return await res.json() as { columns: { name: string; type: string }[]; rows: unknown[][] };
}

const deployments = await created(QUERIES, {
  data_source_id: ours,
  name: "Deployments",
  query_text: "deployments",
  parameters: window,
  is_public: true,
});
// a declared parameter is always set (or has a default); one left undeclared takes the shape's default
const projectDeployments = await created(QUERIES, {
  data_source_id: ours,
  name: "Deployments of a project",
  query_text: "deployments",
  parameters: [...window, { name: "project", type: "text" }],
  is_public: true,
});
const uptime = await created(QUERIES, {
  data_source_id: ours,
  name: "Uptime",
  query_text: "uptime_total",
  parameters: window,
  is_public: true,
});

Deno.test("the built-in opsdeck source", async (t) => {
  await t.step("every tenant has exactly one; it cannot be added, deleted or turned into another kind", async () => {
    const listed = await (await call("GET", SOURCES)).json();
    const own = listed.data.filter((s: { kind: string }) => s.kind === "opsdeck");
    assertEquals(own.map((s: { id: string; status: string }) => [s.id, s.status]), [[ours, "connected"]]);
    const add = await call("POST", SOURCES, { name: "Second", kind: "opsdeck", config: {} });
    assertEquals((await problem(add, 422)).errors[0].path, "kind");
    await problem(await call("DELETE", `${SOURCES}/${ours}`), 409);
    const renamed = await call("PATCH", `${SOURCES}/${ours}`, { name: "Our data", config: { timeout_seconds: 20 } });
    assertEquals(renamed.status, 200);
    assertEquals([(await renamed.json()).kind, await builtIn(p.tenant.id)], ["opsdeck", ours]);
    const changed = await sql`UPDATE data_sources SET kind = 'csv' WHERE id = ${ours}`.then(
      () => "updated",
      (e) => e.code,
    );
    assertEquals(changed, "23514");
    const second = await sql`INSERT INTO data_sources (tenant_id, name, kind) VALUES (${p.tenant.id}, 'x', 'opsdeck')`
      .then(() => "inserted", (e) => e.code);
    assertEquals(second, "23505");
    // the add form offers only the kinds one can add
    const page = await (await getPage(app, "/data-sources", p.alice.cookie)).text();
    assertFalse(page.includes('value="opsdeck"'));
  });

  await t.step("a query names a shape with its typed parameters; anything else is a 422 naming it", async () => {
    const before = await sql`SELECT count(*)::int AS n FROM saved_queries`;
    const cases: [Record<string, unknown>, string][] = [
      [{ query_text: "SELECT * FROM health_checks" }, "query_text"],
      [{ query_text: "health_checks" }, "query_text"],
      [{ query_text: "deployments; SELECT 1" }, "query_text"],
      [{ query_text: "deployments", parameters: [{ name: "from", type: "text" }] }, "parameters.0.type"],
      [{ query_text: "deployments", parameters: [{ name: "since", type: "timestamp" }] }, "parameters.0.name"],
      [
        { query_text: "alerts", parameters: [{ name: "status", type: "enum", values: ["lost"] }] },
        "parameters.0.values",
      ],
      [{ query_text: "metric_series", parameters: window }, "parameters"],
    ];
    for (const [change, field] of cases) {
      const res = await call("POST", QUERIES, { data_source_id: ours, name: "Bad", parameters: [], ...change });
      const body = await problem(res, 422);
      assert(body.errors.some((e: { path: string }) => e.path === field), `${field}: ${JSON.stringify(body.errors)}`);
    }
    const adHoc = await call("POST", `${SOURCES}/${ours}/query`, {
      query_text: "SELECT password_hash FROM users",
      parameters: [],
    });
    assertEquals((await problem(adHoc, 422)).errors[0].path, "query_text");
    const wrongValue = await call("POST", `${QUERIES}/${deployments.id}/run`, { parameters: { from: "yesterday" } });
    assertEquals((await problem(wrongValue, 422)).errors[0].path, "parameters.from");
    const after = await sql`SELECT count(*)::int AS n FROM saved_queries`;
    assertEquals(after[0].n, before[0].n);
    // data models and the builder take SQL sources only
    const model = await call("POST", "/api/v1/data-models", {
      data_source_id: ours,
      name: "M",
      tables: [{ alias: "d", table: "deployments" }],
    });
    assertEquals((await problem(model, 422)).errors[0].path, "data_source_id");
  });

  await t.step("each shape reads the tenant's own rows, as fixed SQL with the values bound", async () => {
    const deploys = await run(deployments.id, range);
    assertEquals(deploys.rows.map((r) => [r[1], r[2], r[3], r[9]]).sort(), [
      ["Acme shop", "production", "succeeded", 120],
      ["Globex web", "production", "succeeded", 120],
    ]);
    assertEquals(deploys.columns.map((c) => c.type).slice(0, 2), ["uuid", "text"]);
    assertEquals((await run(projectDeployments.id, { ...range, project: "globex-web" })).rows.length, 1);
    assertEquals((await run(projectDeployments.id, { ...range, project: "initech" })).rows.length, 0);
    // 4 of the tenant's 6 results were up, one degraded (counted as up), one down
    assertEquals((await run(uptime.id, range)).rows, [[83.333, 6, 4, 1, 1]]);
    const perCheck = await created(QUERIES, {
      data_source_id: ours,
      name: "Per check",
      query_text: "checks_uptime",
      parameters: window,
    });
    assertEquals((await run(perCheck.id, range)).rows.map((r) => [r[2], r[3], r[7]]), [
      ["Acme shop", 4, 75],
      ["Globex web", 2, 100],
    ]);
    const latency = await created(QUERIES, {
      data_source_id: ours,
      name: "Latency",
      query_text: "check_latency",
      parameters: [...window, { name: "grain", type: "enum", values: ["day"] }],
    });
    const byDay = await run(latency.id, { ...range, grain: "day" });
    assertEquals(byDay.rows.map((r) => [(r[0] as string).slice(0, 10), r[3], r[4], r[5], r[6], r[7]]), [
      ["2026-11-09", "Acme shop", 4, 250, 100, 400],
      ["2026-11-09", "Globex web", 2, 150, 100, 200],
    ]);
    const series = await created(QUERIES, {
      data_source_id: ours,
      name: "Orders",
      query_text: "metric_series",
      parameters: [...window, { name: "metric", type: "text" }, {
        name: "project",
        type: "text",
        default: "acme-shop",
      }],
    });
    assertEquals((await run(series.id, { ...range, metric: "shop.orders" })).rows.map((r) => r.slice(1)), [
      ["Acme shop", 4, 3, 5, 2],
    ]);
    const [runs] = await sql`SELECT count(*)::int AS n FROM query_metrics WHERE data_source_id = ${ours}`;
    assert(runs.n >= 6);
  });

  await t.step("a saved query on it charts on a dashboard, its window from the dashboard's range", async () => {
    const board = await created("/api/v1/dashboards", { name: "Releases" });
    const chart = await created(`/api/v1/dashboards/${board.id}/widgets`, {
      type: "table",
      title: "Deployments",
      query: "saved_query",
      saved_query_id: deployments.id,
    });
    const res = await call("GET", `/api/v1/dashboards/${board.id}/widgets/${chart.id}/data?range=7d`);
    assertEquals(res.status, 200, await res.clone().text());
    const data = await res.json();
    assertEquals(data.columns.slice(0, 3), ["id", "project", "environment"]);
    assertEquals(data.rows.map((r: unknown[]) => r[1]).sort(), ["Acme shop", "Globex web"]);
  });

  await t.step("collect into a metric and a query_threshold rule run on it", async () => {
    const path = `${QUERIES}/${uptime.id}`;
    const collect = { project_id: acme.id, metric_type: "opsdeck.uptime", interval_seconds: 60, parameters: range };
    assertEquals((await call("PATCH", path, { collect })).status, 200);
    assertEquals((await createDataSourceWorker({ ...background, instanceId: "opsdeck-kind" }).tick()).collected, 1);
    const points =
      await sql`SELECT value FROM metric_snapshots WHERE project_id = ${acme.id} AND type = 'opsdeck.uptime'`;
    assertEquals(points.map((r) => r.value), [83.333]);
    const rule = await created("/api/v1/alert-rules", {
      name: "Uptime under 99%",
      kind: "query_threshold",
      query_id: uptime.id,
      query_measure: "value",
      query_parameters: range,
      operator: "below",
      threshold: 99,
      interval_seconds: 60,
      severity: "warning",
      project_id: acme.id,
    });
    const evaluator = createAlertEvaluator({ ...background, instanceId: "opsdeck-kind" });
    try {
      assertEquals((await evaluator.tick()).metricRules, 1);
    } finally {
      await evaluator.stop();
    }
    const opened = await alertsOf(sql, rule.id);
    assertEquals(opened.map((a) => a.status), ["triggered"]);
    // the alert is itself readable through the alerts shape
    const alerts = await created(QUERIES, {
      data_source_id: ours,
      name: "Open alerts",
      query_text: "alerts",
      parameters: [...window, { name: "status", type: "enum", values: ["triggered"] }],
      is_public: true,
    });
    alertsQuery = alerts.id;
    const listed = await run(alerts.id, { ...today, status: "triggered" });
    assertEquals(listed.rows.map((r) => [r[1], r[3]]), [["Acme shop", "warning"]]);
  });

  await t.step("a client user: none by default; given the rights, only their client's rows", async () => {
    const carolGet = await call("GET", `${SOURCES}/${ours}`, undefined, p.carol.bearer);
    assertEquals(carolGet.status, 404);
    assertEquals((await call("POST", `${QUERIES}/${deployments.id}/run`, {}, p.carol.bearer)).status, 404);
    // a custom role that reads data sources and queries, kept by a client user
    const [role] =
      await sql`INSERT INTO roles (tenant_id, name) VALUES (${p.tenant.id}, 'Client analyst') RETURNING id`;
    await sql`INSERT INTO permissions (role_id, resource, action)
              VALUES (${role.id}, 'data_sources', 'read'), (${role.id}, 'saved_queries', 'read')`;
    await sql`UPDATE users SET role_id = ${role.id} WHERE id IN (${p.carol.user.id}, ${p.erin.user.id})`;
    const carols = await run(deployments.id, range, p.carol.bearer);
    assertEquals(carols.rows.map((r) => r[1]), ["Acme shop"]);
    const erins = await run(deployments.id, range, p.erin.bearer);
    assertEquals(erins.rows.map((r) => r[1]), ["Globex web"]);
    // nor does the result cache: each client's answer is kept apart
    const cached = async (headers: Record<string, string>) => {
      const res = await call("POST", `${QUERIES}/${deployments.id}/run`, { parameters: range }, headers);
      return (await res.json()).rows.map((r: unknown[]) => r[1]);
    };
    assertEquals(await cached(p.carol.bearer), ["Acme shop"]);
    assertEquals(await cached(p.erin.bearer), ["Globex web"]);
    // naming the other client's project does not widen it
    assertEquals((await run(projectDeployments.id, { ...range, project: "acme-shop" }, p.erin.bearer)).rows, []);
    assertEquals((await run(uptime.id, range, p.erin.bearer)).rows, [[100, 2, 1, 0, 1]]);
    // the tenant's alert is on Acme's project: Carol's, not Erin's
    assertEquals((await run(alertsQuery, { ...today, status: "triggered" }, p.carol.bearer)).rows.length, 1);
    assertEquals((await run(alertsQuery, { ...today, status: "triggered" }, p.erin.bearer)).rows, []);
  });

  await t.step("another tenant's built-in source and its queries are 404", async () => {
    for (const [method, path] of [["GET", `${SOURCES}/${ours}`], ["POST", `${SOURCES}/${ours}/test`]]) {
      assertEquals((await call(method, path, undefined, p.dave.bearer)).status, 404, path);
    }
    assertEquals((await call("POST", `${QUERIES}/${uptime.id}/run`, {}, p.dave.bearer)).status, 404);
    const foreign = await call("POST", QUERIES, {
      data_source_id: theirSource,
      name: "Theirs",
      query_text: "deployments",
      parameters: [],
    });
    assertEquals(foreign.status, 404);
    // their own source reads only their rows
    const res = await call("POST", QUERIES, {
      data_source_id: theirSource,
      name: "Ours",
      query_text: "deployments",
      parameters: window,
    }, p.dave.bearer);
    assertEquals(res.status, 201);
    const theirs = await run((await res.json()).id, range, p.dave.bearer);
    assertEquals(theirs.rows.map((r) => r[1]), ["Initech"]);
  });

  await t.step("the source page lists the shapes with their parameters; no delete, no schema to read", async () => {
    const page = await (await getPage(app, `/data-sources/${ours}`, p.alice.cookie)).text();
    assertStringIncludes(page, "Query shapes");
    assertStringIncludes(page, "<code>metric text</code> (required)");
    assertStringIncludes(page, "<code>grain enum hour,day</code>");
    assertFalse(page.includes("Delete this source"));
    assertFalse(page.includes("Read schema"));
    const editor = await (await getPage(app, `/queries/new?source=${ours}`, p.alice.cookie)).text();
    assertStringIncludes(editor, "name instead of SQL");
  });
});
