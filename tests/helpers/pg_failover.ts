/**
 * A PostgreSQL primary and a streaming standby (Debian's postgresql-15, as CI
 * installs it) on 127.0.0.1, for the failover test: the primary can be killed
 * (SIGKILL to the postmaster and its children) and the standby promoted, the
 * step a failover manager (pg_auto_failover, Patroni) takes. Running as root,
 * the clusters run as "postgres". Removed at `dispose()`.
 */
import { childrenOf } from "./killable_postgres.ts";

const BIN = "/usr/lib/postgresql/15/bin";
export const FAILOVER_AVAILABLE = (() => {
  try {
    return Deno.statSync(`${BIN}/pg_basebackup`).isFile;
  } catch {
    return false;
  }
})();

export interface FailoverPair {
  primaryUrl: string;
  /** Both hosts, writable one wanted: what Opsdeck is given as DATABASE_URL. */
  multiHostUrl: string;
  killPrimary(): void;
  promoteStandby(): Promise<void>;
  dispose(): Promise<void>;
}

const asRoot = Deno.uid() === 0;

async function run(cmd: string, args: string[]): Promise<void> {
  const command = asRoot
    ? new Deno.Command("runuser", { args: ["-u", "postgres", "--", `${BIN}/${cmd}`, ...args] })
    : new Deno.Command(`${BIN}/${cmd}`, { args });
  const out = await command.output();
  if (!out.success) throw new Error(`${cmd}: ${new TextDecoder().decode(out.stderr)}`);
}

export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

export async function startFailoverPair(): Promise<FailoverPair> {
  const dir = await Deno.makeTempDir({ prefix: "opsdeck-failover-" });
  await Deno.chmod(dir, 0o755);
  if (asRoot) await new Deno.Command("chown", { args: ["postgres", dir] }).output();
  const [p1, p2] = [freePort(), freePort()];
  const options = (port: number) => `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  await run("initdb", ["-D", `${dir}/primary`, "-U", "opsdeck", "--auth=trust", "-E", "UTF8", "--locale=C"]);
  await run("pg_ctl", ["-D", `${dir}/primary`, "-o", options(p1), "-l", `${dir}/primary.log`, "-w", "start"]);
  await run("pg_basebackup", ["-h", "127.0.0.1", "-p", String(p1), "-U", "opsdeck", "-D", `${dir}/standby`, "-R"]);
  await run("pg_ctl", ["-D", `${dir}/standby`, "-o", options(p2), "-l", `${dir}/standby.log`, "-w", "start"]);
  const postmaster = (name: string) => Number(Deno.readTextFileSync(`${dir}/${name}/postmaster.pid`).split("\n")[0]);
  const primaryPid = postmaster("primary");
  return {
    primaryUrl: `postgres://opsdeck@127.0.0.1:${p1}/postgres`,
    multiHostUrl: `postgres://opsdeck@127.0.0.1:${p1},127.0.0.1:${p2}/postgres?target_session_attrs=read-write`,
    killPrimary() {
      for (const pid of [primaryPid, ...childrenOf(primaryPid)]) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch {
          // exited meanwhile
        }
      }
    },
    promoteStandby: () => run("pg_ctl", ["-D", `${dir}/standby`, "-w", "promote"]),
    async dispose() {
      for (const name of ["primary", "standby"]) {
        await run("pg_ctl", ["-D", `${dir}/${name}`, "-m", "immediate", "stop"]).catch(() => {});
      }
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
