/** Event-driven rules: every kind opens exactly one alert, held-back events open none, recoveries resolve. */
import { assertEquals, assertStringIncludes } from "@std/assert";
import type { Sql } from "../../db/client.ts";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { created } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { alertEvents, alertsOf, checkEvent, deploymentEvent, fire, genCheck, historyOf } from "../helpers/alerts.ts";
import { emitEvent } from "../../services/events/emit.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const t = p.tenant.id;
const shop = await genProject(sql, t, p.clients.acme.id, { name: "Acme shop" });
const other = await genProject(sql, t, p.clients.globex.id, { name: "Globex site" });

const rule = (body: Record<string, unknown>) =>
  created(app, "/api/v1/alert-rules", p.alice.bearer, { name: `Rule ${crypto.randomUUID().slice(0, 6)}`, ...body });

Deno.test("check_down: a down event opens one alert, repeated downs keep it, up resolves it", async () => {
  const check = await genCheck(sql, t, shop.id);
  const r = await rule({ kind: "check_down", project_id: shop.id, severity: "critical" });
  await fire(sql, checkEvent("health_check.down", check, t));
  await fire(sql, checkEvent("health_check.down", check, t));
  let alerts = await alertsOf(sql, r.id);
  assertEquals(alerts.length, 1);
  assertEquals([alerts[0].status, alerts[0].subject_key], ["triggered", `check:${check.id}`]);
  assertEquals(alerts[0].summary, "Storefront homepage is down: HTTP 503");
  await fire(sql, checkEvent("health_check.up", check, t));
  alerts = await alertsOf(sql, r.id);
  assertEquals(alerts[0].status, "resolved");
  assertEquals(await historyOf(sql, alerts[0].id), [
    [null, "triggered", "transition", null],
    ["triggered", "resolved", "transition", null],
  ]);
  const events = await alertEvents(sql, alerts[0].id);
  assertEquals(events.map((e) => e.type), ["alert.triggered", "alert.resolved"]);
  assertEquals(events[0].payload.path, `/alerts/${alerts[0].id}`);
  assertEquals([events[0].payload.severity, events[0].payload.check_name], ["critical", "Storefront homepage"]);
  // after the recovery the next failure is a new alert
  await fire(sql, checkEvent("health_check.down", check, t));
  assertEquals((await alertsOf(sql, r.id)).map((a) => a.status), ["resolved", "triggered"]);
});

Deno.test("a rule on one check ignores the project's other checks; a tenant-wide rule sees every project", async () => {
  const watched = await genCheck(sql, t, shop.id, "API");
  const unwatched = await genCheck(sql, t, shop.id, "Docs");
  const elsewhere = await genCheck(sql, t, other.id, "Globex home");
  const one = await rule({ kind: "check_down", project_id: shop.id, check_id: watched.id });
  const all = await rule({ kind: "check_down" });
  for (const c of [watched, unwatched, elsewhere]) await fire(sql, checkEvent("health_check.down", c, t));
  assertEquals((await alertsOf(sql, one.id)).map((a) => a.subject_key), [`check:${watched.id}`]);
  assertEquals((await alertsOf(sql, all.id)).length, 3);
  await sql`UPDATE alert_rules SET enabled = false WHERE id = ${all.id}`;
});

Deno.test("held-back down events (dependency, maintenance) open no alert and page nobody", async () => {
  const check = await genCheck(sql, t, shop.id, "Behind the gateway");
  const r = await rule({ kind: "check_down", check_id: check.id });
  await fire(sql, checkEvent("health_check.down", check, t, {}, "dependency"));
  await fire(sql, checkEvent("health_check.degraded", check, t, {}, "maintenance"));
  assertEquals(await alertsOf(sql, r.id), []);
});

Deno.test("check_degraded opens on degraded, resolves on up", async () => {
  const check = await genCheck(sql, t, shop.id, "Slow search");
  const r = await rule({ kind: "check_degraded", check_id: check.id, project_id: shop.id });
  await fire(sql, checkEvent("health_check.degraded", check, t, { detail: "1840 ms > 800 ms" }));
  assertEquals((await alertsOf(sql, r.id)).map((a) => [a.status, a.summary]), [
    ["triggered", "Slow search is degraded: 1840 ms > 800 ms"],
  ]);
  await fire(sql, checkEvent("health_check.up", check, t));
  assertEquals((await alertsOf(sql, r.id)).map((a) => a.status), ["resolved"]);
});

Deno.test("heartbeat_missed opens on a miss and resolves on the next ping (up)", async () => {
  const check = await genCheck(sql, t, shop.id, "Nightly backup");
  const r = await rule({ kind: "heartbeat_missed", check_id: check.id });
  await fire(sql, checkEvent("heartbeat.missed", check, t, { detail: "no ping since 02:00" }));
  await fire(sql, checkEvent("heartbeat.missed", check, t));
  assertEquals((await alertsOf(sql, r.id)).map((a) => a.summary), [
    "Nightly backup missed its heartbeat: no ping since 02:00",
  ]);
  await fire(sql, checkEvent("health_check.up", check, t));
  assertEquals((await alertsOf(sql, r.id)).map((a) => a.status), ["resolved"]);
});

Deno.test("certificate_expiring fires only within days_before", async () => {
  const check = await genCheck(sql, t, shop.id, "TLS shop");
  const r = await rule({ kind: "certificate_expiring", check_id: check.id, days_before: 7 });
  await fire(sql, checkEvent("certificate.expiring", check, t, { days_left: 13 }));
  assertEquals(await alertsOf(sql, r.id), []);
  await fire(sql, checkEvent("certificate.expiring", check, t, { days_left: 6 }));
  const [alert] = await alertsOf(sql, r.id);
  assertEquals([alert.status, alert.value], ["triggered", 6]);
  assertStringIncludes(alert.summary, "expires in 6 days");
});

Deno.test("deployment_failed: per environment; a later success there resolves it", async () => {
  const prod = await rule({ kind: "deployment_failed", project_id: shop.id, environment: "Production" });
  const any = await rule({ kind: "deployment_failed", project_id: shop.id });
  await fire(sql, deploymentEvent("deployment.failed", t, shop.id, "staging"));
  assertEquals(await alertsOf(sql, prod.id), []);
  assertEquals((await alertsOf(sql, any.id)).map((a) => a.subject_key), [`deployment:${shop.id}:staging`]);
  await fire(sql, deploymentEvent("deployment.failed", t, shop.id, "production"));
  await fire(sql, deploymentEvent("deployment.failed", t, shop.id, "production"));
  const [alert] = await alertsOf(sql, prod.id);
  assertEquals(alert.summary, "Deployment of Acme shop to production failed");
  await fire(sql, deploymentEvent("deployment.succeeded", t, shop.id, "production"));
  assertEquals((await alertsOf(sql, prod.id)).map((a) => a.status), ["resolved"]);
  // staging is still failed
  assertEquals((await alertsOf(sql, any.id)).map((a) => [a.subject_key.split(":").at(-1), a.status]), [
    ["staging", "triggered"],
    ["production", "resolved"],
  ]);
});

Deno.test("two transactions racing on the same transition open one alert", async () => {
  const check = await genCheck(sql, t, shop.id, "Raced");
  const r = await rule({ kind: "check_down", check_id: check.id });
  const ctx = { actor: null, actorLabel: "system:test", ip: null, userAgent: null, now: new Date() };
  // Both transactions insert before either commits: the second waits on the unique index, then finds the first.
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const racer = (wait: boolean) =>
    sql.begin(async (tx) => {
      await emitEvent(tx as unknown as Sql, ctx, checkEvent("health_check.down", check, t));
      if (wait) await gate;
    });
  const first = racer(true);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const second = racer(false);
  await new Promise((resolve) => setTimeout(resolve, 200));
  release();
  await Promise.all([first, second]);
  const alerts = await alertsOf(sql, r.id);
  assertEquals(alerts.length, 1);
  const triggered = await sql`
    SELECT count(*)::int AS n FROM events WHERE type = 'alert.triggered' AND subject_id = ${alerts[0].id}`;
  assertEquals(triggered[0].n, 1);
});

Deno.test("another tenant's events never open this tenant's alerts", async () => {
  const r = await rule({ kind: "check_down" });
  const theirs = await genProject(sql, p.other.id, p.clients.otherClient.id, { name: "Initech" });
  const check = await genCheck(sql, p.other.id, theirs.id);
  await fire(sql, checkEvent("health_check.down", check, p.other.id));
  assertEquals(await alertsOf(sql, r.id), []);
  await sql`UPDATE alert_rules SET enabled = false WHERE id = ${r.id}`;
});
