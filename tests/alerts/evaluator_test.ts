/** The evaluator with a controllable clock: snooze wake-up, repeats, one escalation, metric thresholds. */
import { assertEquals, assertLess, assertStringIncludes } from "@std/assert";
import { createAlertEvaluator } from "../../services/alerts/evaluator.ts";
import type { WorkerMetrics } from "../../services/runtime/telemetry/worker_metrics.ts";
import { acknowledgeAlert, snoozeAlert } from "../../services/alerts/lifecycle.ts";
import { principalFromSession } from "../../services/auth/sessions.ts";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { created } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import {
  alertEvents,
  alertsOf,
  checkEvent,
  evaluatorDeps,
  evaluatorFor,
  fakeClock,
  fire,
  genChannel,
  genCheck,
  historyOf,
} from "../helpers/alerts.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const t = p.tenant.id;
const shop = await genProject(sql, t, p.clients.acme.id, { name: "Acme shop" });
const api = await genProject(sql, t, p.clients.globex.id, { name: "Globex API" });
const alice = (await principalFromSession(sql, p.alice.token, new Date()))!;

const rule = (body: Record<string, unknown>) =>
  created(app, "/api/v1/alert-rules", p.alice.bearer, { name: `Rule ${crypto.randomUUID().slice(0, 6)}`, ...body });
const ctxAt = (now: Date) => ({ actor: alice, ip: null, userAgent: null, now });

async function openAt(ruleBody: Record<string, unknown>, clock: ReturnType<typeof fakeClock>) {
  const check = await genCheck(sql, t, shop.id, `Check ${crypto.randomUUID().slice(0, 6)}`);
  const r = await rule({ kind: "check_down", check_id: check.id, ...ruleBody });
  await fire(sql, checkEvent("health_check.down", check, t), clock.now());
  const [alert] = await alertsOf(sql, r.id);
  return { rule: r, alert };
}

const triggeredEvents = async (alertId: string) =>
  (await alertEvents(sql, alertId)).filter((e) => e.type === "alert.triggered").map((e) => e.payload.reason ?? "open");

Deno.test("a snoozed alert wakes at snoozed_until: triggered again, re-notified, history by the system", async () => {
  const clock = fakeClock();
  const { alert } = await openAt({}, clock);
  const evaluator = evaluatorFor(sql, clock.now);
  clock.advance(1);
  const until = new Date(clock.now().getTime() + 60 * 60_000);
  await snoozeAlert(sql, alice, alert.id, { until, comment: "after lunch" }, ctxAt(clock.now()));
  clock.advance(59);
  assertEquals((await evaluator.tick()).woken, 0);
  clock.advance(1);
  assertEquals((await evaluator.tick()).woken, 1);
  assertEquals((await alertsOf(sql, alert.rule_id))[0].status, "triggered");
  assertEquals(await historyOf(sql, alert.id), [
    [null, "triggered", "transition", null],
    ["triggered", "snoozed", "transition", p.alice.user.id],
    ["snoozed", "triggered", "transition", null],
  ]);
  assertEquals(await triggeredEvents(alert.id), ["open", "snooze_ended"]);
  assertEquals((await evaluator.tick()).woken, 0);
});

Deno.test("repeat every N minutes while triggered; acknowledging stops it", async () => {
  const clock = fakeClock();
  const { alert } = await openAt({ repeat_interval_minutes: 30 }, clock);
  const evaluator = evaluatorFor(sql, clock.now);
  clock.advance(29);
  assertEquals((await evaluator.tick()).repeated, 0);
  clock.advance(1);
  assertEquals((await evaluator.tick()).repeated, 1);
  assertEquals((await evaluator.tick()).repeated, 0);
  clock.advance(30);
  assertEquals((await evaluator.tick()).repeated, 1);
  assertEquals(await triggeredEvents(alert.id), ["open", "repeat", "repeat"]);
  await acknowledgeAlert(sql, alice, alert.id, {}, ctxAt(clock.now()));
  clock.advance(120);
  assertEquals((await evaluator.tick()).repeated, 0);
  const renotified = (await historyOf(sql, alert.id)).filter((h) => h[2] === "renotified");
  assertEquals(renotified.length, 2);
});

Deno.test("escalation to a second channel: exactly one delivery, even with two evaluators", async () => {
  const clock = fakeClock();
  const channel = await genChannel(sql, t);
  const { alert } = await openAt({ escalate_after_minutes: 15, escalation_channel_id: channel.id }, clock);
  const one = evaluatorFor(sql, clock.now, "one");
  const two = evaluatorFor(sql, clock.now, "two");
  clock.advance(14);
  assertEquals((await one.tick()).escalated, 0);
  clock.advance(1);
  const [a, b] = await Promise.all([one.tick(), two.tick()]);
  assertEquals(a.escalated + b.escalated, 1);
  clock.advance(60);
  assertEquals((await one.tick()).escalated, 0);
  const deliveries = await sql`
    SELECT event_type, payload, alert_id FROM notification_deliveries WHERE channel_id = ${channel.id}`;
  assertEquals(deliveries.length, 1);
  assertEquals([deliveries[0].event_type, deliveries[0].alert_id], ["alert.triggered", alert.id]);
  assertEquals(deliveries[0].payload.reason, "escalation");
  const escalated = (await historyOf(sql, alert.id)).filter((h) => h[2] === "escalated");
  assertEquals(escalated.length, 1);
});

Deno.test("no escalation once acknowledged; without a channel escalation re-notifies", async () => {
  const clock = fakeClock();
  const acked = await openAt({ escalate_after_minutes: 10 }, clock);
  const quiet = await openAt({ escalate_after_minutes: 10 }, clock);
  await acknowledgeAlert(sql, alice, acked.alert.id, {}, ctxAt(clock.now()));
  clock.advance(10);
  assertEquals((await evaluatorFor(sql, clock.now).tick()).escalated, 1);
  assertEquals(await triggeredEvents(quiet.alert.id), ["open", "escalation"]);
  assertEquals(await triggeredEvents(acked.alert.id), ["open"]);
});

async function points(projectId: string, type: string, values: [number, number][], now: Date) {
  for (const [minutesAgo, value] of values) {
    const at = new Date(now.getTime() - minutesAgo * 60_000);
    await sql`INSERT INTO metric_snapshots (tenant_id, project_id, type, value, recorded_at)
              VALUES (${t}, ${projectId}, ${type}, ${value}, ${at})`;
  }
}

Deno.test("metric above: the window's average opens one alert, a later good window resolves it", async () => {
  const clock = fakeClock(new Date(Date.now() + 60_000));
  const r = await rule({
    kind: "metric_threshold",
    project_id: shop.id,
    metric_type: "http.p95_ms",
    operator: "above",
    threshold: 800,
    window_seconds: 300,
  });
  await points(shop.id, "http.p95_ms", [[4, 700], [3, 900], [2, 1000]], clock.now());
  const evaluator = evaluatorFor(sql, clock.now);
  assertEquals((await evaluator.tick()).metricRules, 1);
  let alerts = await alertsOf(sql, r.id);
  assertEquals([alerts.length, alerts[0].status, Math.round(alerts[0].value!)], [1, "triggered", 867]);
  assertStringIncludes(alerts[0].summary, "http.p95_ms averaged 866.67 on Acme shop over 5 min (above 800)");
  // not due again before a minute has passed; then still breaching: still one alert
  assertEquals((await evaluator.tick()).metricRules, 0);
  clock.advance(1);
  await evaluator.tick();
  assertEquals((await alertsOf(sql, r.id)).length, 1);
  clock.advance(10);
  await points(shop.id, "http.p95_ms", [[2, 300], [1, 350]], clock.now());
  await evaluator.tick();
  alerts = await alertsOf(sql, r.id);
  assertEquals(alerts.map((a) => a.status), ["resolved"]);
});

Deno.test("metric below, tenant-wide: each project is its own subject", async () => {
  const clock = fakeClock(new Date(Date.now() + 60_000));
  const r = await rule({
    kind: "metric_threshold",
    metric_type: "orders.per_min",
    operator: "below",
    threshold: 5,
    window_seconds: 600,
  });
  await points(shop.id, "orders.per_min", [[5, 2], [3, 1]], clock.now());
  await points(api.id, "orders.per_min", [[5, 20], [3, 30]], clock.now());
  await evaluatorFor(sql, clock.now).tick();
  assertEquals((await alertsOf(sql, r.id)).map((a) => a.subject_key), [`project:${shop.id}`]);
});

Deno.test("metric change_percent compares the window with the one before; a drop needs a negative threshold", async () => {
  const clock = fakeClock(new Date(Date.now() + 60_000));
  const rise = await rule({
    kind: "metric_threshold",
    project_id: api.id,
    metric_type: "errors.count",
    operator: "change_percent",
    threshold: 50,
    window_seconds: 300,
  });
  const drop = await rule({
    kind: "metric_threshold",
    project_id: api.id,
    metric_type: "errors.count",
    operator: "change_percent",
    threshold: -50,
    window_seconds: 300,
  });
  // previous window (5–10 min ago) averages 10, the last one 16: +60 %
  await points(api.id, "errors.count", [[9, 10], [7, 10], [4, 16], [2, 16]], clock.now());
  await evaluatorFor(sql, clock.now).tick();
  const [alert] = await alertsOf(sql, rise.id);
  assertEquals([alert.status, alert.value], ["triggered", 60]);
  assertStringIncludes(alert.summary, "changed +60%");
  assertEquals(await alertsOf(sql, drop.id), []);
});

Deno.test("a project in maintenance opens no metric alert", async () => {
  const clock = fakeClock(new Date(Date.now() + 60_000));
  const calm = await genProject(sql, t, p.clients.acme.id, { name: "Calm project" });
  await sql`INSERT INTO maintenance_windows (tenant_id, project_id, title, starts_at, ends_at)
            VALUES (${t}, ${calm.id}, 'Migration', ${new Date(clock.now().getTime() - 3600_000)},
                    ${new Date(clock.now().getTime() + 3600_000)})`;
  const r = await rule({
    kind: "metric_threshold",
    project_id: calm.id,
    metric_type: "cpu.load",
    operator: "above",
    threshold: 1,
    window_seconds: 300,
  });
  await points(calm.id, "cpu.load", [[2, 9]], clock.now());
  await evaluatorFor(sql, clock.now).tick();
  assertEquals(await alertsOf(sql, r.id), []);
});

Deno.test("a claimed metric rule is due again one interval later and its lease is released", async () => {
  const clock = fakeClock(new Date(Date.now() + 60_000));
  const r = await rule({
    kind: "metric_threshold",
    project_id: shop.id,
    metric_type: "disk.used",
    operator: "above",
    threshold: 1,
  });
  const evaluator = evaluatorFor(sql, clock.now);
  assertEquals((await evaluator.tick()).metricRules, 1);
  const [row] = await sql`SELECT next_run_at, claimed_until FROM alert_rules WHERE id = ${r.id}`;
  assertEquals([row.next_run_at.getTime() - clock.now().getTime(), row.claimed_until], [60_000, null]);
});

Deno.test("a certificate_expiring alert resolves once the check sees a renewed certificate", async () => {
  const clock = fakeClock();
  const check = await genCheck(sql, t, shop.id, "TLS renewal");
  const r = await rule({ kind: "certificate_expiring", check_id: check.id, days_before: 14 });
  await fire(sql, checkEvent("certificate.expiring", check, t, { days_left: 5 }), clock.now());
  await sql`UPDATE health_checks SET cert_expires_at = ${new Date(clock.now().getTime() + 5 * 86_400_000)}
            WHERE id = ${check.id}`;
  const evaluator = evaluatorFor(sql, clock.now);
  clock.advance(1);
  assertEquals((await evaluator.tick()).renewed, 0);
  await sql`UPDATE health_checks SET cert_expires_at = ${new Date(clock.now().getTime() + 90 * 86_400_000)}
            WHERE id = ${check.id}`;
  assertEquals((await evaluator.tick()).renewed, 1);
  const [alert] = await alertsOf(sql, r.id);
  assertEquals(alert.status, "resolved");
  assertEquals((await alertEvents(sql, alert.id)).map((e) => e.type), ["alert.triggered", "alert.resolved"]);
});

Deno.test("a metric rule made through the API wakes a running evaluator at once, not a poll later", async () => {
  // A clock far in the past: this evaluator claims nothing of the other tests'; only its passes are counted.
  const passes: number[] = [];
  const evaluator = createAlertEvaluator({
    ...evaluatorDeps(sql, () => new Date(0)),
    pollMs: 60_000,
    telemetry: { tick: () => passes.push(Date.now()) } as unknown as WorkerMetrics,
  });
  evaluator.start();
  try {
    await until(() => passes.length === 1);
    // Let the LISTEN settle (its first connection also wakes the loop once).
    await new Promise((r) => setTimeout(r, 300));
    const before = passes.length;
    const madeAt = Date.now();
    await rule({
      kind: "metric_threshold",
      project_id: api.id,
      metric_type: "queue.depth",
      operator: "above",
      threshold: 5,
    });
    await until(() => passes.length > before);
    assertLess(passes.at(-1)! - madeAt, 5_000, "woken, not polled (the poll is a minute)");
  } finally {
    await evaluator.stop();
  }
});

async function until(ok: () => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (!ok()) throw new Error("gave up waiting");
}
