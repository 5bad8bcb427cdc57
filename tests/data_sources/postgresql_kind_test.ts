/** The PostgreSQL kind against a real second cluster: limits, read-only, policy, introspection. */
import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { loadConfig, withDatabaseAddress } from "../../services/platform/config.ts";
import { ValidationError } from "../../services/platform/errors.ts";
import { postgresqlKind } from "../../services/data_sources/kinds/postgresql/mod.ts";
import { type OpenSource, SourceError } from "../../services/data_sources/kinds/types.ts";
import { sourcePolicy } from "../../services/data_sources/target.ts";
import { startSourcePostgres } from "../helpers/source_postgres.ts";

const source = await startSourcePostgres();
const opsdeckDb = Deno.env.get("OPSDECK_TEST_DATABASE_URL")!;
const config = loadConfig({ OPSDECK_SECRET: "x".repeat(40), OPSDECK_PROBE_ALLOW: "127.0.0.0/8" });
const policy = sourcePolicy(withDatabaseAddress(config, opsdeckDb));

function open(overrides: Record<string, unknown> = {}, password = source.password): OpenSource {
  const parsed = postgresqlKind.configSchema.parse({
    ...source.settings,
    password,
    ...overrides,
  });
  const { config, secret } = postgresqlKind.split(parsed);
  return { id: crypto.randomUUID(), version: "1", config, secret: secret ?? {}, policy };
}

const limits = { timeoutMs: 5_000, maxRows: 10_000, maxBytes: 32 * 1024 * 1024 };

Deno.test("postgresql kind", async (t) => {
  try {
    const s = open();
    await t.step("test connection reports the server version", async () => {
      const { serverVersion } = await postgresqlKind.test(s);
      assertMatch(serverVersion, /^PostgreSQL \d+/);
    });

    await t.step("runs a parameterised query with typed columns", async () => {
      const r = await postgresqlKind.run(
        s,
        "SELECT country, count(*) AS n, sum(id) AS ids, min(created_at) AS first FROM customers WHERE id > $1 GROUP BY country ORDER BY country",
        [3],
        limits,
      );
      assertEquals(r.columns, [
        { name: "country", type: "text" },
        { name: "n", type: "integer" },
        { name: "ids", type: "integer" },
        { name: "first", type: "timestamp" },
      ]);
      assertEquals(r.rows.map((row) => row[0]), ["DE", "FR", "NL"]);
      assertEquals(r.truncated, false);
    });

    await t.step("the row cap stops reading and says truncated", async () => {
      const r = await postgresqlKind.run(s, "SELECT g FROM generate_series(1, 1000000) g", [], {
        ...limits,
        maxRows: 100,
      });
      assertEquals(r.rows.length, 100);
      assertEquals(r.truncated, true);
    });

    await t.step("a huge result is capped by bytes, not loaded", async () => {
      const r = await postgresqlKind.run(
        s,
        "SELECT repeat('x', 1000000) AS big FROM generate_series(1, 1000)",
        [],
        { ...limits, maxBytes: 5 * 1024 * 1024 },
      );
      assert(r.rows.length <= 6, `${r.rows.length} rows`);
      assertEquals(r.truncated, true);
    });

    await t.step("writes fail: the transaction is read only, whatever the role may do", async () => {
      await assertRejects(
        () => postgresqlKind.run(s, "INSERT INTO events (kind, at) VALUES ('x', now())", [], limits),
        ValidationError,
      );
      // a SELECT with a side effect reaches the server (the kind does not parse) and is refused there
      const error = await assertRejects(
        () => postgresqlKind.run(s, "SELECT nextval('events_id_seq')", [], limits),
        ValidationError,
      );
      assertMatch(error.message, /read-only/);
      const [{ n }] = await source.admin`SELECT count(*)::int AS n FROM events`;
      assertEquals(n, 0);
    });

    await t.step("the statement timeout cancels a slow query", async () => {
      const started = performance.now();
      const error = await assertRejects(
        () => postgresqlKind.run(s, "SELECT pg_sleep(30)", [], { ...limits, timeoutMs: 300 }),
        ValidationError,
      );
      assertMatch(error.message, /statement timeout/);
      assert(performance.now() - started < 10_000);
    });

    await t.step("introspection lists the columns of every table", async () => {
      const columns = await postgresqlKind.introspect(s);
      const orders = columns.filter((c) => c.table_name === "orders").map((c) => `${c.column_name}:${c.data_type}`);
      assertEquals(orders, [
        "id:integer",
        "customer_id:integer",
        "total:numeric",
        "status:text",
        "created_at:timestamp with time zone",
      ]);
      assertEquals(new Set(columns.map((c) => c.table_name)), new Set(["customers", "orders", "events"]));
    });

    await t.step("a wrong password is a source error a human can act on", async () => {
      const error = await assertRejects(() => postgresqlKind.test(open({}, "wrong")), SourceError);
      assertMatch(error.message, /password/);
    });

    await t.step("Opsdeck's own database is refused by the policy", async () => {
      const own = new URL(opsdeckDb);
      const error = await assertRejects(
        () => postgresqlKind.test(open({ host: own.hostname, port: Number(own.port) })),
        SourceError,
      );
      assertMatch(error.message, /Opsdeck's own database|refused/);
    });

    await t.step("cloud metadata is refused, even with loopback allowed", async () => {
      const error = await assertRejects(() => postgresqlKind.test(open({ host: "169.254.169.254" })), SourceError);
      assertMatch(error.message, /refused/);
    });

    await t.step("a connection URL is split: the password becomes the secret", () => {
      const parsed = postgresqlKind.configSchema.parse({ url: "postgres://ro:s%40cret@db.example:6543/shop" });
      assertEquals(postgresqlKind.split(parsed), {
        config: {
          host: "db.example",
          port: 6543,
          database: "shop",
          user: "ro",
          timeout_seconds: 10,
          row_limit: 10000,
          ssl: "prefer",
        },
        secret: { password: "s@cret" },
      });
    });
  } finally {
    await postgresqlKind.close();
    await source.stop();
  }
});
