/** Alert rules over the API: per-kind validation, references in the tenant, audit rows, permissions. */
import { assert, assertEquals } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { auditActions, call, created } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";
import { genChannel, genCheck } from "../helpers/alerts.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const t = p.tenant.id;
const shop = await genProject(sql, t, p.clients.acme.id, { name: "Acme shop" });
const site = await genProject(sql, t, p.clients.globex.id, { name: "Globex site" });
const check = await genCheck(sql, t, shop.id);
const channel = await genChannel(sql, t);
const theirs = await genProject(sql, p.other.id, p.clients.otherClient.id, { name: "Initech" });
const theirChannel = await genChannel(sql, p.other.id);

const post = (body: unknown, headers = p.alice.bearer) => call(app, "POST", "/api/v1/alert-rules", headers, body);
const fields = (body: { errors: { path: string }[] }) => body.errors.map((e) => e.path).sort();

Deno.test("create a check_down rule on one check: defaults, escalation, one audit row", async () => {
  const res = await post({
    name: "Shop down",
    kind: "check_down",
    project_id: shop.id,
    check_id: check.id,
    severity: "critical",
    repeat_interval_minutes: 30,
    escalate_after_minutes: 15,
    escalation_channel_id: channel.id,
  });
  assertEquals(res.status, 201);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const rule = await res.json();
  assertEquals(
    [rule.kind, rule.check_name, rule.project_name, rule.enabled, rule.escalation_channel_name],
    ["check_down", "Storefront homepage", "Acme shop", true, "On-call webhook"],
  );
  assertEquals(await auditActions(sql, rule.id), ["alert_rule.create"]);
});

Deno.test("metric_threshold needs metric_type, operator and threshold; window defaults to 300 s", async () => {
  const missing = await problem(await post({ name: "CPU", kind: "metric_threshold" }), 422);
  assertEquals(fields(missing), ["metric_type", "operator", "threshold"]);
  const rule = await created(app, "/api/v1/alert-rules", p.bob.bearer, {
    name: "CPU",
    kind: "metric_threshold",
    metric_type: "cpu.load",
    operator: "above",
    threshold: 4,
  });
  assertEquals([rule.window_seconds, rule.project_id, rule.severity], [300, null, "warning"]);
});

Deno.test("fields of another kind are refused, naming each field; nothing is stored", async () => {
  const before = (await sql`SELECT count(*)::int AS n FROM alert_rules`)[0].n;
  const refused = await problem(
    await post({ name: "Mixed", kind: "deployment_failed", check_id: check.id, metric_type: "cpu", days_before: 3 }),
    422,
  );
  assertEquals(fields(refused), ["check_id", "days_before", "metric_type"]);
  const noDelay = await problem(await post({ name: "E", kind: "check_down", escalation_channel_id: channel.id }), 422);
  assertEquals(fields(noDelay), ["escalate_after_minutes"]);
  const unknown = await problem(await post({ name: "X", kind: "check_down", tenant_id: p.other.id }), 422);
  assert(unknown.detail.includes("tenant_id"));
  const badKind = await problem(await post({ name: "X", kind: "check_status" }), 422);
  assertEquals(fields(badKind), ["kind"]);
  assertEquals((await sql`SELECT count(*)::int AS n FROM alert_rules`)[0].n, before);
});

Deno.test("references must be this tenant's: project, check of that project, channel", async () => {
  const res = await problem(
    await post({
      name: "Refs",
      kind: "check_down",
      project_id: theirs.id,
      check_id: check.id,
      escalate_after_minutes: 5,
      escalation_channel_id: theirChannel.id,
    }),
    422,
  );
  assertEquals(fields(res), ["check_id", "escalation_channel_id", "project_id"]);
  const wrongProject = await problem(
    await post({ name: "R", kind: "check_down", project_id: site.id, check_id: check.id }),
    422,
  );
  assertEquals(fields(wrongProject), ["check_id"]);
});

Deno.test("PATCH edits, null clears, the kind stays; DELETE needs alert_rules:delete", async () => {
  const rule = await created(app, "/api/v1/alert-rules", p.alice.bearer, {
    name: "Deploys",
    kind: "deployment_failed",
    environment: "production",
  });
  const res = await call(app, "PATCH", `/api/v1/alert-rules/${rule.id}`, p.bob.bearer, {
    environment: null,
    enabled: false,
  });
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals([body.environment, body.enabled, body.name], [null, false, "Deploys"]);
  await problem(await call(app, "PATCH", `/api/v1/alert-rules/${rule.id}`, p.bob.bearer, { kind: "check_down" }), 422);
  // employees read and write rules but do not delete them
  await problem(await call(app, "DELETE", `/api/v1/alert-rules/${rule.id}`, p.bob.bearer), 403);
  assertEquals((await call(app, "DELETE", `/api/v1/alert-rules/${rule.id}`, p.alice.bearer)).status, 204);
  assertEquals(await auditActions(sql, rule.id), ["alert_rule.create", "alert_rule.update", "alert_rule.delete"]);
  await problem(await call(app, "GET", `/api/v1/alert-rules/${rule.id}`, p.alice.bearer), 404);
});

Deno.test("list with filters and cursor", async () => {
  const page = await (await call(app, "GET", "/api/v1/alert-rules?limit=1", p.bob.bearer)).json();
  assertEquals(page.data.length, 1);
  const next = await (await call(app, "GET", `/api/v1/alert-rules?limit=1&cursor=${page.next_cursor}`, p.bob.bearer))
    .json();
  assert(next.data[0].id !== page.data[0].id);
  const metric = await (await call(app, "GET", "/api/v1/alert-rules?kind=metric_threshold", p.bob.bearer)).json();
  assert(metric.data.length >= 1 && metric.data.every((r: { kind: string }) => r.kind === "metric_threshold"));
});

Deno.test("client users and other tenants get 404 for rules", async () => {
  const rule = await created(app, "/api/v1/alert-rules", p.alice.bearer, { name: "Hidden", kind: "check_down" });
  await problem(await call(app, "GET", "/api/v1/alert-rules", p.carol.bearer), 404);
  await problem(await call(app, "GET", `/api/v1/alert-rules/${rule.id}`, p.carol.bearer), 404);
  await problem(await post({ name: "Mine", kind: "check_down" }, p.carol.bearer), 404);
  await problem(await call(app, "GET", `/api/v1/alert-rules/${rule.id}`, p.dave.bearer), 404);
  await problem(await call(app, "PATCH", `/api/v1/alert-rules/${rule.id}`, p.dave.bearer, { enabled: false }), 404);
  await problem(await call(app, "DELETE", `/api/v1/alert-rules/${rule.id}`, p.dave.bearer), 404);
});
