/**
 * A second, separate PostgreSQL cluster for data-source tests (the embedded
 * binaries, own temp dir and port): a `shop` database with customers, orders
 * and events, and a login role `reporter` that owns nothing and may only read.
 * A separate cluster because Opsdeck's own database is refused by the policy.
 */
import postgres from "postgres";
import { startEmbeddedPostgres } from "../../db/embedded.ts";

export interface SourcePostgres {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** The `postgresql` kind's settings for `reporter` on `shop`, as the API and the kind take them. */
  settings: { host: string; port: number; database: string; user: string; password: string; ssl: "disable" };
  /** A superuser connection to `shop`, to seed more rows. */
  admin: postgres.Sql;
  stop(): Promise<void>;
}

export async function startSourcePostgres(): Promise<SourcePostgres> {
  const dir = await Deno.makeTempDir({ prefix: "opsdeck-source-pg-" });
  await Deno.chmod(dir, 0o755);
  const pg = await startEmbeddedPostgres({
    dir: `${dir}/postgres`,
    settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off" },
  });
  const root = postgres(pg.url, { max: 1, onnotice: () => {} });
  const password = crypto.randomUUID();
  await root.unsafe(`CREATE ROLE reporter LOGIN PASSWORD '${password}'`);
  await root.unsafe("CREATE DATABASE shop");
  await root.end();
  const url = new URL(pg.url);
  url.pathname = "/shop";
  const admin = postgres(url.toString(), { max: 2, onnotice: () => {} });
  await admin.unsafe(`
    CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, country text, created_at timestamptz NOT NULL);
    CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers (id),
      total numeric(10, 2) NOT NULL, status text NOT NULL DEFAULT 'paid', created_at timestamptz NOT NULL);
    CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL, payload jsonb, at timestamptz NOT NULL);
    INSERT INTO customers (name, country, created_at)
      SELECT 'Customer ' || i, (ARRAY['DE', 'FR', 'NL'])[1 + i % 3], '2026-01-01T00:00:00Z'::timestamptz + i * interval '1 hour'
      FROM generate_series(1, 30) i;
    INSERT INTO orders (customer_id, total, created_at)
      SELECT 1 + i % 30, (i % 17) * 10.5, '2026-02-01T00:00:00Z'::timestamptz + i * interval '1 hour'
      FROM generate_series(1, 200) i;
    GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO reporter;
    GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO reporter;
  `);
  const settings = {
    host: "127.0.0.1",
    port: pg.port,
    database: "shop",
    user: "reporter",
    password,
    ssl: "disable" as const,
  };
  return {
    ...settings,
    settings,
    admin,
    async stop() {
      await admin.end({ timeout: 1 });
      await pg.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
