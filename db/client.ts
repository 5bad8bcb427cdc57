/** The postgres.js pool. Rows keep snake_case names: the API speaks snake_case. */
import postgres from "postgres";

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;

export interface PoolOptions {
  max?: number;
  /** Shown in pg_stat_activity; `/metrics` counts our connections by it. */
  applicationName?: string;
}

export function createPool(url: string, options: PoolOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    idle_timeout: 60,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "opsdeck" },
  });
}

/**
 * A transaction on the owner role (no row-level security), for work that
 * spans tenants: schedulers, leases, partitions. `fn` gets it typed as `Sql`
 * so the query functions in db/queries take it (as `withTenant` does).
 */
export async function inTransaction<T>(sql: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return await sql.begin((tx) => fn(tx as unknown as Sql)) as T;
}

/**
 * Waits until the database answers, retrying for `timeoutMs` (a container's
 * database may still be starting). Throws the last connection error.
 */
export async function waitForDatabase(sql: Sql, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await sql`SELECT 1`;
      return;
    } catch (error) {
      if (Date.now() >= deadline || !isTransient(error)) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function isTransient(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "ECONNREFUSED" || code === "57P03" || code === "CONNECT_TIMEOUT" || code === "ECONNRESET";
}

/** One line for a connection failure, without the password. */
export function describeDbError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const message = e.message ?? String(error);
  return e.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}
