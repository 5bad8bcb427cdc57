/**
 * A PostgreSQL of the test's own (not the suite's shared one), on 127.0.0.1,
 * which the test can kill (SIGKILL to the postmaster and every child: all die
 * at once, as in an OOM kill or a lost node; each backend calls setsid(), so
 * signalling the process group would miss them), freeze (SIGSTOP:
 * sockets stay open, nothing answers, as in a stalled VM or storage) and bring
 * back on the same port. Migrated once, in a temporary directory removed at
 * `dispose()`.
 */
import { createPool, type Sql } from "../../db/client.ts";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../db/embedded.ts";
import { loadMigrations, migrate } from "../../db/migrate.ts";

export interface KillablePostgres {
  url: string;
  port: number;
  /** An owner connection for the test's own set-up (max 2). */
  admin: Sql;
  kill(): Promise<void>;
  freeze(): void;
  thaw(): void;
  /** Starts the cluster again on the same port after `kill()`. */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

// fsync off is safe here (the machine does not crash, only PostgreSQL); synchronous_commit stays on,
// or a SIGKILL would lose the last commits still in shared WAL buffers.
const SETTINGS = { fsync: "off", full_page_writes: "off", max_connections: "100" };

/**
 * A migrated cluster, stopped, for `startKillablePostgres` to copy: initdb and
 * the migrations cost 10–20 s on a busy machine, a copy well under one. The
 * fault suite's runner makes one and names it in OPSDECK_TEST_PG_TEMPLATE.
 */
export async function makePostgresTemplate(): Promise<string> {
  const tempDir = await Deno.makeTempDir({ prefix: "opsdeck-pg-template-" });
  await Deno.chmod(tempDir, 0o755);
  const pg = await startEmbeddedPostgres({ dir: `${tempDir}/postgres`, settings: SETTINGS });
  const admin = createPool(pg.url, { max: 1, applicationName: "opsdeck-test-template" });
  try {
    await migrate(admin, await loadMigrations());
  } finally {
    await admin.end({ timeout: 1 });
    await pg.stop();
  }
  return tempDir;
}

export async function startKillablePostgres(): Promise<KillablePostgres> {
  const tempDir = await Deno.makeTempDir({ prefix: "opsdeck-outage-pg-" });
  // Running as root, the cluster runs as "postgres", who must reach the directory.
  await Deno.chmod(tempDir, 0o755);
  const dir = `${tempDir}/postgres`;
  const template = Deno.env.get("OPSDECK_TEST_PG_TEMPLATE");
  if (template) {
    // -a keeps the owner (the "postgres" user under root) and the data directory's 0700.
    const cp = await new Deno.Command("cp", { args: ["-a", `${template}/.`, tempDir] }).output();
    if (!cp.success) throw new Error(`copying the template cluster: ${new TextDecoder().decode(cp.stderr)}`);
  }
  let pg: EmbeddedPostgres = await startEmbeddedPostgres({ dir, settings: SETTINGS });
  const admin = createPool(pg.url, { max: 2, applicationName: "opsdeck-test-admin" });
  await migrate(admin, await loadMigrations());
  let frozen = false;
  const signal = (name: Deno.Signal) => {
    for (const pid of [pg.pid, ...childrenOf(pg.pid)]) {
      try {
        Deno.kill(pid, name);
      } catch {
        // exited meanwhile
      }
    }
  };
  return {
    url: pg.url,
    port: pg.port,
    admin,
    async kill() {
      signal("SIGKILL");
      await pg.exited;
    },
    freeze() {
      signal("SIGSTOP");
      frozen = true;
    },
    thaw() {
      signal("SIGCONT");
      frozen = false;
    },
    async restart() {
      pg = await startEmbeddedPostgres({ dir, settings: SETTINGS, port: pg.port });
    },
    async dispose() {
      if (frozen) signal("SIGCONT");
      await admin.end({ timeout: 1 }).catch(() => {});
      await pg.stop();
      await Deno.remove(tempDir, { recursive: true }).catch(() => {});
    },
  };
}

/** The postmaster's children (backends, background workers), from /proc. */
export function childrenOf(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      // pid (comm) state ppid …; comm may contain spaces, so read after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent) pids.push(Number(entry.name));
    } catch {
      // gone
    }
  }
  return pids;
}
