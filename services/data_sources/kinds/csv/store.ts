/**
 * Where a csv source's rows live: in Opsdeck's own PostgreSQL, a schema and a
 * NOLOGIN role per source, both named csv_<source id hex>. The role may use
 * only its schema and read only its table; a query runs in a READ ONLY
 * transaction as that role with search_path set to the schema, so it cannot
 * read Opsdeck's tables (granted to opsdeck_app only) nor another source's
 * schema, and the SQL guard still applies first.
 */
import type { Sql } from "../../../../db/client.ts";
import { readCursor } from "../postgresql/mod.ts";
import { queryProblem } from "../postgresql/errors.ts";
import type { QueryResult, RunLimits } from "../types.ts";

export const CSV_TABLE = "data";

/** The schema and role name of a source (an identifier: hex only). */
export function storeName(sourceId: string): string {
  if (!/^[0-9a-f-]{36}$/.test(sourceId)) throw new Error("not a source id");
  return `csv_${sourceId.replaceAll("-", "")}`;
}

export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Creates the schema and role once (idempotent; DDL as Opsdeck's owner, outside any tenant scope). */
export async function ensureStore(home: Sql, sourceId: string): Promise<string> {
  const name = storeName(sourceId);
  await home.unsafe(`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${name}') THEN
        CREATE ROLE ${name} NOLOGIN NOINHERIT NOBYPASSRLS;
      END IF;
    END $$;
    GRANT ${name} TO CURRENT_USER;
    CREATE SCHEMA IF NOT EXISTS ${name};
    REVOKE ALL ON SCHEMA ${name} FROM PUBLIC;
    GRANT USAGE ON SCHEMA ${name} TO ${name};`).simple();
  return name;
}

export async function dropStore(home: Sql, sourceId: string): Promise<void> {
  const name = storeName(sourceId);
  await home.unsafe(`
    DROP SCHEMA IF EXISTS ${name} CASCADE;
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${name}') THEN DROP ROLE ${name}; END IF;
    END $$;`).simple();
}

/** Runs the (guarded) statement as the source's role, read-only, under the limits. */
export async function readStore(
  home: Sql,
  sourceId: string,
  text: string,
  params: unknown[],
  limits: RunLimits,
): Promise<QueryResult> {
  const name = storeName(sourceId);
  const tx = await home.reserve();
  try {
    await tx.unsafe(`BEGIN READ ONLY`);
    await tx.unsafe(
      `SET LOCAL ROLE ${name}; SET LOCAL search_path = ${name}; ` +
        `SET LOCAL statement_timeout = ${Math.floor(limits.timeoutMs)}`,
    ).simple();
    const result = await readCursor(tx, text, params, limits);
    await tx.unsafe("COMMIT");
    return result;
  } catch (error) {
    await tx.unsafe("ROLLBACK").catch(() => {});
    throw queryProblem(error);
  } finally {
    tx.release();
  }
}
