/**
 * Forward-only migrations: `db/migrations/NNNNN_name.sql`, each applied in its
 * own transaction and recorded with a SHA-256 checksum. A session advisory
 * lock makes processes that start together migrate once; an applied file that
 * was edited, or a database migrated by a newer Opsdeck, stops start-up.
 */
import type { Sql } from "./client.ts";

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

/** Arbitrary constant; pg_advisory_lock takes a bigint. "opsdeck" in ASCII. */
const LOCK_KEY = 0x6f70736465636bn;

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);

export async function loadMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".sql")) continue;
    const match = entry.name.match(/^(\d{5})_([a-z0-9_]+)\.sql$/);
    if (!match) throw new MigrationError(`db/migrations/${entry.name}: name must look like 00001_create_tenants.sql`);
    const text = await Deno.readTextFile(new URL(entry.name, dir));
    migrations.push({ version: Number(match[1]), name: entry.name, sql: text, checksum: await sha256(text) });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version === migrations[i - 1].version) {
      throw new MigrationError(
        `two migrations share number ${migrations[i].version}: ${migrations[i - 1].name}, ${migrations[i].name}`,
      );
    }
  }
  return migrations;
}

export interface MigrateResult {
  applied: string[];
  total: number;
}

/** Applies pending migrations; `onApply` reports progress one file at a time. */
export async function migrate(
  sql: Sql,
  migrations: Migration[],
  onApply: (name: string) => void = () => {},
): Promise<MigrateResult> {
  const conn = await sql.reserve();
  try {
    await conn`SELECT pg_advisory_lock(${LOCK_KEY.toString()}::bigint)`;
    try {
      await conn`
        CREATE TABLE IF NOT EXISTS schema_migrations (
          version integer PRIMARY KEY,
          name text NOT NULL,
          checksum text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`;
      const applied = await conn<{ version: number; name: string; checksum: string }[]>`
        SELECT version, name, checksum FROM schema_migrations ORDER BY version`;
      verifyApplied(applied, migrations);
      const done = new Set(applied.map((m) => m.version));
      const names: string[] = [];
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        onApply(migration.name);
        await conn.unsafe("BEGIN");
        try {
          // A migration may rewrite a large table: the pool's statement timeout is for requests.
          await conn.unsafe("SET LOCAL statement_timeout = 0");
          await conn.unsafe(migration.sql);
          await conn`
            INSERT INTO schema_migrations (version, name, checksum)
            VALUES (${migration.version}, ${migration.name}, ${migration.checksum})`;
          await conn.unsafe("COMMIT");
        } catch (error) {
          await conn.unsafe("ROLLBACK");
          throw new MigrationError(`${migration.name} failed: ${(error as Error).message}`);
        }
        names.push(migration.name);
      }
      return { applied: names, total: migrations.length };
    } finally {
      await conn`SELECT pg_advisory_unlock(${LOCK_KEY.toString()}::bigint)`;
    }
  } finally {
    conn.release();
  }
}

/** What `/readyz` asks: is every migration this build knows applied, unchanged? */
export async function schemaStatus(sql: Sql, migrations: Migration[]): Promise<{ ok: boolean; detail: string }> {
  const [table] = await sql<{ exists: boolean }[]>`SELECT to_regclass('schema_migrations') IS NOT NULL AS exists`;
  if (!table.exists) return { ok: false, detail: "no migrations applied" };
  const applied = await sql<{ version: number; name: string; checksum: string }[]>`
    SELECT version, name, checksum FROM schema_migrations ORDER BY version`;
  try {
    verifyApplied(applied, migrations);
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
  const pending = migrations.length - applied.length;
  return pending === 0
    ? { ok: true, detail: `${applied.length} migrations applied` }
    : { ok: false, detail: `${pending} migrations pending` };
}

function verifyApplied(applied: { version: number; name: string; checksum: string }[], migrations: Migration[]) {
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const file = known.get(row.version);
    if (!file) {
      throw new MigrationError(
        `the database has migration ${row.name}, which this build does not know: it was migrated by a newer Opsdeck`,
      );
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `db/migrations/${file.name} was edited after it was applied (checksum ${
          row.checksum.slice(0, 12)
        }… in the database, ${
          file.checksum.slice(0, 12)
        }… on disk); restore the file and put the change in a new migration`,
      );
    }
  }
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
