/**
 * /metrics: process, build, database and domain metrics, the optional token,
 * probes kept out of the info log, and the alerting rules of
 * docs/alerting-on-opsdeck.md naming only metrics that exist.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { loadConfig } from "../../services/platform/config.ts";
import { buildTestApp } from "../helpers/app.ts";
import { insertCheck, scheduler, schedulerWorld, scriptedProbe } from "../helpers/checks_scheduler.ts";

const SECRET = "test-secret-test-secret-test-secret-0000";
const TOKEN = "metrics-token-0123456789";

/** Metric names in a text exposition, from its TYPE lines. */
function exposedNames(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
}

/** Metric names in the PromQL of the rules document (`expr:` lines of its yaml blocks). */
async function namesInRules(): Promise<Set<string>> {
  const doc = await Deno.readTextFile(new URL("../../docs/alerting-on-opsdeck.md", import.meta.url));
  const exprs = [...doc.matchAll(/^\s+expr: (.+)$/gm)].map((m) => m[1]);
  assert(exprs.length >= 15, `only ${exprs.length} rules`);
  const names = exprs.flatMap((e) => [...e.matchAll(/\b((?:opsdeck|process)_[a-z_]+)/g)].map((m) => m[1]));
  return new Set(names.map((n) => n.replace(/_(bucket|sum|count)$/, "")));
}

Deno.test("/metrics exposes process, database and domain metrics; workers report into it", async () => {
  const w = await schedulerWorld();
  const { app, deps } = await buildTestApp(w.sql, { now: w.clock.now });
  const probe = scriptedProbe();
  await insertCheck(w, { url: "http://127.0.0.1:9/down" });
  probe.set("http://127.0.0.1:9/down", { status: "down", statusCode: 500 });
  // The first is due now (T0); this one months before, so also overdue, until the scheduler runs them.
  await insertCheck(w, { next_run_at: new Date("2026-01-01T00:00:00Z") });
  const before = await (await app.request("/metrics")).text();
  assertStringIncludes(before, 'opsdeck_checks{state="due"} 2');
  assertStringIncludes(before, 'opsdeck_checks{state="overdue"} 1');
  assertStringIncludes(before, 'opsdeck_outbox_deliveries{kind="webhook",status="dead"} 0');
  assertStringIncludes(before, 'opsdeck_alerts_open{severity="critical"} 0');

  await scheduler(w, { probe: probe.probe, telemetry: deps.metrics.workers }).tick();
  const res = await app.request("/metrics");
  assertEquals(res.status, 200);
  assertStringIncludes(res.headers.get("content-type")!, "text/plain; version=0.0.4");
  const text = await res.text();
  assertStringIncludes(text, 'opsdeck_probes_total{type="http"} 2');
  assertStringIncludes(text, 'opsdeck_probe_failures_total{type="http"} 1');
  assertStringIncludes(text, "opsdeck_scheduler_lag_seconds_count 2");
  assertStringIncludes(text, 'opsdeck_checks{state="due"} 0');
  assertStringIncludes(text, 'opsdeck_checks{state="overdue"} 0');
  assertStringIncludes(text, 'opsdeck_build_info{deno="');
  assert(/^process_resident_memory_bytes [1-9]\d+$/m.test(text), "rss");
  assert(/^process_open_fds [1-9]\d*$/m.test(text), "fds");
  assert(/^process_cpu_seconds_total \d/m.test(text), "cpu");
  assert(/^opsdeck_heap_used_bytes [1-9]\d+$/m.test(text), "heap");
  assertStringIncludes(text, "# TYPE opsdeck_event_loop_lag_seconds gauge");
  assertStringIncludes(text, "# TYPE opsdeck_db_request_wait_seconds histogram");
  assertStringIncludes(text, "# TYPE opsdeck_db_errors_total counter");
});

Deno.test("every metric the alerting rules use is exposed by /metrics", async () => {
  const { app } = await buildTestApp((await schedulerWorld()).sql);
  const exposed = exposedNames(await (await app.request("/metrics")).text());
  const missing = [...await namesInRules()].filter((name) => !exposed.has(name));
  assertEquals(missing, []);
});

Deno.test("OPSDECK_METRICS_TOKEN guards /metrics; probes skip the info log", async () => {
  const w = await schedulerWorld();
  const config = loadConfig({ OPSDECK_SECRET: SECRET, OPSDECK_METRICS_TOKEN: TOKEN });
  const { app, logs } = await buildTestApp(w.sql, { config });
  const anonymous = await app.request("/metrics");
  assertEquals(anonymous.status, 401);
  assertEquals(anonymous.headers.get("content-type"), "application/problem+json");
  await anonymous.body?.cancel();
  assertEquals(
    (await app.request("/metrics", { headers: { Authorization: "Bearer wrong-token-0123456789" } })).status,
    401,
  );
  const scrape = await app.request("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } });
  assertEquals(scrape.status, 200);
  await scrape.body?.cancel();
  await (await app.request("/healthz")).body?.cancel();
  await (await app.request("/readyz")).body?.cancel();
  await (await app.request("/api/v1/clients")).body?.cancel();
  const requestLines = logs.filter((l) => l.msg === "request");
  assertEquals(
    requestLines.map((l) => [l.path, l.level]),
    [["/metrics", "debug"], ["/metrics", "debug"], ["/metrics", "debug"], ["/healthz", "debug"], ["/readyz", "debug"], [
      "/api/v1/clients",
      "info",
    ]],
  );
});
