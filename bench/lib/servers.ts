/**
 * The servers under test. Each runs in its own process, as in production, so
 * the OS schedules it on its own share of the cores instead of it sharing an
 * event loop with the benchmark driver.
 */
import { fileURLToPath } from "node:url";
import { freePort } from "../../db/embedded.ts";

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
 * The real `main.ts serve`, on the embedded PostgreSQL under `dataDir` (initialised
 * and migrated on the first start, reused after). The access log goes to
 * /dev/null: at `info` we pay for formatting and writing each line, not for a terminal.
 */
export async function startOpsdeck(dataDir: string, logLevel: "warn" | "info"): Promise<Server> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "main.ts", "serve"],
    cwd: ROOT,
    env: {
      OPSDECK_DATA_DIR: dataDir,
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: logLevel,
      // An inherited DATABASE_URL would point the bench at someone's real database.
      DATABASE_URL: "",
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // Read stderr to the end so a chatty process never blocks on a full pipe.
  const stderr = new Response(child.stderr).text();
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
  throw new Error(`Opsdeck exited during start-up: ${(await stderr).trim()}`);
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
