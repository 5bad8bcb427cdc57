/**
 * PostgreSQL sources (npm postgres). Every statement runs in a READ ONLY
 * transaction with a local statement_timeout, read through a cursor that stops
 * at the row and byte caps, on a pool of at most two connections per source
 * that closes connections idle for 30 s. The connection goes to the address
 * the outbound policy checked (no second DNS answer), TLS verified for the
 * name as written when ssl is verify-full.
 */
import { z } from "@hono/zod-openapi";
import postgres from "postgres";
import { checkedAddress } from "../../../platform/net/connect.ts";
import { limitFields } from "../limits.ts";
import { createPoolCache } from "../../pool_cache.ts";
import {
  type Column,
  type DataSourceKind,
  type OpenSource,
  type QueryResult,
  type RunLimits,
  SourceError,
} from "../types.ts";
import { queryProblem, sourceProblem } from "./errors.ts";

const host = z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.:\[\]_-]+$/, "must be a host name or IP address");

export const PostgresConfigSchema = z.strictObject({
  url: z.string().trim().max(2000).regex(/^postgres(ql)?:\/\//, "must start with postgres://").optional()
    .openapi({ description: "Instead of the fields: postgres://user:password@host:port/db (secret)" }),
  host: host.optional().openapi({ example: "db.internal.example" }),
  port: z.int().min(1).max(65535).default(5432),
  database: z.string().trim().min(1).max(63).optional().openapi({ example: "shop" }),
  user: z.string().trim().min(1).max(63).optional().openapi({ example: "reporting" }),
  password: z.string().max(1000).optional().openapi({ description: "Secret: stored encrypted, never returned" }),
  ssl: z.enum(["disable", "prefer", "require", "verify-full"]).default("prefer"),
  ...limitFields,
}).superRefine((c, ctx) => {
  if (c.url) {
    try {
      const u = new URL(c.url);
      if (!u.hostname) ctx.addIssue({ code: "custom", path: ["url"], message: "must name a host" });
    } catch {
      ctx.addIssue({ code: "custom", path: ["url"], message: "is not a URL" });
    }
    return;
  }
  for (const field of ["host", "database", "user"] as const) {
    if (!c[field]) ctx.addIssue({ code: "custom", path: [field], message: "is required (or give a url)" });
  }
}).openapi("PostgresSourceConfig");
type PostgresInput = z.infer<typeof PostgresConfigSchema>;

const TYPE_NAMES: Record<number, string> = {
  16: "boolean",
  20: "integer",
  21: "integer",
  23: "integer",
  700: "number",
  701: "number",
  1700: "number",
  1082: "date",
  1114: "timestamp",
  1184: "timestamp",
  114: "json",
  3802: "json",
  2950: "uuid",
};

const pools = createPoolCache<postgres.Sql>((pool) => pool.end({ timeout: 2 }));

async function poolFor(source: OpenSource): Promise<postgres.Sql> {
  const c = source.config as { host: string; port: number; database: string; user: string; ssl: string };
  const address = await checkedAddress(c.host, c.port, source.policy);
  return pools.get(source.id, `${source.version}|${address}`, () =>
    postgres({
      host: address,
      port: c.port,
      database: c.database,
      username: c.user,
      password: source.secret.password ?? "",
      ssl: c.ssl === "disable"
        ? false
        : c.ssl === "verify-full"
        ? { servername: c.host }
        : c.ssl === "require"
        ? { rejectUnauthorized: false }
        : "prefer",
      max: 2,
      idle_timeout: 30,
      connect_timeout: 10,
      max_lifetime: 600,
      prepare: false,
      onnotice: () => {},
      connection: { application_name: "opsdeck-data-source" },
    }));
}

async function readOnly<T>(source: OpenSource, timeoutMs: number, fn: (tx: postgres.TransactionSql) => Promise<T>) {
  try {
    const pool = await poolFor(source);
    return await pool.begin("read only", async (tx) => {
      // Sent without waiting: fn's first statement follows on the same connection (one round trip saved);
      // a failure here fails the transaction, so fn's statements fail too.
      const limit = tx`SELECT set_config('statement_timeout', ${String(Math.floor(timeoutMs))}, true)`.execute();
      limit.catch(() => {});
      const result = await fn(tx);
      await limit;
      return result;
    }) as T;
  } catch (error) {
    throw error instanceof SourceError ? error : (sourceProblem(error) ?? queryProblem(error));
  }
}

export const postgresqlKind: DataSourceKind = {
  kind: "postgresql",
  dialect: "postgresql",
  configSchema: PostgresConfigSchema,
  connects: true,
  split(parsed) {
    const c = parsed as PostgresInput;
    const limits = { timeout_seconds: c.timeout_seconds, row_limit: c.row_limit, ssl: c.ssl };
    if (c.url) {
      const u = new URL(c.url);
      return {
        config: {
          host: u.hostname.replace(/^\[|\]$/g, ""),
          port: Number(u.port) || 5432,
          database: decodeURIComponent(u.pathname.slice(1)) || "postgres",
          user: decodeURIComponent(u.username) || "postgres",
          ...limits,
        },
        secret: { password: decodeURIComponent(u.password) },
      };
    }
    return {
      config: { host: c.host, port: c.port, database: c.database, user: c.user, ...limits },
      secret: c.password === undefined ? undefined : { password: c.password },
    };
  },
  target: (config) => ({ host: String(config.host), port: Number(config.port) }),
  async test(source) {
    const [row] = await readOnly(source, 10_000, (tx) => tx<{ version: string }[]>`SELECT version() AS version`);
    return { serverVersion: row.version };
  },
  async introspect(source) {
    return await readOnly(source, 60_000, (tx) =>
      tx<
        {
          schema_name: string;
          table_name: string;
          column_name: string;
          ordinal: number;
          data_type: string;
          is_nullable: boolean;
          column_default: string | null;
        }[]
      >`
        SELECT table_schema AS schema_name, table_name, column_name, ordinal_position::int AS ordinal,
          data_type, is_nullable = 'YES' AS is_nullable, column_default
        FROM information_schema.columns
        WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'pg\\_%'
        ORDER BY table_schema, table_name, ordinal_position
        LIMIT 50000`.then((rows) => [...rows]));
  },
  async run(source, text, params, limits) {
    return await readOnly(source, limits.timeoutMs, (tx) => readCursor(tx, text, params, limits));
  },
  close: (id) => pools.close(id),
};

/**
 * Reads a statement through a server-side cursor in growing batches sized by
 * the rows seen so far: a result of 1 MB rows is read one or two rows at a time
 * and stops at the byte cap instead of arriving as one huge batch. Inside a
 * transaction (csv sources use it on Opsdeck's own database).
 */
export async function readCursor(
  tx: postgres.TransactionSql | postgres.ReservedSql,
  text: string,
  params: unknown[],
  limits: RunLimits,
): Promise<QueryResult> {
  // deno-lint-ignore no-explicit-any
  await tx.unsafe(`DECLARE opsdeck_result NO SCROLL CURSOR FOR ${text}`, params as any[]);
  const result: QueryResult = { columns: [], rows: [], truncated: false, bytes: 0 };
  // 10 first: a small result needs one FETCH, and ten 1 MB rows are still well under the byte cap
  let batchSize = 10;
  // statement_timeout bounds each FETCH; this bounds them together
  const deadline = performance.now() + limits.timeoutMs;
  for (;;) {
    if (performance.now() > deadline) throw Object.assign(new Error("canceling statement"), { code: "57014" });
    const want = Math.min(batchSize, limits.maxRows - result.rows.length + 1);
    const batch = await tx.unsafe(`FETCH ${want} FROM opsdeck_result`).values();
    if (result.columns.length === 0) result.columns = columnsOf(batch.columns as unknown as PgColumn[]);
    for (const row of batch) {
      if (result.rows.length >= limits.maxRows || result.bytes >= limits.maxBytes) {
        result.truncated = true;
        return result;
      }
      result.rows.push(row);
      result.bytes += JSON.stringify(row).length + 1;
    }
    if (batch.length < want) return result;
    const perRow = result.bytes / Math.max(1, result.rows.length);
    const room = Math.floor((limits.maxBytes - result.bytes) / Math.max(1, perRow));
    batchSize = Math.max(1, Math.min(batchSize * 8, 5000, room + 1));
  }
}

type PgColumn = { name: string; type: number };

function columnsOf(columns: readonly PgColumn[] | undefined): Column[] {
  return (columns ?? []).map((c) => ({ name: c.name, type: TYPE_NAMES[c.type] ?? "text" }));
}
