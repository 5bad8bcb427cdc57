/**
 * The servers under test. Each runs in its own process, as in production, so
 * the OS schedules it on its own share of the cores instead of it sharing an
 * event loop with the benchmark driver.
 */
import { fileURLToPath } from "node:url";
import { createPool, type PoolOptions, type Sql } from "../../db/client.ts";
import { freePort, startEmbeddedPostgres } from "../../db/embedded.ts";
import { loadMigrations, migrate } from "../../db/migrate.ts";

/** The repository root: deno.json (the import map) is found from the working directory. */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface Server {
  url: string;
  stop(): Promise<void>;
}

export async function startBareHono(): Promise<Server> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "bench/lib/bare_hono.ts"],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let printed = "";
  while (!printed.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    printed += value;
  }
  await reader.cancel();
  const port = Number(printed.trim());
  if (!port) {
    await child.status;
    throw new Error("the bare Hono server exited before printing its port");
  }
  return { url: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

/**
 * On a machine shared with other work, the first sign-in (password hashing) and set-up outlasted
 * the 10 s request deadline and the bench died on a 503 before measuring anything. The deadline's
 * cost per request does not depend on its length, so a longer one changes no figure.
 */
const SLOW_MACHINE = { OPSDECK_REQUEST_TIMEOUT_MS: "120000" };

/**
 * The real `main.ts serve`, on the embedded PostgreSQL under `dataDir` (initialised
 * and migrated on the first start, reused after). The access log goes to
 * /dev/null: at `info` we pay for formatting and writing each line, not for a terminal.
 */
export function startOpsdeck(dataDir: string, logLevel: "warn" | "info"): Promise<Server> {
  return serve({
    OPSDECK_DATA_DIR: dataDir,
    LOG_LEVEL: logLevel,
    // Load from one address is the point of a bench, not something to refuse.
    OPSDECK_API_RATE_LIMIT: "0",
    OPSDECK_API_RATE_LIMIT_IP: "0",
    ...SLOW_MACHINE,
    // An inherited DATABASE_URL would point the bench at someone's real database.
    DATABASE_URL: "",
  }, "piped");
}

/** A fresh temporary directory for a bench's PostgreSQL; the bench deletes it. */
export async function tempDataDir(prefix: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  // As root, the embedded PostgreSQL runs as `postgres`, which must reach its directory inside.
  await Deno.chmod(dir, 0o755);
  return dir;
}

/**
 * For benches that call the services in process: an embedded PostgreSQL of
 * their own in a temporary directory, migrated, and a pool on it (`pool`
 * options as `createPool`'s). Afterwards the pool is closed, the database
 * stopped and the directory deleted.
 */
export async function withMigratedPostgres<T>(
  prefix: string,
  pool: PoolOptions,
  fn: (sql: Sql) => Promise<T>,
): Promise<T> {
  const dir = await tempDataDir(prefix);
  const pg = await startEmbeddedPostgres({ dir: `${dir}/postgres` });
  const sql = createPool(pg.url, pool);
  try {
    await migrate(sql, await loadMigrations());
    return await fn(sql);
  } finally {
    await sql.end();
    await pg.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * For benches that seed their data with SQL: an embedded PostgreSQL of their
 * own in a temporary directory, and the real `main.ts serve` on it at `warn`
 * (it migrates on start, its stderr goes to ours). `fn` gets the server and the
 * database URL; afterwards both are stopped and the directory deleted.
 */
export async function withOpsdeckOnOwnPostgres<T>(
  prefix: string,
  fn: (opsdeck: Server, databaseUrl: string) => Promise<T>,
): Promise<T> {
  const dir = await tempDataDir(prefix);
  const pg = await startEmbeddedPostgres({ dir: `${dir}/postgres` });
  let opsdeck: Server | undefined;
  try {
    opsdeck = await serve({
      DATABASE_URL: pg.url,
      LOG_LEVEL: "warn",
      OPSDECK_SECRET: "bench-secret-bench-secret-bench-secret-00",
      OPSDECK_API_RATE_LIMIT: "0",
      OPSDECK_API_RATE_LIMIT_IP: "0",
      ...SLOW_MACHINE,
    }, "inherit");
    return await fn(opsdeck, pg.url);
  } finally {
    await opsdeck?.stop();
    await pg.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * `main.ts serve` on `127.0.0.1` and a free port with `env` added, stdout to
 * /dev/null; resolves once `/readyz` answers 2xx. With `stderr: "piped"` what
 * it printed goes into the error if it exits during start-up.
 *
 * BENCH_OPSDECK_PROF=<dir>: the server writes V8's tick log there
 * (`node --prof-process <dir>/v8-*.log` reads it): how the time of a ping or
 * a list request was split in docs/performance.md.
 */
const profiling = (dir: string | undefined) => dir ? [`--v8-flags=--prof,--logfile=${dir}/v8-%p.log`] : [];

async function serve(env: Record<string, string>, stderr: "piped" | "inherit"): Promise<Server> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", ...profiling(Deno.env.get("BENCH_OPSDECK_PROF")), "main.ts", "serve"],
    cwd: ROOT,
    env: { HOST: "127.0.0.1", PORT: String(port), ...env },
    stdin: "null",
    stdout: "null",
    stderr,
  }).spawn();
  // Read stderr to the end so a chatty process never blocks on a full pipe.
  const printed = stderr === "piped" ? new Response(child.stderr).text() : Promise.resolve("");
  let exited = false;
  child.status.then(() => exited = true);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!exited) {
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`Opsdeck on ${url} was not ready within 60 s`);
    }
    try {
      const response = await fetch(`${url}/readyz`);
      await response.body?.cancel();
      if (response.ok) return { url, stop: () => stopChild(child) };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const detail = (await printed).trim();
  throw new Error(`Opsdeck exited during start-up${detail ? `: ${detail}` : ""}`);
}

/** SIGTERM lets `serve` stop its embedded PostgreSQL cleanly before exiting. */
async function stopChild(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    // Already gone.
  }
  await child.status;
}
