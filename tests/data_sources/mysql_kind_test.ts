/** The mysql kind against a real MariaDB (Debian's mariadbd): limits, read-only, policy, introspection, API path. */
import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { loadConfig, withDatabaseAddress } from "../../services/platform/config.ts";
import { closeAllSources } from "../../services/data_sources/kinds/mod.ts";
import { mysqlKind } from "../../services/data_sources/kinds/mysql/mod.ts";
import { type OpenSource, SourceError } from "../../services/data_sources/kinds/types.ts";
import { sourcePolicy } from "../../services/data_sources/target.ts";
import { ValidationError } from "../../services/platform/errors.ts";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { startSourceMariaDb } from "../helpers/source_mariadb.ts";

const maria = await startSourceMariaDb();
const config = loadConfig({ OPSDECK_SECRET: TEST_SECRET, OPSDECK_PROBE_ALLOW: "127.0.0.0/8" });
const settings = { host: maria.host, port: maria.port, database: maria.database, user: maria.user };

function open(overrides: Record<string, unknown> = {}, password = maria.password): OpenSource {
  const { config: stored, secret } = mysqlKind.split(
    mysqlKind.configSchema.parse({ ...settings, password, ...overrides }),
  );
  return {
    id: crypto.randomUUID(),
    version: "1",
    config: stored,
    secret: secret ?? {},
    policy: sourcePolicy(withDatabaseAddress(config, Deno.env.get("OPSDECK_TEST_DATABASE_URL"))),
  };
}
const limits = { timeoutMs: 5_000, maxRows: 10_000, maxBytes: 32 * 1024 * 1024 };

Deno.test("mysql kind on MariaDB", async (t) => {
  try {
    const s = open();
    await t.step("test connection names the server", async () => {
      assertMatch((await mysqlKind.test(s)).serverVersion, /MariaDB/);
    });

    await t.step("runs a prepared statement with bound values and typed columns", async () => {
      const r = await mysqlKind.run(
        s,
        "SELECT country, count(*) AS n FROM customers WHERE id > ? AND country <> ? GROUP BY country ORDER BY country",
        [3, "FR"],
        limits,
      );
      assertEquals(r.columns, [{ name: "country", type: "text" }, { name: "n", type: "integer" }]);
      assertEquals(r.rows.map((row) => row[0]), ["DE", "NL"]);
    });

    await t.step("the row cap stops reading; the pool still works afterwards", async () => {
      const r = await mysqlKind.run(s, "SELECT seq FROM seq_1_to_1000000", [], { ...limits, maxRows: 50 });
      assertEquals(r.rows.length, 50);
      assertEquals(r.truncated, true);
      assertEquals((await mysqlKind.run(s, "SELECT 1 AS one", [], limits)).rows, [[1]]);
    });

    await t.step("a huge result is capped by bytes", async () => {
      const r = await mysqlKind.run(
        s,
        "SELECT repeat('x', 1000000) AS big FROM seq_1_to_1000",
        [],
        { ...limits, maxBytes: 5 * 1024 * 1024 },
      );
      assert(r.rows.length <= 6, `${r.rows.length} rows`);
      assertEquals(r.truncated, true);
    });

    await t.step("writes are refused by the read-only transaction", async () => {
      const error = await assertRejects(
        () => mysqlKind.run(s, "INSERT INTO orders (customer_id, total, created_at) VALUES (1, 1, now())", [], limits),
        ValidationError,
      );
      assertMatch(error.message, /read-only|READ ONLY/i);
      const [rows] = await maria.admin.query("SELECT count(*) AS n FROM shop.orders");
      assertEquals(Number((rows as { n: number }[])[0].n), 200);
    });

    await t.step("the time limit cancels a slow query", async () => {
      const error = await assertRejects(
        () => mysqlKind.run(s, "SELECT sleep(5) FROM seq_1_to_3", [], { ...limits, timeoutMs: 300 }),
        ValidationError,
      );
      assertMatch(error.message, /timeout/);
    });

    await t.step("introspection lists the tables' columns", async () => {
      const columns = await mysqlKind.introspect(s);
      assertEquals(
        columns.filter((c) => c.table_name === "orders").map((c) => c.column_name),
        ["id", "customer_id", "total", "status", "created_at"],
      );
    });

    await t.step("a wrong password is a source error", async () => {
      const error = await assertRejects(() => mysqlKind.test(open({}, "wrong")), SourceError);
      assertMatch(error.message, /password/);
    });

    await t.step("the same API path: add, test, save a query, run it; LOAD_FILE and INTO OUTFILE refused", async () => {
      const { app, db } = await createTestApp({ config });
      const p = await genPersonas(db.sql);
      const call = async (path: string, body: unknown) =>
        await app.request(path, jsonRequest("POST", body, p.alice.bearer));
      const created = await (await call("/api/v1/data-sources", {
        name: "Maria",
        kind: "mysql",
        config: { ...settings, password: maria.password },
      })).json();
      assertEquals((await (await call(`/api/v1/data-sources/${created.id}/test`, {})).json()).ok, true);
      const query = await (await call("/api/v1/saved-queries", {
        data_source_id: created.id,
        name: "Orders over",
        query_text: "SELECT count(*) AS n FROM orders WHERE total > {{min}}",
        parameters: [{ name: "min", type: "number" }],
      })).json();
      const result = await (await call(`/api/v1/saved-queries/${query.id}/run`, { parameters: { min: 100 } })).json();
      assertEquals(result.columns, [{ name: "n", type: "integer" }]);
      assert(Number(result.rows[0][0]) > 0);
      for (const text of ["SELECT LOAD_FILE('/etc/passwd')", "SELECT * FROM orders INTO OUTFILE '/tmp/x'"]) {
        const body = await problem(await call(`/api/v1/data-sources/${created.id}/query`, { query_text: text }), 422);
        assertEquals(body.errors[0].path, "query_text");
      }
      await db.sql.end();
    });
  } finally {
    await closeAllSources();
    await maria.stop();
  }
});
