/**
 * /api/v1/data-sources and /api/v1/saved-queries against a real second
 * PostgreSQL: the whole path (add, test, introspect, save a parameterised
 * query, run it as JSON and CSV), bad input answered 4xx with nothing stored,
 * and who may see what.
 */
import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
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
const SOURCES = "/api/v1/data-sources";
const QUERIES = "/api/v1/saved-queries";
const settings = source.settings;

async function call(method: string, path: string, body?: unknown, headers = p.alice.bearer) {
  return await app.request(path, body === undefined ? { method, headers } : jsonRequest(method, body, headers));
}

async function count(table: "data_sources" | "saved_queries" | "audits" | "query_metrics") {
  const [{ n }] = await sql.unsafe(`SELECT count(*)::int AS n FROM ${table}`);
  return n as number;
}

const created = await (await call("POST", SOURCES, { name: "Shop", kind: "postgresql", config: settings })).json();
const sourceId: string = created.id;
const signupsQuery = {
  data_source_id: sourceId,
  name: "Customers by country",
  query_text: "SELECT country, count(*)::int AS n FROM customers " +
    "WHERE created_at >= {{from}} AND country <> {{skip}} GROUP BY country ORDER BY country",
  parameters: [
    { name: "from", type: "timestamp" },
    { name: "skip", type: "enum", values: ["DE", "FR", "NL", "none"], default: "none" },
  ],
  is_public: true,
};

Deno.test("data sources and saved queries over the API", async (t) => {
  try {
    await t.step(
      "a created source never returns its password, which is sealed, and the create is audited",
      async () => {
        assertEquals(created.kind, "postgresql");
        assertEquals(created.status, "pending");
        assertEquals(created.has_secret, true);
        assertFalse(JSON.stringify(created).includes(source.password));
        const [row] = await sql`SELECT config, secret_ciphertext FROM data_sources WHERE id = ${sourceId}`;
        assertFalse(JSON.stringify(row.config).includes(source.password));
        assertFalse(new TextDecoder().decode(row.secret_ciphertext).includes(source.password));
        const audits = await sql`SELECT action, details FROM audits WHERE resource_id = ${sourceId}`;
        assertEquals(audits.map((a) => a.action), ["data_source.create"]);
        assertFalse(JSON.stringify(audits).includes(source.password));
      },
    );

    await t.step("test connection sets the status to connected", async () => {
      const res = await call("POST", `${SOURCES}/${sourceId}/test`);
      assertEquals(res.status, 200);
      const body = await res.json();
      assertEquals(body.ok, true);
      assertMatch(body.message, /^PostgreSQL/);
      const after = await (await call("GET", `${SOURCES}/${sourceId}`)).json();
      assertEquals(after.status, "connected");
      assert(after.last_tested_at);
    });

    await t.step("introspection stores the columns and sets last_sync", async () => {
      const res = await call("POST", `${SOURCES}/${sourceId}/introspect`);
      assertEquals(res.status, 200);
      const schema = await (await call("GET", `${SOURCES}/${sourceId}/schema`)).json();
      const tables = [...new Set(schema.data.map((c: { table_name: string }) => c.table_name))];
      assertEquals(tables, ["customers", "events", "orders"]);
      const after = await (await call("GET", `${SOURCES}/${sourceId}`)).json();
      assert(after.last_sync);
      assertEquals(after.metadata.tables, 3);
    });

    let queryId = "";
    await t.step("a parameterised query is saved and runs with typed values bound", async () => {
      const res = await call("POST", QUERIES, signupsQuery);
      assertEquals(res.status, 201);
      queryId = (await res.json()).id;
      const run = await call("POST", `${QUERIES}/${queryId}/run`, {
        parameters: { from: "2026-01-01T10:00:00Z", skip: "FR" },
      });
      assertEquals(run.status, 200);
      assertEquals(run.headers.get("Content-Type"), "application/json");
      const result = await run.json();
      assertEquals(result.columns, [{ name: "country", type: "text" }, { name: "n", type: "integer" }]);
      assertEquals(result.rows, [["DE", 7], ["NL", 7]]);
      assertEquals(result.truncated, false);
      const [metric] = await sql`SELECT query_id, rows_returned, error FROM query_metrics WHERE query_id = ${queryId}`;
      assertEquals(metric, { query_id: queryId, rows_returned: 2, error: false });
    });

    await t.step("a value that would be SQL is a bound value, not SQL", async () => {
      const run = await call("POST", `${QUERIES}/${queryId}/run`, {
        parameters: { from: "2026-01-01", skip: "none" },
      });
      assertEquals((await run.json()).rows.length, 3);
      const inj = await call("POST", `${SOURCES}/${sourceId}/query`, {
        query_text: "SELECT count(*)::int AS n FROM customers WHERE name = {{name}}",
        parameters: [{ name: "name", type: "text" }],
        values: { name: "x' OR '1'='1" },
      });
      assertEquals((await inj.json()).rows, [[0]]);
    });

    await t.step("CSV results escape formula cells", async () => {
      const res = await call("POST", `${SOURCES}/${sourceId}/query?format=csv`, {
        query_text: "SELECT '=HYPERLINK(1)' AS a, -5 AS b, 'x,y' AS c",
      });
      assertEquals(res.status, 200);
      assertEquals(res.headers.get("Content-Type"), "text/csv");
      assertEquals(await res.text(), 'a,b,c\r\n\'=HYPERLINK(1),-5,"x,y"\r\n');
    });

    await t.step("a parameter of the wrong type is 422 naming it", async () => {
      const before = await count("query_metrics");
      const body = await problem(
        await call("POST", `${QUERIES}/${queryId}/run`, { parameters: { from: "yesterday", skip: "XX" } }),
        422,
      );
      assertEquals(body.errors.map((e: { path: string }) => e.path), ["parameters.from", "parameters.skip"]);
      assertEquals(await count("query_metrics"), before);
    });

    await t.step("statements that are not one read-only SELECT are 422 on query_text, nothing stored", async (t) => {
      const bad = [
        "INSERT INTO orders (customer_id, total, created_at) VALUES (1, 1, now())",
        "UPDATE customers SET name = 'x'",
        "DELETE FROM orders",
        "DROP TABLE orders",
        "CREATE TABLE x (id int)",
        "SELECT * FROM orders FOR UPDATE",
        "SELECT 1; SELECT 2",
        "COPY orders TO STDOUT",
        "SELECT set_config('statement_timeout', '0', false)",
        "SELECT pg_sleep(1000)",
        "SELECT * FROM dblink('host=x', 'SELECT 1') AS t(a int)",
        "SELECT lo_import('/etc/passwd')",
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT * INTO copy_of_orders FROM orders",
      ];
      const before = { queries: await count("saved_queries"), audits: await count("audits") };
      for (const text of bad) {
        await t.step(text, async () => {
          const body = await problem(
            await call("POST", QUERIES, { ...signupsQuery, query_text: text, parameters: [] }),
            422,
          );
          assertEquals(body.errors[0].path, "query_text");
          const adHoc = await problem(await call("POST", `${SOURCES}/${sourceId}/query`, { query_text: text }), 422);
          assertEquals(adHoc.errors[0].path, "query_text");
        });
      }
      assertEquals({ queries: await count("saved_queries"), audits: await count("audits") }, before);
      const [{ n }] = await source.admin`SELECT count(*)::int AS n FROM orders`;
      assertEquals(n, 200);
    });

    await t.step("an undeclared {{parameter}} is 422 naming query_text", async () => {
      const body = await problem(
        await call("POST", QUERIES, { ...signupsQuery, query_text: "SELECT {{nope}}::int", parameters: [] }),
        422,
      );
      assertStringIncludes(body.errors[0].message, "{{nope}}");
    });

    await t.step("a source at Opsdeck's own database or a metadata address is 422 on config.host", async () => {
      const before = await count("data_sources");
      const own = new URL(Deno.env.get("OPSDECK_TEST_DATABASE_URL")!);
      for (const [host, port] of [[own.hostname, Number(own.port)], ["169.254.169.254", 5432]] as const) {
        const body = await problem(
          await call("POST", SOURCES, { name: `Bad ${host}`, kind: "postgresql", config: { ...settings, host, port } }),
          422,
        );
        assertEquals(body.errors[0].path, "config.host");
      }
      assertEquals(await count("data_sources"), before);
    });

    await t.step("bad settings are 422 naming the field", async () => {
      const body = await problem(
        await call("POST", SOURCES, {
          name: "X",
          kind: "postgresql",
          config: { host: "db.example", port: 5432, timeout_seconds: 61 },
        }),
        422,
      );
      const paths = body.errors.map((e: { path: string }) => e.path).sort();
      assertEquals(paths, ["config.database", "config.timeout_seconds", "config.user"]);
    });

    await t.step("a wrong password: test says so, and the status is error", async () => {
      const res = await call("PATCH", `${SOURCES}/${sourceId}`, { config: { ...settings, password: "wrong" } });
      assertEquals(res.status, 200);
      const body = await (await call("POST", `${SOURCES}/${sourceId}/test`)).json();
      assertEquals(body.ok, false);
      assertMatch(body.message, /password/);
      assertEquals((await (await call("GET", `${SOURCES}/${sourceId}`)).json()).status, "error");
      await call("PATCH", `${SOURCES}/${sourceId}`, { config: settings });
    });

    await t.step("another tenant gets 404 for the source and the query", async () => {
      for (
        const [method, path] of [
          ["GET", `${SOURCES}/${sourceId}`],
          ["POST", `${SOURCES}/${sourceId}/test`],
          ["GET", `${QUERIES}/${queryId}`],
          ["POST", `${QUERIES}/${queryId}/run`],
        ]
      ) {
        await problem(await call(method, path, method === "POST" ? {} : undefined, p.dave.bearer), 404);
      }
      // their list holds only their own built-in source
      const theirs = (await (await call("GET", SOURCES, undefined, p.dave.bearer)).json()).data;
      assertEquals(theirs.map((s: { kind: string }) => s.kind), ["opsdeck"]);
    });

    await t.step("client users see no sources and no queries", async () => {
      await problem(await call("GET", SOURCES, undefined, p.carol.bearer), 404);
      await problem(await call("GET", QUERIES, undefined, p.carol.bearer), 404);
      await problem(await call("POST", `${QUERIES}/${queryId}/run`, {}, p.carol.bearer), 404);
    });

    await t.step("a private query is its author's; a shared one only its author or an admin may change", async () => {
      const res = await call("POST", QUERIES, { ...signupsQuery, name: "Bob's", is_public: false }, p.bob.bearer);
      assertEquals(res.status, 201);
      const bobs = (await res.json()).id;
      await problem(await call("GET", `${QUERIES}/${bobs}`), 404);
      const list = await (await call("GET", QUERIES, undefined, p.bob.bearer)).json();
      assertEquals(list.data.map((q: { name: string }) => q.name).sort(), ["Bob's", "Customers by country"]);
      await problem(await call("PATCH", `${QUERIES}/${queryId}`, { name: "Mine" }, p.bob.bearer), 403);
      await problem(await call("DELETE", `${SOURCES}/${sourceId}`, undefined, p.bob.bearer), 403);
    });

    await t.step("deleting the source deletes its queries, audited", async () => {
      assertEquals((await call("DELETE", `${SOURCES}/${sourceId}`)).status, 204);
      await problem(await call("GET", `${QUERIES}/${queryId}`), 404);
      const [audit] =
        await sql`SELECT action FROM audits WHERE resource_id = ${sourceId} ORDER BY created_at DESC LIMIT 1`;
      assertEquals(audit.action, "data_source.delete");
    });
  } finally {
    await closeAllSources();
    await source.stop();
  }
});
