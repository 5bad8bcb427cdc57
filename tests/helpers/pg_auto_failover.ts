/**
 * A three-node pg_auto_failover set-up from Debian's packages (postgresql-15
 * and postgresql-15-auto-failover, as CI installs them): a monitor and two
 * keepers, each in its own directory on 127.0.0.1 and a free port, with the
 * monitor's detection lowered to seconds. The monitor, not the test, decides
 * and performs the failover; the test only kills the primary's host (its
 * keeper and its PostgreSQL, SIGKILL). Running as root, everything runs as
 * "postgres", each keeper with a HOME and XDG_RUNTIME_DIR of its own
 * (hapostgres/pg_auto_failover#1058). Removed at `dispose()`.
 */
import { createPool, type Sql } from "../../db/client.ts";
import { childrenOf } from "./killable_postgres.ts";
import { freePort } from "./pg_failover.ts";

const BIN = "/usr/lib/postgresql/15/bin";
const PG_AUTOCTL = "/usr/bin/pg_autoctl";
export const AUTO_FAILOVER_AVAILABLE = [PG_AUTOCTL, `${BIN}/pg_basebackup`].every((f) => {
  try {
    return Deno.statSync(f).isFile;
  } catch {
    return false;
  }
});

/**
 * The monitor's defaults declare a lost node unhealthy after 20 s and wait up
 * to 30 s for a dead primary to confirm its demotion; these bring a failover
 * down to a few seconds, so the test measures Opsdeck more than the settings.
 */
const MONITOR_SETTINGS = {
  "pgautofailover.health_check_period": 1000,
  "pgautofailover.health_check_retry_delay": 500,
  "pgautofailover.node_considered_unhealthy_timeout": 3000,
  "pgautofailover.primary_demote_timeout": 2000,
};

export interface NodeState {
  name: string;
  port: number;
  reported: string;
  assigned: string;
}

export interface AutoFailoverSet {
  /** `pg_autoctl show uri --formation default` with the user: both nodes, target_session_attrs=read-write. */
  uri: string;
  /** The primary alone, for the test's set-up (migrations, fixtures). */
  primaryUrl: string;
  /** The nodes as the monitor sees them. */
  states(): Promise<NodeState[]>;
  /** SIGKILL to the primary's keeper and PostgreSQL (every process of its tree), as a lost host. */
  killPrimary(): NodeState;
  /** Waits (bounded) until the monitor reports these states, by node name; throws with the keepers' logs. */
  waitFor(want: (nodes: NodeState[]) => boolean, ms: number, what: string): Promise<NodeState[]>;
  dispose(): Promise<void>;
}

const asRoot = Deno.uid() === 0;
const DB = "opsdeck";

interface Keeper {
  name: string;
  port: number;
  pgdata: string;
  log: string;
  child?: Deno.ChildProcess;
}

/** pg_autoctl as "postgres" under root, with this keeper's own HOME and runtime directory. */
function autoctl(k: Keeper, args: string[]) {
  const home = `${k.pgdata}.home`;
  const env = {
    HOME: home,
    XDG_RUNTIME_DIR: `${home}/run`,
    XDG_CONFIG_HOME: `${home}/config`,
    XDG_DATA_HOME: `${home}/data`,
    PATH: `${BIN}:/usr/bin:/bin`,
  };
  const envArgs = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  return new Deno.Command(asRoot ? "runuser" : "env", {
    args: [...(asRoot ? ["-u", "postgres", "--", "env"] : []), ...envArgs, PG_AUTOCTL, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** Runs pg_autoctl in the background, its output appended to the keeper's log. */
async function spawn(k: Keeper, args: string[]) {
  const child = autoctl(k, args).spawn();
  const file = await Deno.open(k.log, { append: true, create: true });
  const out = child.stdout.pipeTo(file.writable, { preventClose: true });
  child.stderr.pipeTo(new WritableStream({ write: (c) => file.write(c).then(() => {}) })).catch(() => {});
  out.catch(() => {});
  child.status.finally(() => setTimeout(() => file.close(), 500)).catch(() => {});
  k.child = child;
}

async function runOnce(k: Keeper, args: string[]) {
  const out = await autoctl(k, args).output();
  await Deno.writeFile(k.log, new Uint8Array([...out.stdout, ...out.stderr]), { append: true });
  if (!out.success) throw new Error(`pg_autoctl ${args.slice(0, 2).join(" ")}: ${await tail(k)}`);
  return new TextDecoder().decode(out.stdout).trim();
}

async function tail(k: Keeper) {
  const text = await Deno.readTextFile(k.log).catch(() => "");
  return `--- ${k.name} ---\n${text.split("\n").slice(-15).join("\n")}`;
}

/** Every process under `pid`, read before any is killed (a killed parent's children move to init). */
function treeOf(pid: number): number[] {
  const children = childrenOf(pid);
  return [pid, ...children.flatMap(treeOf)];
}

/**
 * SIGKILL to every process under `pid`, all at once as a lost host. Stopped first and read again: a backend forked
 * while the tree was read would otherwise outlive its postmaster (and answer, or hold the port) for seconds.
 */
function killTree(pid: number) {
  const signal = (pids: number[], name: Deno.Signal) => {
    for (const p of pids) {
      try {
        Deno.kill(p, name);
      } catch {
        // exited meanwhile
      }
    }
  };
  const seen = treeOf(pid);
  signal(seen, "SIGSTOP");
  signal([...new Set([...seen, ...treeOf(pid)])], "SIGKILL");
}

async function until<T>(fn: () => Promise<T | undefined>, ms: number): Promise<T | undefined> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const got = await fn().catch(() => undefined);
    if (got !== undefined) return got;
    await new Promise((r) => setTimeout(r, 250));
  }
  return undefined;
}

export async function startAutoFailover(): Promise<AutoFailoverSet> {
  const dir = await Deno.makeTempDir({ prefix: "opsdeck-autofailover-" });
  await Deno.chmod(dir, 0o755);
  const keeper = (name: string): Keeper => ({
    name,
    port: freePort(),
    pgdata: `${dir}/${name}`,
    log: `${dir}/${name}.log`,
  });
  const monitor = keeper("monitor");
  const nodes = [keeper("node_a"), keeper("node_b")];
  const all = [monitor, ...nodes];
  for (const k of all) {
    for (const sub of ["run", "config", "data"]) await Deno.mkdir(`${k.pgdata}.home/${sub}`, { recursive: true });
  }
  if (asRoot) await new Deno.Command("chown", { args: ["-R", "postgres", dir] }).output();
  // initdb under pg_autoctl trusts local connections, so the test connects as the clusters' superuser.
  const superuser = asRoot ? "postgres" : Deno.env.get("USER") ?? "postgres";
  const pools: Sql[] = [];
  const pool = (port: number, db: string) => {
    const sql = createPool(`postgres://${superuser}@127.0.0.1:${port}/${db}`, { max: 1, connectTimeoutSeconds: 2 });
    pools.push(sql);
    return sql;
  };
  const monitorSql = pool(monitor.port, "pg_auto_failover");
  const states = async () =>
    (await monitorSql<NodeState[]>`
      SELECT nodename AS name, nodeport AS port, reportedstate::text AS reported, goalstate::text AS assigned
      FROM pgautofailover.node ORDER BY nodeid`).map((n) => ({ ...n }));
  const logs = async () => (await Promise.all(all.map(tail))).join("\n");
  const waitFor = async (want: (nodes: NodeState[]) => boolean, ms: number, what: string, tick = () => {}) => {
    const got = await until(async () => {
      tick();
      const s = await states();
      return want(s) ? s : undefined;
    }, ms);
    if (!got) throw new Error(`pg_auto_failover: ${what} not reached in ${ms} ms\n${await logs()}`);
    return got;
  };
  const dispose = async () => {
    await Promise.all(pools.map((p) => p.end({ timeout: 1 }).catch(() => {})));
    // SIGQUIT: pg_autoctl stops its PostgreSQL at once ("immediate"); what is left after 5 s is killed.
    for (const k of all) {
      for (const p of k.child ? childrenOf(k.child.pid) : []) {
        try {
          Deno.kill(p, "SIGQUIT");
        } catch {
          // gone
        }
      }
    }
    await Promise.all(all.map(async (k) => {
      if (!k.child) return;
      const timer = setTimeout(() => killTree(k.child!.pid), 5_000);
      await k.child.status;
      clearTimeout(timer);
    }));
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };

  try {
    const ssl = ["--auth", "trust", "--ssl-self-signed", "--pgctl", `${BIN}/pg_ctl`, "--hostname", "127.0.0.1"];
    const at = (k: Keeper) => ["--pgdata", k.pgdata, "--pgport", String(k.port)];
    await runOnce(monitor, ["create", "monitor", ...at(monitor), ...ssl]);
    // The monitor has no --listen; without this it listens on every interface.
    await runOnce(monitor, ["config", "set", "--pgdata", monitor.pgdata, "postgresql.listen_addresses", "127.0.0.1"]);
    await spawn(monitor, ["run", "--pgdata", monitor.pgdata]);
    await until(async () => {
      for (const [name, value] of Object.entries(MONITOR_SETTINGS)) {
        await monitorSql.unsafe(`ALTER SYSTEM SET ${name} = ${value}`);
      }
      await monitorSql`SELECT pg_reload_conf()`;
      return true;
    }, 20_000);
    const monitorUrl = await until(
      async () =>
        (await runOnce(monitor, ["show", "uri", "--pgdata", monitor.pgdata, "--formation", "monitor"])) || undefined,
      10_000,
    );
    if (!monitorUrl) throw new Error(`pg_auto_failover: the monitor did not start\n${await logs()}`);
    const create = (k: Keeper) =>
      spawn(k, [
        "create",
        "postgres",
        ...at(k),
        ...ssl,
        "--listen",
        "127.0.0.1",
        "--name",
        k.name,
        "--username",
        DB,
        "--dbname",
        DB,
        "--monitor",
        monitorUrl,
        "--run",
      ]);
    // One after the other: the first registered becomes the primary, the second its standby by pg_basebackup.
    await create(nodes[0]);
    await waitFor((s) => s.some((n) => n.name === nodes[0].name && n.reported === "single"), 60_000, "single");
    const first = pool(nodes[0].port, DB);
    // Opsdeck's migrations need the owner to be a superuser (extensions); fsync off as in the other fault tests,
    // copied to the standby with the data directory.
    await first.unsafe(`ALTER ROLE ${DB} SUPERUSER`);
    await first`ALTER SYSTEM SET fsync = off`;
    await first`SELECT pg_reload_conf()`;
    await create(nodes[1]);
    let checkpointing = false;
    // pg_basebackup waits for a spread checkpoint (minutes on an idle cluster); an immediate one ends it.
    await waitFor(
      (s) =>
        s.length === 2 && s.every((n) => n.reported === n.assigned) &&
        s.map((n) => n.reported).sort().join() === "primary,secondary",
      90_000,
      "primary and secondary",
      () => {
        if (checkpointing) return;
        checkpointing = true;
        first`CHECKPOINT`.catch(() => {}).finally(() => checkpointing = false);
      },
    );
    const uri = await runOnce(monitor, ["show", "uri", "--pgdata", monitor.pgdata, "--formation", "default"]);
    const primary = (await states()).find((n) => n.reported === "primary")!;
    return {
      uri: uri.replace("postgres://", `postgres://${DB}@`),
      primaryUrl: `postgres://${DB}@127.0.0.1:${primary.port}/${DB}`,
      states,
      waitFor,
      killPrimary() {
        const k = nodes.find((n) => n.port === primary.port)!;
        killTree(k.child!.pid);
        return primary;
      },
      dispose,
    };
  } catch (e) {
    await dispose();
    throw e;
  }
}
