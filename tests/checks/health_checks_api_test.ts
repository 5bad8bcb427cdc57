import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { loadConfig } from "../../services/platform/config.ts";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { auditActionsFor, checkCount, createCheck, httpCheck, insertResults } from "../helpers/checks.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";

let clock = new Date("2026-03-02T10:00:00.000Z");
const { app, db } = await createTestApp({
  now: () => clock,
  config: loadConfig({ OPSDECK_SECRET: TEST_SECRET, OPSDECK_BASE_URL: "https://ops.example.com" }),
});
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const globexApp = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex app" });
const initech = await genProject(sql, p.other.id, p.clients.otherClient.id, { name: "Initech portal" });

const api = (path: string, method: string, headers: Record<string, string>, body?: unknown) =>
  app.request(path, body === undefined ? { method, headers } : jsonRequest(method, body, headers));

Deno.test("an admin creates an http check: 201 with every option, due at once, one audit row", async () => {
  const res = await api("/api/v1/health-checks", "POST", p.alice.bearer, {
    ...httpCheck(shop.id, { name: "Shop API" }),
    method: "POST",
    body: '{"ping":true}',
    headers: { "Content-Type": "application/json", Authorization: "Bearer s3cret" },
    expected_status: [200, 204],
    json_path: "$.status",
    json_expected: "ok",
    degraded_latency_ms: 800,
    timeout_ms: 2000,
    interval_seconds: 30,
    confirmations: 3,
    follow_redirects: false,
    verify_tls: false,
    cert_expiry_days: 30,
  });
  assertEquals(res.status, 201);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const check = await res.json();
  assertEquals([check.type, check.name, check.project_id, check.project_name], [
    "http",
    "Shop API",
    shop.id,
    "Acme shop",
  ]);
  assertEquals([check.method, check.expected_status, check.json_path, check.json_expected], [
    "POST",
    [200, 204],
    "$.status",
    "ok",
  ]);
  assertEquals([check.degraded_latency_ms, check.timeout_ms, check.interval_seconds, check.confirmations], [
    800,
    2000,
    30,
    3,
  ]);
  assertEquals([check.follow_redirects, check.verify_tls, check.cert_expiry_days], [false, false, 30]);
  assertEquals([check.status, check.paused, check.public_targets_only, check.ping_url], [
    "unknown",
    false,
    false,
    null,
  ]);
  assertEquals(check.next_run_at, clock.toISOString());
  assertEquals(check.uptime, { h24: null, d7: null, d30: null, d90: null });
  assertEquals(check.last_result, null);
  assertEquals(await auditActionsFor(sql, check.id), ["health_check.create"]);
  const [audit] = await sql`SELECT details FROM audits WHERE resource_id = ${check.id}`;
  assertEquals(audit.details.after.headers.Authorization, "[redacted]");
});

const BAD_BODIES: [string, Record<string, unknown>, string][] = [
  ["empty name", { name: "" }, "name"],
  ["unknown type", { type: "ftp" }, "type"],
  ["ftp URL", { url: "ftp://shop.example.com/" }, "url"],
  ["http without url", { url: undefined }, "url"],
  ["unknown method", { method: "FETCH" }, "method"],
  ["status code below 100", { expected_status: [99] }, "expected_status.0"],
  ["no status codes", { expected_status: [] }, "expected_status"],
  ["empty keyword", { keyword: "" }, "keyword"],
  ["json_path without $", { json_path: "status", json_expected: "ok" }, "json_path"],
  ["json_path without json_expected", { json_path: "$.status" }, "json_expected"],
  ["keyword_invert without keyword", { keyword_invert: true }, "keyword_invert"],
  ["Host header", { headers: { Host: "evil.example.com" } }, "headers.Host"],
  ["bad header name", { headers: { "bad name": "x" } }, "headers.bad name"],
  ["header with a line break", { headers: { "X-A": "a\r\nX-B: b" } }, "headers.X-A"],
  ["body on GET", { body: "x" }, "body"],
  ["interval of 1 s", { interval_seconds: 1 }, "interval_seconds"],
  ["fractional interval", { interval_seconds: 30.5 }, "interval_seconds"],
  ["timeout of 50 ms", { timeout_ms: 50 }, "timeout_ms"],
  ["timeout longer than the interval", { interval_seconds: 10, timeout_ms: 20000 }, "timeout_ms"],
  ["interval shorter than the default timeout", { interval_seconds: 5 }, "interval_seconds"],
  ["no confirmations", { confirmations: 0 }, "confirmations"],
  ["degraded above the timeout", { timeout_ms: 1000, degraded_latency_ms: 1000 }, "degraded_latency_ms"],
  ["cert_expiry_days 0", { cert_expiry_days: 0 }, "cert_expiry_days"],
  ["follow_redirects as text", { follow_redirects: "yes" }, "follow_redirects"],
  ["verify_tls as text", { verify_tls: "no" }, "verify_tls"],
  ["paused as text", { paused: "yes" }, "paused"],
  ["grace on an http check", { grace_seconds: 60 }, "grace_seconds"],
  ["cron on an http check", { cron: "0 3 * * *" }, "cron"],
  ["host on an http check", { host: "db.example.com" }, "host"],
  ["unknown depends_on_id", { depends_on_id: crypto.randomUUID() }, "depends_on_id"],
  ["depends_on_id not a UUID", { depends_on_id: "42" }, "depends_on_id"],
  ["another tenant's project", { project_id: initech.id }, "project_id"],
  ["cloud metadata URL", { url: "http://169.254.169.254/latest/meta-data/" }, "url"],
  ["metadata in decimal", { url: "http://2852039166/" }, "url"],
  ["tcp without host", { type: "tcp", url: undefined, port: 5432 }, "host"],
  ["tcp without port", { type: "tcp", url: undefined, host: "db.example.com" }, "port"],
  ["tcp port 70000", { type: "tcp", url: undefined, host: "db.example.com", port: 70000 }, "port"],
  ["tcp with a url", { type: "tcp", host: "db.example.com", port: 5432 }, "url"],
  ["heartbeat with a bad cron", { type: "heartbeat", url: undefined, cron: "61 * * * *" }, "cron"],
  ["heartbeat with an unknown alias", { type: "heartbeat", url: undefined, cron: "@sometimes" }, "cron"],
  ["heartbeat in no time zone", { type: "heartbeat", url: undefined, timezone: "Mars/Olympus" }, "timezone"],
  ["heartbeat with a timeout", { type: "heartbeat", url: undefined, timeout_ms: 1000 }, "timeout_ms"],
  [
    "heartbeat with min above max",
    { type: "heartbeat", url: undefined, min_duration_ms: 5000, max_duration_ms: 1000 },
    "max_duration_ms",
  ],
  ["caller sets tenant_id", { tenant_id: p.other.id }, ""],
  ["caller sets public_targets_only", { public_targets_only: false }, ""],
];

Deno.test("POST /api/v1/health-checks: each bad field is a 422 naming it, and nothing is stored", async (t) => {
  const before = await checkCount(sql, p.tenant.id);
  for (const [label, change, path] of BAD_BODIES) {
    await t.step(label, async () => {
      const body = { ...httpCheck(shop.id), ...change };
      const res = await api("/api/v1/health-checks", "POST", p.alice.bearer, body);
      const json = await problem(res, 422);
      const paths = json.errors.map((e: { path: string }) => e.path);
      assert(paths.includes(path), `${label}: expected an error on "${path}", got ${JSON.stringify(json.errors)}`);
    });
  }
  assertEquals(await checkCount(sql, p.tenant.id), before);
});

Deno.test("a heartbeat check answers its ping URL once; pings move its state; rotation retires the old URL", async () => {
  const check = await createCheck(app, p.alice.bearer, {
    project_id: shop.id,
    name: "Nightly backup",
    type: "heartbeat",
    cron: "@daily",
    timezone: "Europe/Berlin",
    grace_seconds: 600,
    max_duration_ms: 3_600_000,
  });
  assertEquals(check.cron, "0 0 * * *");
  assert(check.ping_url.startsWith("https://ops.example.com/api/v1/heartbeats/"), check.ping_url);
  // midnight in Berlin (UTC+1 in March) plus the grace
  assertEquals(check.next_run_at, "2026-03-02T23:10:00.000Z");
  const again = await (await api(`/api/v1/health-checks/${check.id}`, "GET", p.alice.bearer)).json();
  assertEquals(again.ping_url, undefined);
  const path = new URL(check.ping_url).pathname;

  const ok = await app.request(path);
  assertEquals(ok.status, 200);
  assertEquals(ok.headers.get("Content-Type"), "text/plain; charset=UTF-8");
  assertEquals(await ok.text(), "OK");
  let state = await (await api(`/api/v1/health-checks/${check.id}`, "GET", p.alice.bearer)).json();
  assertEquals([state.status, state.last_ping_at], ["up", clock.toISOString()]);

  assertEquals((await app.request(path, { method: "HEAD" })).status, 200);
  clock = new Date(clock.getTime() + 1000);
  assertEquals((await app.request(`${path}/start`, { method: "POST" })).status, 200);
  clock = new Date(clock.getTime() + 1000);
  const fail = await app.request(`${path}/fail`, {
    method: "POST",
    body: "pg_dump: error: connection refused",
    headers: { "Content-Type": "text/plain", Origin: "https://elsewhere.example" },
  });
  assertEquals(fail.status, 200);
  state = await (await api(`/api/v1/health-checks/${check.id}`, "GET", p.alice.bearer)).json();
  assertEquals(state.status, "down");
  assertStringIncludes(state.last_result.detail, "connection refused");

  const unknown = await app.request("/api/v1/heartbeats/hb_not-a-real-token");
  await problem(unknown, 404);

  const rotated = await api(`/api/v1/health-checks/${check.id}/rotate-token`, "POST", p.alice.bearer);
  assertEquals(rotated.status, 200);
  const fresh = (await rotated.json()).ping_url;
  assert(fresh !== check.ping_url);
  await problem(await app.request(path), 404);
  assertEquals((await app.request(new URL(fresh).pathname)).status, 200);
  assertEquals(await auditActionsFor(sql, check.id), ["health_check.create", "health_check.rotate_token"]);
});

Deno.test("pause, resume and run now move the schedule; heartbeats and paused checks cannot be run", async () => {
  const check = await createCheck(app, p.bob.bearer, httpCheck(shop.id, { name: "Pausable" }));
  clock = new Date(clock.getTime() + 60_000);
  await sql`UPDATE health_checks SET next_run_at = ${new Date(clock.getTime() + 30_000)}, status = 'down',
            consecutive_failures = 3 WHERE id = ${check.id}`;

  const run = await api(`/api/v1/health-checks/${check.id}/run`, "POST", p.bob.bearer);
  assertEquals(run.status, 200);
  assertEquals((await run.json()).next_run_at, clock.toISOString());

  const paused = await (await api(`/api/v1/health-checks/${check.id}/pause`, "POST", p.bob.bearer)).json();
  assertEquals(paused.paused, true);
  await problem(await api(`/api/v1/health-checks/${check.id}/run`, "POST", p.bob.bearer), 409);

  clock = new Date(clock.getTime() + 60_000);
  const resumed = await (await api(`/api/v1/health-checks/${check.id}/resume`, "POST", p.bob.bearer)).json();
  assertEquals([resumed.paused, resumed.status, resumed.consecutive_failures], [false, "unknown", 0]);
  assertEquals(resumed.next_run_at, clock.toISOString());
  assertEquals(await auditActionsFor(sql, check.id), [
    "health_check.create",
    "health_check.run",
    "health_check.pause",
    "health_check.resume",
  ]);

  const beat = await createCheck(app, p.bob.bearer, { project_id: shop.id, name: "Cron", type: "heartbeat" });
  await problem(await api(`/api/v1/health-checks/${beat.id}/run`, "POST", p.bob.bearer), 409);
});

Deno.test("PATCH changes fields, clears with null, and refuses a type change, itself or a loop as a parent", async () => {
  const a = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "A", keyword: "ok" }));
  const b = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "B", depends_on_id: a.id }));
  const patch = (id: string, body: unknown) => api(`/api/v1/health-checks/${id}`, "PATCH", p.alice.bearer, body);

  const changed = await patch(a.id, { name: "A2", keyword: null, interval_seconds: 120 });
  assertEquals(changed.status, 200);
  const json = await changed.json();
  assertEquals([json.name, json.keyword, json.interval_seconds], ["A2", null, 120]);

  const paths = async (res: Response) => (await problem(res, 422)).errors.map((e: { path: string }) => e.path);
  assertEquals(await paths(await patch(a.id, { type: "tcp" })), [""]);
  assertEquals(await paths(await patch(a.id, { depends_on_id: a.id })), ["depends_on_id"]);
  assertEquals(await paths(await patch(a.id, { depends_on_id: b.id })), ["depends_on_id"]);
  assertEquals(await paths(await patch(a.id, { host: "db.example.com" })), ["host"]);
  assertEquals(await paths(await patch(a.id, { url: "http://[::ffff:169.254.169.254]/" })), ["url"]);
  assertEquals(await paths(await patch(a.id, { json_expected: "ok" })), ["json_path"]);
  assertEquals(await auditActionsFor(sql, a.id), ["health_check.create", "health_check.update"]);
});

Deno.test("DELETE needs health_checks:delete; it removes the check, its results, and frees its dependants", async () => {
  const parent = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "LB" }));
  const child = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Site", depends_on_id: parent.id }));
  await insertResults(sql, p.tenant.id, parent.id, [{
    status: "up",
    latencyMs: 20,
    at: new Date(clock.getTime() - 1000),
  }]);

  await problem(await api(`/api/v1/health-checks/${parent.id}`, "DELETE", p.bob.bearer), 403);
  const res = await api(`/api/v1/health-checks/${parent.id}`, "DELETE", p.alice.bearer);
  assertEquals(res.status, 204);
  await problem(await api(`/api/v1/health-checks/${parent.id}`, "GET", p.alice.bearer), 404);
  const [{ n }] = await sql`SELECT count(*)::int AS n FROM check_results WHERE check_id = ${parent.id}`;
  assertEquals(n, 0);
  assertEquals(
    (await (await api(`/api/v1/health-checks/${child.id}`, "GET", p.alice.bearer)).json()).depends_on_id,
    null,
  );
  assertEquals(await auditActionsFor(sql, parent.id), ["health_check.create", "health_check.delete"]);
});

Deno.test("results come newest first in cursor pages, filtered by status; the check shows its last result and uptime", async () => {
  const check = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "With history" }));
  const base = clock.getTime() - 10 * 60_000;
  await insertResults(
    sql,
    p.tenant.id,
    check.id,
    Array.from({ length: 5 }, (_, i) => ({
      status: i === 3 ? "down" as const : "up" as const,
      latencyMs: 100 + i,
      at: new Date(base + i * 60_000),
      detail: i === 3 ? "expected status 200, got 500" : undefined,
    })),
  );
  const first = await (await api(`/api/v1/health-checks/${check.id}/results?limit=2`, "GET", p.alice.bearer)).json();
  assertEquals(first.data.map((r: { latency_ms: number }) => r.latency_ms), [104, 103]);
  assertEquals(first.data[1].status, "down");
  const second = await (await api(
    `/api/v1/health-checks/${check.id}/results?limit=2&cursor=${first.next_cursor}`,
    "GET",
    p.alice.bearer,
  )).json();
  assertEquals(second.data.map((r: { latency_ms: number }) => r.latency_ms), [102, 101]);
  const downs = await (await api(`/api/v1/health-checks/${check.id}/results?status=down`, "GET", p.alice.bearer))
    .json();
  assertEquals(downs.data.length, 1);

  const got = await (await api(`/api/v1/health-checks/${check.id}`, "GET", p.alice.bearer)).json();
  assertEquals([got.last_result.status, got.last_result.latency_ms], ["up", 104]);
  assertEquals(got.uptime.h24, 80);
});

Deno.test("client users see their client's checks only; another client's check is a 404, their own a 403 to change", async () => {
  const acme = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Acme only" }));
  const globex = await createCheck(app, p.alice.bearer, httpCheck(globexApp.id, { name: "Globex only" }));

  const list = await (await api("/api/v1/health-checks?limit=200", "GET", p.carol.bearer)).json();
  const projects = new Set(list.data.map((c: { project_id: string }) => c.project_id));
  assertEquals([...projects], [shop.id]);
  assert(list.data.some((c: { id: string }) => c.id === acme.id));

  await problem(await api(`/api/v1/health-checks/${globex.id}`, "GET", p.carol.bearer), 404);
  await problem(await api(`/api/v1/health-checks/${globex.id}/results`, "GET", p.carol.bearer), 404);
  await problem(await api(`/api/v1/health-checks/${globex.id}`, "PATCH", p.carol.bearer, { name: "x" }), 404);
  await problem(await api(`/api/v1/health-checks/${acme.id}/pause`, "POST", p.erin.bearer), 404);
  await problem(await api(`/api/v1/health-checks/${acme.id}`, "PATCH", p.carol.bearer, { name: "x" }), 403);
  await problem(await api("/api/v1/health-checks", "POST", p.carol.bearer, httpCheck(shop.id)), 403);
  await problem(await api(`/api/v1/health-checks/${acme.id}`, "GET", p.dave.bearer), 404);
});

Deno.test("a client user allowed to write checks may only target public addresses, on create and at every run", async () => {
  const roleRes = await api("/api/v1/roles", "POST", p.alice.bearer, {
    name: "client-monitoring",
    permissions: ["projects:read", "health_checks:read", "health_checks:write"],
  });
  assertEquals(roleRes.status, 201);
  const role = await roleRes.json();
  await sql`UPDATE users SET role_id = ${role.id} WHERE id = ${p.carol.user.id}`;
  try {
    const refused = await api("/api/v1/health-checks", "POST", p.carol.bearer, {
      ...httpCheck(shop.id),
      url: "http://10.0.0.1/health",
    });
    assertEquals((await problem(refused, 422)).errors[0].path, "url");
    await problem(await api("/api/v1/health-checks", "POST", p.carol.bearer, httpCheck(globexApp.id)), 422);
    const created = await createCheck(app, p.carol.bearer, httpCheck(shop.id, { name: "Carol's" }));
    assertEquals(created.public_targets_only, true);
    const staffEdit = await api(`/api/v1/health-checks/${created.id}`, "PATCH", p.alice.bearer, {
      url: "http://10.0.0.1/health",
    });
    assertEquals((await staffEdit.json()).public_targets_only, false);
  } finally {
    await sql`UPDATE users SET role_id = (SELECT id FROM roles WHERE tenant_id IS NULL AND name = 'client')
              WHERE id = ${p.carol.user.id}`;
  }
});

Deno.test("GET /api/v1/health-checks filters by project, status and type", async () => {
  const tcp = await createCheck(app, p.alice.bearer, {
    project_id: globexApp.id,
    name: "Postgres",
    type: "tcp",
    host: "db.globex.example.com",
    port: 5432,
  });
  await sql`UPDATE health_checks SET status = 'down' WHERE id = ${tcp.id}`;
  const get = async (q: string) =>
    (await (await api(`/api/v1/health-checks?${q}`, "GET", p.alice.bearer)).json()).data.map((c: { id: string }) =>
      c.id
    );
  assert((await get(`type=tcp`)).includes(tcp.id));
  assert(!(await get(`type=http`)).includes(tcp.id));
  assertEquals(await get(`status=down&project_id=${globexApp.id}`), [tcp.id]);
  await problem(await api("/api/v1/health-checks?status=broken", "GET", p.alice.bearer), 422);
});

Deno.test("an archived project takes no new checks (409), but its existing checks stay editable", async () => {
  const old = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Old site" });
  const check = await createCheck(app, p.alice.bearer, httpCheck(old.id, { name: "Old home" }));
  await sql`UPDATE projects SET archived_at = now() WHERE id = ${old.id}`;
  await problem(await api("/api/v1/health-checks", "POST", p.alice.bearer, httpCheck(old.id)), 409);
  const renamed = await api(`/api/v1/health-checks/${check.id}`, "PATCH", p.alice.bearer, {
    name: "Old home (legacy)",
  });
  assertEquals(renamed.status, 200);
  const moved = await api(`/api/v1/health-checks/${check.id}`, "PATCH", p.alice.bearer, { project_id: shop.id });
  assertEquals((await moved.json()).project_id, shop.id);
  await problem(await api(`/api/v1/health-checks/${check.id}`, "PATCH", p.alice.bearer, { project_id: old.id }), 409);
});

Deno.test("pings take their lane: an id and nosniff on the answer, hostile bodies and tokens refused plainly", async () => {
  const check = await createCheck(app, p.alice.bearer, {
    project_id: shop.id,
    name: "Hourly export",
    type: "heartbeat",
    interval_seconds: 3600,
  });
  const path = new URL(check.ping_url).pathname;
  const ok = await app.request(path, { headers: { "X-Request-Id": "cron-17" } });
  assertEquals([ok.status, await ok.text()], [200, "OK"]);
  assertEquals(ok.headers.get("X-Request-Id"), "cron-17");
  assertEquals(ok.headers.get("X-Content-Type-Options"), "nosniff");
  assertEquals(ok.headers.get("Cache-Control"), "no-store");
  // a log tail with a NUL byte: kept without it, as the result's detail
  clock = new Date(clock.getTime() + 1000);
  const nul = await app.request(`${path}/fail`, {
    method: "POST",
    body: "step 3\u0000 failed",
    headers: { "Content-Type": "text/plain" },
  });
  assertEquals(nul.status, 200);
  const state = await (await api(`/api/v1/health-checks/${check.id}`, "GET", p.alice.bearer)).json();
  assertEquals(state.last_result.detail, "step 3 failed");
  // curl -d sends a form: its fields go through the text rule like any other form
  const form = await app.request(path, {
    method: "POST",
    body: "log=a%00b",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  await problem(form, 422);
  await problem(await app.request(`/api/v1/heartbeats/hb_${"x".repeat(300)}`), 422);
  const huge = await app.request(path, { method: "POST", body: "x".repeat(2 * 1024 * 1024) });
  await problem(huge, 413);
  await problem(await app.request(path, { method: "PUT" }), 405);
});
