/**
 * Opens the database Opsdeck runs on: DATABASE_URL when set, otherwise a real
 * embedded PostgreSQL under OPSDECK_DATA_DIR that survives restarts.
 */
import { resolve } from "node:path";
import { createPool, describeDbError, type Sql, waitForDatabase } from "../../db/client.ts";
import { startEmbeddedPostgres } from "../../db/embedded.ts";
import { type Config, redactUrl } from "../platform/config.ts";
import type { DatabaseInfo } from "../system/status.ts";

export class StartupError extends Error {
  override name = "StartupError";
}

export interface OpenDatabase {
  sql: Sql;
  info: DatabaseInfo;
  applicationName: string;
  poolMax: number;
  /** One line for the start-up log. */
  summary: string;
  close(): Promise<void>;
}

const POOL_MAX = 10;

export async function openDatabase(config: Config, say: (line: string) => void): Promise<OpenDatabase> {
  const applicationName = `opsdeck:${crypto.randomUUID().slice(0, 8)}`;
  if (config.databaseUrl) {
    const sql = createPool(config.databaseUrl, {
      max: POOL_MAX,
      applicationName,
      statementTimeoutMs: config.statementTimeoutMs,
    });
    try {
      await waitForDatabase(sql, config.dbWaitSeconds * 1000);
    } catch (error) {
      await sql.end({ timeout: 1 }).catch(() => {});
      throw new StartupError(
        `cannot connect to the database at ${redactUrl(config.databaseUrl)}: ${describeDbError(error)}`,
      );
    }
    return {
      sql,
      info: { kind: "external" },
      applicationName,
      poolMax: POOL_MAX,
      summary: `PostgreSQL at ${redactUrl(config.databaseUrl)}`,
      close: () => sql.end({ timeout: 5 }),
    };
  }

  const dir = resolve(config.dataDir, "postgres");
  say(`starting the embedded PostgreSQL, data in ${dir}`);
  const started = performance.now();
  let embedded;
  try {
    embedded = await startEmbeddedPostgres({ dir });
  } catch (error) {
    throw new StartupError(`cannot start the embedded PostgreSQL in ${dir}: ${(error as Error).message}`);
  }
  const sql = createPool(embedded.url, {
    max: POOL_MAX,
    applicationName,
    statementTimeoutMs: config.statementTimeoutMs,
  });
  const ms = Math.round(performance.now() - started);
  return {
    sql,
    info: { kind: "embedded", dataDir: dir },
    applicationName,
    poolMax: POOL_MAX,
    summary: `embedded PostgreSQL ${
      embedded.initialised ? "initialised and started" : "started"
    } in ${ms} ms, data in ${dir}`,
    async close() {
      await sql.end({ timeout: 5 });
      await embedded.stop();
    },
  };
}

/**
 * OPSDECK_SECRET keys encryption and signing. When it is unset we keep a
 * generated one in the data directory, so restarts can read what was written.
 */
export async function resolveSecret(config: Config): Promise<{ secret: string; generated: boolean; path?: string }> {
  if (config.secret) return { secret: config.secret, generated: false };
  const path = resolve(config.dataDir, "secret");
  try {
    return { secret: (await Deno.readTextFile(path)).trim(), generated: false, path };
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new StartupError(
        `OPSDECK_DATA_DIR: cannot read ${path} (${(error as Error).name}); set OPSDECK_SECRET or fix its permissions`,
      );
    }
  }
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = btoa(String.fromCharCode(...bytes));
  try {
    await Deno.mkdir(config.dataDir, { recursive: true });
    await Deno.writeTextFile(path, secret + "\n", { mode: 0o600, createNew: true });
  } catch (error) {
    throw new StartupError(
      `OPSDECK_DATA_DIR: cannot write ${path} (${(error as Error).name}); make ${config.dataDir} writable ` +
        `by uid ${Deno.uid()} or set OPSDECK_SECRET`,
    );
  }
  return { secret, generated: true, path };
}
