/**
 * MySQL and MariaDB sources (npm mysql2). Every statement runs as a
 * server-side prepared statement (real bind parameters) inside START
 * TRANSACTION READ ONLY with a per-session execution limit (MySQL's
 * max_execution_time in ms, MariaDB's max_statement_time in s), on a pool of
 * at most two connections per source that closes connections idle for 30 s.
 * Rows are read as they arrive; at the row or byte cap the connection is
 * destroyed rather than drained, so a huge result is never loaded.
 */
import { z } from "@hono/zod-openapi";
import type mysql from "mysql2/promise";
import { checkedAddress } from "../../../platform/net/connect.ts";
import { createPoolCache } from "../../pool_cache.ts";
import { limitFields } from "../limits.ts";
import { type Column, type DataSourceKind, type OpenSource, type QueryResult, type RunLimits } from "../types.ts";
import { mysqlProblem } from "./errors.ts";

export const MysqlConfigSchema = z.strictObject({
  host: z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.:\[\]_-]+$/, "must be a host name or IP address"),
  port: z.int().min(1).max(65535).default(3306),
  database: z.string().trim().min(1).max(64),
  user: z.string().trim().min(1).max(80),
  password: z.string().max(1000).optional().openapi({ description: "Secret: stored encrypted, never returned" }),
  ssl: z.enum(["disable", "require"]).default("disable").openapi({
    description: "require: encrypted, certificate not verified (the connection goes to the checked IP address)",
  }),
  ...limitFields,
}).openapi("MysqlSourceConfig");
type MysqlInput = z.infer<typeof MysqlConfigSchema>;

/** mysql2 column type codes → the result's type names. */
const TYPE_NAMES: Record<number, string> = {
  1: "integer",
  2: "integer",
  3: "integer",
  8: "integer",
  9: "integer",
  4: "number",
  5: "number",
  246: "number",
  7: "timestamp",
  12: "timestamp",
  10: "date",
  245: "json",
};

const pools = createPoolCache<mysql.Pool>((pool) => pool.end());

async function poolFor(source: OpenSource): Promise<mysql.Pool> {
  const c = source.config as { host: string; port: number; database: string; user: string; ssl: string };
  const address = await checkedAddress(c.host, c.port, source.policy);
  // Loaded by the first MySQL source used, not by every process that imports the app.
  const { default: mysql } = await import("mysql2/promise");
  return pools.get(source.id, `${source.version}|${address}`, () =>
    mysql.createPool({
      host: address,
      port: c.port,
      user: c.user,
      password: source.secret.password ?? "",
      database: c.database,
      ssl: c.ssl === "require" ? { rejectUnauthorized: false } : undefined,
      connectionLimit: 2,
      maxIdle: 0,
      idleTimeout: 30_000,
      connectTimeout: 10_000,
      multipleStatements: false,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: false,
      timezone: "Z",
    }));
}

/** Runs `fn` on a connection in a read-only transaction with the time limit; a connection that fn spoiled is destroyed. */
async function readOnly<T>(
  source: OpenSource,
  timeoutMs: number,
  fn: (conn: mysql.PoolConnection, spoil: () => void) => Promise<T>,
): Promise<T> {
  let conn: mysql.PoolConnection | undefined;
  let spoiled = false;
  try {
    conn = await (await poolFor(source)).getConnection();
    await limitTime(conn, timeoutMs);
    await conn.query("START TRANSACTION READ ONLY");
    const result = await fn(conn, () => spoiled = true);
    if (!spoiled) await conn.query("ROLLBACK");
    return result;
  } catch (error) {
    spoiled = true;
    throw mysqlProblem(error);
  } finally {
    if (conn) spoiled ? conn.destroy() : conn.release();
  }
}

async function limitTime(conn: mysql.PoolConnection, timeoutMs: number) {
  // numbers we computed, not input: SET takes no bind parameters
  try {
    await conn.query(`SET SESSION max_execution_time = ${Math.floor(timeoutMs)}`);
  } catch (error) {
    if ((error as { errno?: number }).errno !== 1193) throw error;
    await conn.query(`SET SESSION max_statement_time = ${(timeoutMs / 1000).toFixed(3)}`);
  }
}

function readRows(
  conn: mysql.PoolConnection,
  text: string,
  params: unknown[],
  limits: RunLimits,
  spoil: () => void,
): Promise<QueryResult> {
  const result: QueryResult = { columns: [], rows: [], truncated: false, bytes: 0 };
  // deno-lint-ignore no-explicit-any
  const core = (conn as any).connection;
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        resolve(result);
      }
    };
    const query = core.execute({ sql: text, values: params, rowsAsArray: true });
    query.on("fields", (fields: { name: string; columnType: number }[]) => {
      result.columns = fields.map((f): Column => ({ name: f.name, type: TYPE_NAMES[f.columnType] ?? "text" }));
    });
    query.on("result", (row: unknown[]) => {
      if (done) return;
      if (result.rows.length >= limits.maxRows || result.bytes >= limits.maxBytes) {
        result.truncated = true;
        // stop reading: the rest of the result is never pulled off the socket
        spoil();
        core.pause();
        finish();
        return;
      }
      result.rows.push(row);
      result.bytes += JSON.stringify(row).length + 1;
    });
    query.on("error", (error: Error) => done ? undefined : (done = true, reject(error)));
    query.on("end", finish);
  });
}

export const mysqlKind: DataSourceKind = {
  kind: "mysql",
  dialect: "mysql",
  configSchema: MysqlConfigSchema,
  connects: true,
  split(parsed) {
    const c = parsed as MysqlInput;
    const { password, ...config } = c;
    return { config, secret: password === undefined ? undefined : { password } };
  },
  target: (config) => ({ host: String(config.host), port: Number(config.port) }),
  async test(source) {
    return await readOnly(source, 10_000, async (conn) => {
      const [rows] = await conn.query("SELECT version() AS version");
      return { serverVersion: `MySQL-compatible ${(rows as { version: string }[])[0].version}` };
    });
  },
  async introspect(source) {
    return await readOnly(source, 60_000, async (conn) => {
      const [rows] = await conn.execute(
        `SELECT table_schema AS schema_name, table_name, column_name, ordinal_position AS ordinal,
           column_type AS data_type, is_nullable = 'YES' AS is_nullable, column_default
         FROM information_schema.columns WHERE table_schema = DATABASE()
         ORDER BY table_name, ordinal_position LIMIT 50000`,
      );
      return (rows as Record<string, unknown>[]).map((r) => ({
        schema_name: String(r.schema_name),
        table_name: String(r.table_name),
        column_name: String(r.column_name),
        ordinal: Number(r.ordinal),
        data_type: String(r.data_type),
        is_nullable: Number(r.is_nullable) === 1,
        column_default: r.column_default === null ? null : String(r.column_default),
      }));
    });
  },
  async run(source, text, params, limits) {
    return await readOnly(source, limits.timeoutMs, (conn, spoil) => readRows(conn, text, params, limits, spoil));
  },
  close: (id) => pools.close(id),
};
