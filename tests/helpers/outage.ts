/**
 * The app served on 127.0.0.1 over a PostgreSQL the test can kill and freeze,
 * with a signed-in admin, for the outage tests and bench/db_outage_bench.ts.
 */
import { createPool, type Sql } from "../../db/client.ts";
import type { AppDeps } from "../../routes/deps.ts";
import { buildTestApp, listen } from "./app.ts";
import { genTenant, genUser, type SignedIn, signIn } from "./fixtures.ts";
import { type KillablePostgres, startKillablePostgres } from "./killable_postgres.ts";

export interface OutageWorld {
  pg: KillablePostgres;
  /** The app's pool. */
  sql: Sql;
  url: string;
  alice: SignedIn;
  tenantId: string;
  deps: AppDeps;
  logs: Record<string, unknown>[];
  dispose(): Promise<void>;
}

export async function outageWorld(overrides: Partial<AppDeps> = {}): Promise<OutageWorld> {
  const pg = await startKillablePostgres();
  const poolMax = overrides.poolMax ?? 5;
  const sql = createPool(pg.url, {
    max: poolMax,
    applicationName: "opsdeck-outage",
    statementTimeoutMs: overrides.config?.statementTimeoutMs,
  });
  const tenant = await genTenant(pg.admin);
  const alice = await signIn(pg.admin, await genUser(pg.admin, tenant.id, { role: "admin" }));
  const test = await buildTestApp(sql, { poolMax, ...overrides });
  const server = listen(test.app);
  return {
    pg,
    sql,
    url: server.url,
    alice,
    tenantId: tenant.id,
    deps: test.deps,
    logs: test.logs,
    async dispose() {
      await server.stop();
      await sql.end({ timeout: 1 }).catch(() => {});
      await pg.dispose();
    },
  };
}

/** Milliseconds from now until `fn` settles, with what it returned. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - started), value };
}

/** Open file descriptors of this process (Linux). */
export function openFds(): number {
  let n = 0;
  for (const _ of Deno.readDirSync("/proc/self/fd")) n++;
  return n;
}

/**
 * One HTTP/1.1 GET on its own connection, closed after the answer: unlike
 * fetch, it leaves no pooled keep-alive socket behind, so counting file
 * descriptors during a load counts the server's. Returns the status, or the
 * error name when no answer came within `timeoutMs`.
 */
export async function rawGet(
  url: string,
  path: string,
  headers: Record<string, string>,
  timeoutMs = 40_000,
): Promise<number | string> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const timer = setTimeout(() => conn.close(), timeoutMs);
  try {
    const head = Object.entries({ Host: `${hostname}:${port}`, Connection: "close", ...headers })
      .map(([k, v]) => `${k}: ${v}\r\n`).join("");
    await conn.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\n${head}\r\n`));
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(16_384);
    for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) chunks.push(buffer.slice(0, n));
    const text = new TextDecoder().decode(chunks[0] ?? new Uint8Array());
    return Number(text.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0) || "no answer";
  } catch (error) {
    return (error as Error).name;
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // closed by the timer
    }
  }
}
