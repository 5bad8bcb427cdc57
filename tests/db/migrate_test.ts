import { assertEquals, assertRejects } from "@std/assert";
import { loadMigrations, migrate, MigrationError, schemaStatus } from "../../db/migrate.ts";
import { createPool } from "../../db/client.ts";
import { createTestDatabase } from "../helpers/db.ts";

async function migrationsDir(files: Record<string, string>): Promise<URL> {
  const dir = await Deno.makeTempDir({ prefix: "opsdeck-migrations-" });
  for (const [name, sql] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${name}`, sql);
  return new URL(`file://${dir}/`);
}

Deno.test("migrate applies every migration once, in order, and records checksums", async () => {
  const { sql } = await createTestDatabase({ empty: true });
  const migrations = await loadMigrations();
  const first = await migrate(sql, migrations);
  assertEquals(first.applied.length, migrations.length);
  const again = await migrate(sql, migrations);
  assertEquals(again.applied, []);
  const rows = await sql<
    { version: number; checksum: string }[]
  >`SELECT version, checksum FROM schema_migrations ORDER BY version`;
  assertEquals(rows.map((r) => r.version), migrations.map((m) => m.version));
  assertEquals(rows.map((r) => r.checksum), migrations.map((m) => m.checksum));
  assertEquals((await schemaStatus(sql, migrations)).ok, true);
  await sql.end();
});

Deno.test("two processes migrating at once apply each migration exactly once", async () => {
  const { url, sql } = await createTestDatabase({ empty: true });
  const migrations = await loadMigrations();
  const a = createPool(url, { max: 2 });
  const b = createPool(url, { max: 2 });
  const [ra, rb] = await Promise.all([migrate(a, migrations), migrate(b, migrations)]);
  assertEquals(ra.applied.length + rb.applied.length, migrations.length);
  assertEquals(Math.min(ra.applied.length, rb.applied.length), 0);
  const [{ count }] = await sql<{ count: number }[]>`SELECT count(*)::int AS count FROM schema_migrations`;
  assertEquals(count, migrations.length);
  await Promise.all([a.end(), b.end(), sql.end()]);
});

Deno.test("an edited, already-applied migration stops start-up with a clear message", async () => {
  const { sql } = await createTestDatabase({ empty: true });
  const dir = await migrationsDir({ "00001_things.sql": "CREATE TABLE things (id int);" });
  await migrate(sql, await loadMigrations(dir));
  await Deno.writeTextFile(new URL("00001_things.sql", dir), "CREATE TABLE things (id bigint);");
  const edited = await loadMigrations(dir);
  await assertRejects(() => migrate(sql, edited), MigrationError, "00001_things.sql was edited after it was applied");
  assertEquals((await schemaStatus(sql, edited)).ok, false);
  await sql.end();
});

Deno.test("a failing migration rolls back whole and names the file", async () => {
  const { sql } = await createTestDatabase({ empty: true });
  const dir = await migrationsDir({
    "00001_ok.sql": "CREATE TABLE ok_table (id int);",
    "00002_broken.sql": "CREATE TABLE half_done (id int); SELECT no_such_function();",
  });
  const migrations = await loadMigrations(dir);
  await assertRejects(() => migrate(sql, migrations), MigrationError, "00002_broken.sql failed");
  const [{ half }] = await sql<{ half: string | null }[]>`SELECT to_regclass('half_done')::text AS half`;
  assertEquals(half, null);
  const [{ count }] = await sql<{ count: number }[]>`SELECT count(*)::int AS count FROM schema_migrations`;
  assertEquals(count, 1);
  await sql.end();
});

Deno.test("a database migrated by a newer Opsdeck is refused", async () => {
  const { sql } = await createTestDatabase({ empty: true });
  const dir = await migrationsDir({ "00001_a.sql": "SELECT 1;", "00002_b.sql": "SELECT 2;" });
  await migrate(sql, await loadMigrations(dir));
  await Deno.remove(new URL("00002_b.sql", dir));
  await assertRejects(
    async () => migrate(sql, await loadMigrations(dir)),
    MigrationError,
    "migrated by a newer Opsdeck",
  );
  await sql.end();
});

Deno.test("badly named migration files are refused", async () => {
  const dir = await migrationsDir({ "1_bad.sql": "SELECT 1;" });
  await assertRejects(() => loadMigrations(dir), MigrationError, "name must look like");
});
