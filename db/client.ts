/** The postgres.js pool. Rows keep snake_case names: the API speaks snake_case. */
import postgres from "postgres";

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;
/** A statement built but not yet sent: postgres.js sends a query when it is awaited or executed. */
export type PendingQuery = postgres.PendingQuery<postgres.Row[]>;

export interface PoolOptions {
  max?: number;
  /** Shown in pg_stat_activity; `/metrics` counts our connections by it. */
  applicationName?: string;
  /** The server cancels a statement running longer (0: never; default 30 s). */
  statementTimeoutMs?: number;
  /** Seconds to wait for a new connection's handshake (default 5). */
  connectTimeoutSeconds?: number;
}

/**
 * Reconnect delay after a failed connection, in seconds. postgres.js grows it
 * to 10–20 s after a few failures, and a query waits that long before even
 * trying: a restarted database stayed unused for 8–12 s. A refused connection
 * costs microseconds on loopback, so we retry within half a second.
 */
export const reconnectBackoff = (retries: number) => Math.min(0.05 * retries, 0.5);

export function createPool(url: string, options: PoolOptions = {}): Sql {
  guardSocketRace();
  return postgres(url, {
    target_session_attrs: writableTarget(url),
    max: options.max ?? 10,
    idle_timeout: 60,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    backoff: reconnectBackoff,
    onnotice: () => {},
    connection: {
      application_name: options.applicationName ?? "opsdeck",
      statement_timeout: options.statementTimeoutMs ?? 30_000,
    },
  });
}

/**
 * postgres.js's `read-write` checks only `default_transaction_read_only`, which a hot standby reports as off, so during
 * a failover it connected to the not-yet-promoted standby and every write failed (25006); had the old primary come
 * back instead, the pool would have kept those connections. libpq's `read-write` refuses a standby, and postgres.js's
 * `primary` checks `in_hot_standby`: the URL's (or PGTARGETSESSIONATTRS's) `read-write` is taken as that.
 */
export function writableTarget(url: string): "primary" | undefined {
  let asked: string | null = null;
  try {
    asked = new URL(url).searchParams.get("target_session_attrs");
  } catch {
    // a URL postgres.js reads its own way (e.g. several hosts with ports); it applies its own parsing then
    asked = /[?&]target_session_attrs=([^&]+)/.exec(url)?.[1] ?? null;
  }
  asked ??= Deno.env.get("PGTARGETSESSIONATTRS") ?? null;
  return asked === "read-write" ? "primary" : undefined;
}

let guarded = false;

/**
 * When PostgreSQL dies between two writes of postgres.js, its deferred write
 * (a timer) meets a socket Deno has ended ("This socket has been ended by the
 * other party") or already dropped ("reading 'write'" of null), where no caller
 * can catch it, and the uncaught error would end the process. The connection's
 * queries fail on their own (CONNECTION_CLOSED), so these two errors from
 * postgres.js's connection are dropped; every other uncaught error still ends
 * the process.
 */
function guardSocketRace() {
  if (guarded) return;
  guarded = true;
  globalThis.addEventListener("error", (event) => {
    const error = event.error as Error | undefined;
    const fromPool = error?.stack?.includes("/postgres/src/connection.js") ?? false;
    if (fromPool && /ended by the other party|reading 'write'/.test(error?.message ?? "")) {
      event.preventDefault();
    }
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
 * A transaction on the owner role in two round trips, for a read-then-write
 * step on a hot path (heartbeat pings): BEGIN travels with fn's first query,
 * and COMMIT with the statements fn returns built but unsent, which are sent
 * here in order and COMMIT right behind them, without waiting in between
 * (`sql.begin` waits on each: BEGIN, every statement, COMMIT). A statement
 * that fails aborts the transaction, so the COMMIT behind it rolls back, and
 * its error is thrown: resolving means every statement committed. `fn` must
 * await anything else it sends (a query sent after COMMIT would run outside
 * the transaction).
 */
export async function inPipelinedTransaction<T>(
  sql: Sql,
  fn: (tx: Sql) => Promise<{ result: T; writes: (PendingQuery | null)[] }>,
): Promise<T> {
  const tx = await sql.reserve();
  try {
    const begin = tx`BEGIN`.execute();
    begin.catch(() => {});
    let out: { result: T; writes: (PendingQuery | null)[] };
    try {
      out = await fn(tx as unknown as Sql);
      await begin;
    } catch (error) {
      await tx`ROLLBACK`.catch(() => {});
      await begin;
      throw error;
    }
    // executed in this order, synchronously: postgres.js sends them in the same order on the one connection
    const sent = out.writes.flatMap((q) => q ? [q.execute()] : []);
    const settled = await Promise.allSettled([...sent, tx`COMMIT`.execute()]);
    const failed = settled.find((s) => s.status === "rejected");
    if (failed) {
      await tx`ROLLBACK`.catch(() => {});
      throw failed.reason;
    }
    return out.result;
  } finally {
    tx.release();
  }
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
