/**
 * Alert rules on saved queries (kind query_threshold) against a real second
 * PostgreSQL: the evaluator runs the query on the rule's own interval, opens
 * an alert when the number crosses the threshold and the dispatcher delivers
 * it to the local Slack stand-in; a failing query opens nothing but puts the
 * rule in a visible error state; query_alert_history keeps each evaluation.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { createAlertEvaluator } from "../../services/alerts/evaluator.ts";
import { closeAllSources } from "../../services/data_sources/kinds/mod.ts";
import { createDataSourceWorker } from "../../services/data_sources/worker.ts";
import { genProject } from "../helpers/catalog.ts";
import { createDispatcher } from "../../services/notifications/dispatcher.ts";
import { sendDelivery } from "../../services/notifications/send.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { silentLogger } from "../../services/platform/logger.ts";
import { alertsOf } from "../helpers/alerts.ts";
import { createTestApp } from "../helpers/app.ts";
import { genDataSource } from "../helpers/data_sources.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { startSlackStandIn } from "../helpers/slack_api.ts";
import { startSourcePostgres } from "../helpers/source_postgres.ts";

const source = await startSourcePostgres();
const slack = startSlackStandIn();
const config = loadConfig({
  OPSDECK_SECRET: TEST_SECRET,
  OPSDECK_PROBE_ALLOW: "127.0.0.0/8",
  SLACK_API_URL: slack.apiUrl,
});
let now = new Date("2026-11-10T10:00:00Z");
const clock = () => now;
const { app, db } = await createTestApp({ config, now: clock });
const sql = db.sql;
const p = await genPersonas(sql);
const background = { sql, config, logger: silentLogger, now: clock, secret: TEST_SECRET };
const evaluator = createAlertEvaluator({ ...background, instanceId: "query-alert-test" });
const workerFor = (id: string) => createDataSourceWorker({ ...background, instanceId: id });
const dispatcher = createDispatcher({ ...background, instanceId: "query-alert-test", send: sendDelivery });

async function call(method: string, path: string, body?: unknown, headers = p.alice.bearer) {
  return await app.request(path, body === undefined ? { method, headers } : jsonRequest(method, body, headers));
}

async function created(path: string, body: unknown) {
  const res = await call("POST", path, body);
  assertEquals(res.status, 201, await res.clone().text());
  return await res.json();
}

const shop = await created("/api/v1/data-sources", {
  name: "Shop",
  kind: "postgresql",
  config: source.settings,
});
const query = await created("/api/v1/saved-queries", {
  data_source_id: shop.id,
  name: "Orders by status",
  query_text: "SELECT count(*)::int AS n FROM orders WHERE status = {{status}}",
  parameters: [{ name: "status", type: "enum", values: ["paid", "refunded"], default: "refunded" }],
  is_public: false,
});
const channel = await created("/api/v1/notification-channels", {
  name: "Sales on-call",
  type: "slack",
  config: { bot_token: "xoxb-1-2-sales", channel: "C0SALES" },
});
await created("/api/v1/notification-rules", {
  event_types: ["alert.triggered"],
  channel_id: channel.id,
  mode: "immediate",
});
const ruleInput = {
  name: "Too many paid orders to ship",
  kind: "query_threshold",
  query_id: query.id,
  query_measure: "value",
  query_parameters: { status: "paid" },
  operator: "above",
  threshold: 250,
  interval_seconds: 60,
  severity: "critical",
};

async function history(ruleId: string) {
  return [
    ...await sql<{ condition_met: boolean; value: number | null; notification_sent: boolean; error: string | null }[]>`
    SELECT condition_met, value, notification_sent, error_message AS error FROM query_alert_history
    WHERE alert_rule_id = ${ruleId} ORDER BY evaluated_at`,
  ];
}

const later = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));

Deno.test("query threshold rules", async (t) => {
  try {
    await t.step("bad rules are refused naming the field, and nothing is stored", async () => {
      const before = await sql`SELECT count(*)::int AS n FROM alert_rules WHERE kind = 'query_threshold'`;
      const other = await genDataSource(sql, p.other.id);
      const cases: [Record<string, unknown>, string][] = [
        [{ interval_seconds: 30 }, "interval_seconds"],
        [{ query_parameters: { status: "lost" } }, "query_parameters.status"],
        [{ query_parameters: { country: "DE" } }, "query_parameters.country"],
        [{ query_id: other.queryId }, "query_id"],
        [{ threshold: null }, "threshold"],
        [{ query_measure: "median" }, "query_measure"],
      ];
      for (const [change, field] of cases) {
        const res = await call("POST", "/api/v1/alert-rules", { ...ruleInput, ...change });
        const body = await problem(res, 422);
        assert(body.errors.some((e: { path: string }) => e.path === field), JSON.stringify(body.errors));
      }
      // another user's private query is not theirs to watch
      const bobs = await call("POST", "/api/v1/alert-rules", ruleInput, p.bob.bearer);
      assertEquals((await problem(bobs, 422)).errors[0].path, "query_id");
      const metricOnly = await call("POST", "/api/v1/alert-rules", { ...ruleInput, window_seconds: 300 });
      assertEquals((await problem(metricOnly, 422)).errors[0].path, "window_seconds");
      const after = await sql`SELECT count(*)::int AS n FROM alert_rules WHERE kind = 'query_threshold'`;
      assertEquals(after[0].n, before[0].n);
    });

    const rule = await created("/api/v1/alert-rules", ruleInput);

    await t.step("below the threshold: evaluated, recorded, nothing opened", async () => {
      assertEquals(rule.interval_seconds, 60);
      assertEquals(rule.query_name, "Orders by status");
      assertEquals((await evaluator.tick()).metricRules, 1);
      assertEquals(await alertsOf(sql, rule.id), []);
      assertEquals(await history(rule.id), [{
        condition_met: false,
        value: 200,
        notification_sent: false,
        error: null,
      }]);
      // not due again before its interval
      later(30);
      assertEquals((await evaluator.tick()).metricRules, 0);
    });

    await t.step("crossing the threshold opens one alert, delivered to Slack", async () => {
      await source.admin`INSERT INTO orders (customer_id, total, created_at)
        SELECT 1, 10, '2026-03-01T00:00:00Z' FROM generate_series(1, 60)`;
      later(31);
      assertEquals((await evaluator.tick()).metricRules, 1);
      const [alert] = await alertsOf(sql, rule.id);
      assertEquals(alert.status, "triggered");
      assertEquals(alert.value, 260);
      assertStringIncludes(alert.summary, "Orders by status: value is 260 (above 250)");
      assertEquals((await history(rule.id)).at(-1), {
        condition_met: true,
        value: 260,
        notification_sent: true,
        error: null,
      });
      assert(await dispatcher.tick() >= 1);
      const posted = slack.calls.filter((c) => c.method === "chat.postMessage");
      assertEquals(posted.length, 1);
      assertEquals(posted[0].args.channel, "C0SALES");
      assertStringIncludes(String(posted[0].args.text), "Orders by status: value is 260");
      // still above: the open alert stays, nothing is sent again
      later(61);
      await evaluator.tick();
      assertEquals((await alertsOf(sql, rule.id)).length, 1);
      assertEquals((await history(rule.id)).at(-1)!.notification_sent, false);
    });

    await t.step("a failing query opens and resolves nothing, and the rule shows the error", async () => {
      await source.admin`REVOKE SELECT ON orders FROM reporter`;
      later(61);
      assertEquals((await evaluator.tick()).metricRules, 1);
      const [alert] = await alertsOf(sql, rule.id);
      assertEquals(alert.status, "triggered");
      const last = (await history(rule.id)).at(-1)!;
      assertEquals([last.condition_met, last.notification_sent, last.value], [false, false, null]);
      assertMatch(last.error!, /permission denied/i);
      const shown = await (await call("GET", `/api/v1/alert-rules/${rule.id}`)).json();
      assertMatch(shown.last_error, /permission denied/i);
      assertEquals(shown.last_value, 260);
      const list = await (await app.request("/alert-rules", { headers: p.alice.cookie })).text();
      assertStringIncludes(list, 'badge-down">error</span>');
      const page = await (await app.request(`/alert-rules/${rule.id}`, { headers: p.alice.cookie })).text();
      assertStringIncludes(page, "The query failed, so this rule opens no alert until it runs again");
    });

    await t.step("back under the threshold: the error clears and the alert resolves", async () => {
      await source.admin`GRANT SELECT ON orders TO reporter`;
      await source.admin`DELETE FROM orders WHERE created_at = '2026-03-01T00:00:00Z'`;
      later(61);
      await evaluator.tick();
      const [alert] = await alertsOf(sql, rule.id);
      assertEquals(alert.status, "resolved");
      const shown = await (await call("GET", `/api/v1/alert-rules/${rule.id}`)).json();
      assertEquals([shown.last_error, shown.last_value], [null, 200]);
    });

    await t.step("change_percent compares with the previous run, on the row count", async () => {
      const rows = await created("/api/v1/saved-queries", {
        data_source_id: shop.id,
        name: "Customers",
        query_text: "SELECT id FROM customers",
        parameters: [],
        is_public: true,
      });
      const growth = await created("/api/v1/alert-rules", {
        name: "Customer growth",
        kind: "query_threshold",
        query_id: rows.id,
        query_measure: "row_count",
        operator: "change_percent",
        threshold: 50,
        interval_seconds: 60,
      });
      await evaluator.tick();
      assertEquals(await alertsOf(sql, growth.id), []);
      await source.admin`INSERT INTO customers (name, created_at)
        SELECT 'New ' || i, '2026-03-01T00:00:00Z' FROM generate_series(1, 20) i`;
      later(61);
      await evaluator.tick();
      const [alert] = await alertsOf(sql, growth.id);
      assertStringIncludes(alert.summary, "Customers: row count changed +66.67% since the last run");
    });

    await t.step("collect into a metric: the query's number becomes a metric point of the project", async () => {
      const project = await genProject(sql, p.tenant.id, p.clients.acme.id);
      const theirs = await genProject(sql, p.other.id, p.clients.otherClient.id);
      const path = `/api/v1/saved-queries/${query.id}`;
      const collect = { project_id: project.id, metric_type: "shop.paid_orders", interval_seconds: 60 };
      const foreign = await call("PATCH", path, { collect: { ...collect, project_id: theirs.id } });
      assertEquals((await problem(foreign, 422)).errors[0].path, "collect.project_id");
      const wrong = await call("PATCH", path, { collect: { ...collect, parameters: { status: "lost" } } });
      assertEquals((await problem(wrong, 422)).errors[0].path, "collect.parameters.status");
      const set = await call("PATCH", path, { collect: { ...collect, parameters: { status: "paid" } } });
      assertEquals(set.status, 200, await set.clone().text());
      assertEquals((await set.json()).collect.metric_type, "shop.paid_orders");
      const points = async () => [
        ...await sql<{ value: number; recorded_at: Date }[]>`
          SELECT value, recorded_at FROM metric_snapshots WHERE project_id = ${project.id} AND type = 'shop.paid_orders'
          ORDER BY recorded_at`,
      ];
      const [one, two] = [workerFor("one"), workerFor("two")];
      const [a, b] = await Promise.all([one.tick(), two.tick()]);
      assertEquals(a.collected + b.collected, 1, "two workers, one run");
      assertEquals(await points(), [{ value: 200, recorded_at: now }]);
      await source.admin`INSERT INTO orders (customer_id, total, created_at) VALUES (1, 5, '2026-03-02T00:00:00Z')`;
      later(61);
      await one.tick();
      assertEquals((await points()).map((x) => x.value), [200, 201]);
      // a failure writes no point and is shown on the query
      await source.admin`REVOKE SELECT ON orders FROM reporter`;
      later(61);
      assertEquals((await one.tick()).failed, 1);
      assertEquals((await points()).length, 2);
      assertMatch((await (await call("GET", path)).json()).collect.last_error, /permission denied/i);
      await source.admin`GRANT SELECT ON orders TO reporter`;
      await call("PATCH", path, { collect: null });
      later(61);
      assertEquals((await one.tick()).collected, 0);
    });

    await t.step("connected sources are re-read daily, by one worker", async () => {
      assertEquals((await (await call("POST", `/api/v1/data-sources/${shop.id}/test`)).json()).ok, true);
      const [a, b] = await Promise.all([workerFor("one").tick(), workerFor("two").tick()]);
      assertEquals(a.introspected + b.introspected, 1);
      const read = await (await call("GET", `/api/v1/data-sources/${shop.id}`)).json();
      assertEquals(read.last_sync, now.toISOString());
      later(3600);
      assertEquals((await workerFor("one").tick()).introspected, 0);
      later(86_400);
      assertEquals((await workerFor("one").tick()).introspected, 1);
      const [audit] = await sql`
        SELECT actor_label FROM audits WHERE resource_id = ${shop.id} AND action = 'data_source.introspect'
        ORDER BY created_at DESC LIMIT 1`;
      assertEquals(audit.actor_label, "system:data-sources");
    });

    await t.step("the query builder writes quoted SQL from the schema; saved and run with a bound filter", async () => {
      const path = `/api/v1/data-sources/${shop.id}/build`;
      const spec = {
        table: "public.orders",
        dimensions: [{ column: "created_at", grain: "month" }],
        measures: [{ fn: "count" }, { fn: "sum", column: "total" }],
        filters: [{ column: "status", op: "eq" }],
        sort: { output: 1, direction: "asc" },
        limit: 5,
      };
      const built = await (await call("POST", path, spec)).json();
      assertEquals(
        built.query_text,
        `SELECT date_trunc('month', "created_at") AS "created_at_month", count(*) AS "count", ` +
          `sum("total") AS "sum_total"\nFROM "public"."orders"\nWHERE "status" = {{filter_1}}\nGROUP BY 1\n` +
          "ORDER BY 1 ASC\nLIMIT 5",
      );
      assertEquals(built.parameters, [{ name: "filter_1", type: "text" }]);
      const saved = await created("/api/v1/saved-queries", {
        data_source_id: shop.id,
        name: "Orders by month",
        ...built,
      });
      const result = await (await call("POST", `/api/v1/saved-queries/${saved.id}/run`, {
        parameters: { filter_1: "paid" },
      })).json();
      assertEquals(result.columns.map((c: { name: string }) => c.name), ["created_at_month", "count", "sum_total"]);
      assertEquals(result.rows.reduce((n: number, r: unknown[]) => n + Number(r[1]), 0), 201);
      const refusals: [Record<string, unknown>, string][] = [
        [{ table: "public.nope" }, "table"],
        [{ dimensions: [{ column: 'status" FROM users; --' }] }, "dimensions.0.column"],
        [{ dimensions: [{ column: "status", grain: "day" }] }, "dimensions.0.grain"],
        [{ measures: [{ fn: "avg", column: "nope" }] }, "measures.0.column"],
        [{ sort: { output: 9, direction: "asc" } }, "sort.output"],
      ];
      for (const [change, field] of refusals) {
        const body = await problem(await call("POST", path, { ...spec, ...change }), 422);
        assertEquals(body.errors[0].path, field);
      }
      await problem(await call("POST", path, spec, p.carol.bearer), 404);
    });

    await t.step("the builder page: pick a table, then columns; Build opens the editor with the SQL", async () => {
      const page = await (await app.request(`/data-sources/${shop.id}/builder?table=public.orders`, {
        headers: p.alice.cookie,
      })).text();
      assertStringIncludes(page, 'name="dimensions.0.column"');
      assertStringIncludes(page, '<option value="created_at">created_at (timestamp with time zone)</option>');
      const form = (fields: Record<string, string>): RequestInit => ({
        method: "POST",
        headers: { ...p.alice.cookie, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      });
      const fields = {
        table: "public.orders",
        "dimensions.0.column": "created_at",
        "dimensions.0.grain": "week",
        "measures.0.fn": "count",
        "filters.0.column": "status",
        "filters.0.op": "eq",
        limit: "10",
      };
      const built = await app.request(`/data-sources/${shop.id}/builder`, form(fields));
      assertEquals(built.status, 200);
      const editor = await built.text();
      assertStringIncludes(editor, "date_trunc(");
      assertStringIncludes(editor, "{{filter_1}}");
      assertStringIncludes(editor, "filter_1 text");
      const refused = await app.request(
        `/data-sources/${shop.id}/builder`,
        form({ ...fields, "dimensions.0.column": "status" }),
      );
      assertEquals(refused.status, 422);
      assertStringIncludes(await refused.text(), "needs a date or timestamp column");
    });

    await t.step("deleting the saved query deletes its rules", async () => {
      assertEquals((await call("DELETE", `/api/v1/saved-queries/${query.id}`)).status, 204);
      assertEquals((await call("GET", `/api/v1/alert-rules/${rule.id}`)).status, 404);
    });
  } finally {
    await evaluator.stop();
    await dispatcher.stop();
    await closeAllSources();
    await source.stop();
    await slack.stop();
  }
});
