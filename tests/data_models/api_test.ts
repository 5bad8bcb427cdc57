/**
 * /api/v1/data-models against a real second PostgreSQL: a model joining
 * orders to customers with a calculated field, built and run through the
 * source's runner and checked against the same SQL sent to the driver; bad
 * joins and hostile expressions answered 422 naming the field with nothing
 * stored; who may define, use or see a model.
 */
import { assert, assertEquals, assertFalse, assertStringIncludes } from "@std/assert";
import { loadConfig } from "../../services/platform/config.ts";
import { closeAllSources } from "../../services/data_sources/kinds/mod.ts";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { startSourcePostgres } from "../helpers/source_postgres.ts";

const source = await startSourcePostgres();
const { app, db } = await createTestApp({
  config: loadConfig({ OPSDECK_SECRET: TEST_SECRET, OPSDECK_PROBE_ALLOW: "127.0.0.0/8" }),
});
const sql = db.sql;
const p = await genPersonas(sql);
const MODELS = "/api/v1/data-models";

async function call(method: string, path: string, body?: unknown, headers = p.alice.bearer) {
  return await app.request(path, body === undefined ? { method, headers } : jsonRequest(method, body, headers));
}

async function counts() {
  const [row] = await sql`
    SELECT (SELECT count(*)::int FROM data_models) AS models,
           (SELECT count(*)::int FROM audits WHERE action LIKE 'data_model.%') AS audits`;
  return row;
}

const created = await (await call("POST", "/api/v1/data-sources", {
  name: "Shop",
  kind: "postgresql",
  config: source.settings,
})).json();
const sourceId: string = created.id;
assertEquals((await call("POST", `/api/v1/data-sources/${sourceId}/introspect`)).status, 200);

const model = {
  data_source_id: sourceId,
  name: "Orders with customers",
  tables: [{ alias: "orders", table: "public.orders" }, { alias: "customers", table: "public.customers" }],
  joins: [{ alias: "customers", type: "inner", on: [{ left: "orders.customer_id", right: "customers.id" }] }],
  calculated_fields: [{ name: "net", expression: "orders.total * 0.8", type: "number" }],
};
const byCountry = {
  dimensions: [{ field: "customers.country" }],
  measures: [{ fn: "count" }, { fn: "sum", field: "net" }],
  sort: { output: 1, direction: "asc" },
};

Deno.test("data models over the API", async (t) => {
  try {
    let modelId = "";
    await t.step("an admin defines a model; it offers every column and the calculated field, audited", async () => {
      const res = await call("POST", MODELS, model);
      assertEquals(res.status, 201);
      const body = await res.json();
      modelId = body.id;
      const names = body.fields.map((f: { name: string }) => f.name);
      assert(names.includes("orders.created_at") && names.includes("customers.country"), names.join());
      assertEquals(body.fields.at(-1), { name: "net", type: "number", calculated: true });
      const audits = await sql`SELECT action FROM audits WHERE resource_id = ${modelId}`;
      assertEquals(audits.map((a) => a.action), ["data_model.create"]);
    });

    await t.step("the builder joins two tables, runs read-only, and matches the driver's answer", async () => {
      const res = await call("POST", `${MODELS}/${modelId}/run`, byCountry);
      assertEquals(res.status, 200);
      const body = await res.json();
      assertStringIncludes(body.query_text, 'JOIN "public"."customers" AS "customers" ON "orders"."customer_id"');
      assertStringIncludes(body.query_text, 'sum(("orders"."total" * 0.8))');
      const direct = await source.admin.unsafe(`
        SELECT c.country, count(*)::int AS n, sum(o.total * 0.8) AS net
        FROM orders o JOIN customers c ON o.customer_id = c.id GROUP BY 1 ORDER BY 1`);
      assertEquals(
        body.result.rows.map((r: unknown[]) => r.map(String)),
        direct.map((r) => [r.country, String(r.n), String(r.net)]),
      );
      assertEquals(body.result.columns.map((c: { name: string }) => c.name), ["customers_country", "count", "sum_net"]);
    });

    await t.step("filters are typed bound parameters; a wrong value is 422 naming it", async () => {
      const run = (values: Record<string, unknown>) =>
        call("POST", `${MODELS}/${modelId}/run`, {
          dimensions: [{ field: "orders.created_at", grain: "month" }],
          measures: [{ fn: "count" }],
          filters: [{ field: "customers.country", op: "eq" }, { field: "orders.created_at", op: "gte" }],
          values,
        });
      const ok = await (await run({ filter_1: "DE' OR '1'='1", filter_2: "2026-02-01" })).json();
      assertEquals(ok.result.rows, []);
      assertEquals(ok.parameters, [{ name: "filter_1", type: "text" }, { name: "filter_2", type: "timestamp" }]);
      const de = await (await run({ filter_1: "DE", filter_2: "2026-02-01" })).json();
      const [direct] = await source.admin`
        SELECT count(*)::int AS n FROM orders o JOIN customers c ON o.customer_id = c.id WHERE c.country = 'DE'`;
      assertEquals(de.result.rows.reduce((n: number, r: [string, number]) => n + Number(r[1]), 0), direct.n);
      const bad = await problem(await run({ filter_1: "DE", filter_2: "yesterday" }), 422);
      assertEquals(bad.errors.map((e: { path: string }) => e.path), ["parameters.filter_2"]);
    });

    await t.step("the built SQL saves as a saved query and runs the same", async () => {
      const built = await (await call("POST", `${MODELS}/${modelId}/build`, byCountry)).json();
      const saved = await call("POST", "/api/v1/saved-queries", { ...built, name: "By country" });
      assertEquals(saved.status, 201);
      const run = await (await call("POST", `/api/v1/saved-queries/${(await saved.json()).id}/run`, {})).json();
      const viaModel = await (await call("POST", `${MODELS}/${modelId}/run`, byCountry)).json();
      assertEquals(run.rows, viaModel.result.rows);
    });

    await t.step("bad joins and hostile expressions are 422 naming the field; nothing stored", async () => {
      const before = await counts();
      const cases: [Record<string, unknown>, string][] = [
        [{ tables: [{ alias: "orders", table: "public.nope" }], joins: [] }, "tables.0.table"],
        [
          { joins: [{ ...model.joins[0], on: [{ left: "orders.customer_id", right: "customers.nope" }] }] },
          "joins.0.on.0.right",
        ],
        [
          { joins: [{ ...model.joins[0], on: [{ left: "orders.status", right: "customers.id" }] }] },
          "joins.0.on.0.right",
        ],
        [{ joins: [] }, "tables.1.alias"],
        ...[
          "(SELECT max(total) FROM orders)",
          "pg_sleep(1000)",
          "orders.total; DROP TABLE orders",
          "orders.total -- comment",
          "orders.nope * 2",
          "version()",
          "orders.total::regclass",
        ].map((expression): [Record<string, unknown>, string] => [
          { calculated_fields: [{ name: "x", expression }] },
          "calculated_fields.0.expression",
        ]),
      ];
      for (const [override, path] of cases) {
        const body = await problem(
          await call("POST", MODELS, { ...model, name: crypto.randomUUID(), ...override }),
          422,
        );
        assertEquals(body.errors.map((e: { path: string }) => e.path), [path], JSON.stringify(override));
      }
      const patched = await problem(
        await call("PATCH", `${MODELS}/${modelId}`, { calculated_fields: [{ name: "x", expression: "pg_sleep(5)" }] }),
        422,
      );
      assertStringIncludes(patched.errors[0].message, "pg_sleep");
      assertEquals(await counts(), before);
      const unknown = await problem(
        await call("POST", `${MODELS}/${modelId}/build`, { measures: [{ fn: "sum", field: "orders.x" }] }),
        422,
      );
      assertEquals(unknown.errors[0].path, "measures.0.field");
    });

    await t.step("employees use models but do not define them; client users and other tenants get 404", async () => {
      assertEquals((await call("POST", MODELS, { ...model, name: "Bob's" }, p.bob.bearer)).status, 403);
      assertEquals((await call("PATCH", `${MODELS}/${modelId}`, { name: "x" }, p.bob.bearer)).status, 403);
      assertEquals((await call("POST", `${MODELS}/${modelId}/run`, byCountry, p.bob.bearer)).status, 200);
      for (const who of [p.carol, p.dave]) {
        for (
          const [method, path, body] of [["GET", `${MODELS}/${modelId}`], [
            "POST",
            `${MODELS}/${modelId}/run`,
            byCountry,
          ], ["DELETE", `${MODELS}/${modelId}`]] as const
        ) {
          assertEquals((await call(method, path, body, who.bearer)).status, 404, `${method} ${path}`);
        }
      }
      const list = await (await call("GET", MODELS, undefined, p.dave.bearer)).json();
      assertFalse(list.data.some((m: { id: string }) => m.id === modelId));
      assertEquals((await call("GET", MODELS, undefined, p.carol.bearer)).status, 404);
    });

    await t.step(
      "pages: the form saves a model, refuses a hostile expression in place, and runs the builder",
      async () => {
        const form = (fields: Record<string, string>, extra: Record<string, string> = {}): RequestInit => ({
          method: "POST",
          headers: { ...p.alice.cookie, "Content-Type": "application/x-www-form-urlencoded", ...extra },
          body: new URLSearchParams(fields).toString(),
        });
        const fields = {
          data_source_id: sourceId,
          name: "Paid orders",
          "tables.0.table": "public.orders",
          "tables.1.table": "public.customers",
          "joins.0.alias": "customers",
          "joins.0.type": "left",
          "joins.0.on.0.left": "orders.customer_id",
          "joins.0.on.0.right": "customers.id",
          "calculated_fields.0.name": "big",
          "calculated_fields.0.expression": "CASE WHEN orders.total > 100 THEN 'big' ELSE 'small' END",
          "calculated_fields.0.type": "text",
        };
        const before = await counts();
        const refused = await app.request(
          "/data-models",
          form({ ...fields, "calculated_fields.0.expression": "(SELECT 1)" }),
        );
        assertEquals(refused.status, 422);
        assertStringIncludes(await refused.text(), 'id="calculated_fields.0.expression-error"');
        assertEquals(await counts(), before);
        const created = await app.request("/data-models", form(fields));
        assertEquals(created.status, 303);
        const path = created.headers.get("Location")!;
        const page = await (await app.request(path, { headers: p.alice.cookie })).text();
        assertStringIncludes(page, "big (calculated, text)");
        const run = await app.request(
          `${path}/run`,
          form({ "dimensions.0.field": "big", "measures.0.fn": "count", "sort.output": "1", "sort.direction": "asc" }, {
            "HX-Request": "true",
          }),
        );
        assertEquals(run.status, 200);
        const fragment = await run.text();
        assertStringIncludes(fragment, 'id="model-run"');
        const [direct] = await source.admin`SELECT count(*)::int AS n FROM orders WHERE total > 100`;
        assertStringIncludes(fragment, `<td>big</td><td>${direct.n}</td>`);
        const editor = await app.request(`${path}/builder`, form({ "measures.0.fn": "count" }));
        assertEquals(editor.status, 200);
        assertStringIncludes(await editor.text(), "LEFT JOIN &quot;public&quot;.&quot;customers&quot;");
      },
    );

    await t.step("an admin deletes the model, audited", async () => {
      assertEquals((await call("DELETE", `${MODELS}/${modelId}`)).status, 204);
      assertEquals((await call("GET", `${MODELS}/${modelId}`)).status, 404);
      const audits = await sql`SELECT action FROM audits WHERE resource_id = ${modelId} ORDER BY created_at`;
      assertEquals(audits.at(-1)?.action, "data_model.delete");
    });
  } finally {
    await closeAllSources();
    await source.stop();
  }
});
