/**
 * The fault suite's world: a PostgreSQL the test can kill (its own), Opsdeck
 * replicas as separate `deno run main.ts serve` processes on it (killed with
 * SIGKILL or SIGTERM like a real process), probe targets and a webhook
 * receiver on 127.0.0.1, and counters read from the database and the
 * receiver: results per check, deliveries per id.
 */
import { withTenant } from "../../db/tenant.ts";
import { phaseOf } from "../../services/checks/transitions.ts";
import { genClient, genTenant, genUser, type SignedIn, signIn, TEST_SECRET } from "../helpers/fixtures.ts";
import { genProject } from "../helpers/catalog.ts";
import { type KillablePostgres, startKillablePostgres } from "../helpers/killable_postgres.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

export interface Replica {
  name: string;
  url: string;
  /** This process's stdout lines (JSON logs). */
  lines: string[];
  kill(signal: "SIGKILL" | "SIGTERM"): Promise<Deno.CommandStatus>;
  /** Its process id; its leases name it as host:pid:… (claimed_by, locked_by). */
  pid: number;
}

/** One Opsdeck process on `databaseUrl`; resolves once it listens. */
export async function startReplica(name: string, databaseUrl: string, env: Record<string, string> = {}) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--no-check", "main.ts", "serve"],
    cwd: ROOT,
    env: {
      DATABASE_URL: databaseUrl,
      HOST: "127.0.0.1",
      PORT: "0",
      OPSDECK_SECRET: TEST_SECRET,
      OPSDECK_PROBE_ALLOW: "127.0.0.0/8",
      OPSDECK_WEBHOOK_ALLOW: "127.0.0.0/8",
      OPSDECK_DB_WAIT_SECONDS: "60",
      OPSDECK_SHUTDOWN_TIMEOUT_MS: "3000",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines: string[] = [];
  let listening: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => listening = resolve);
  (async () => {
    let rest = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      rest += chunk;
      const parts = rest.split("\n");
      rest = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        const m = line.match(/listening on (http:\/\/[\d.]+:\d+)/);
        if (m) listening(m[1]);
      }
    }
  })().catch(() => {});
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const started = await Promise.race([url, child.status.then(() => null)]);
  clearTimeout(timer);
  if (!started) throw new Error(`replica ${name} exited before listening: ${lines.join("\n")}`);
  return {
    name,
    url: started,
    lines,
    pid: child.pid,
    async kill(signal: "SIGKILL" | "SIGTERM") {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
      return await child.status;
    },
  } satisfies Replica;
}

/** Probe targets: /ok answers 200, /slow 200 after `slowMs`, /down 500; every hit counted per check. */
export function startTargets(slowMs = 3_000) {
  const hits = new Map<string, number>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const u = new URL(req.url);
    const check = u.searchParams.get("c") ?? "";
    hits.set(check, (hits.get(check) ?? 0) + 1);
    if (u.pathname === "/slow") await new Promise((r) => setTimeout(r, slowMs));
    return new Response("target", { status: u.pathname === "/down" ? 500 : 200 });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, hits, stop: () => server.shutdown() };
}

export interface Received {
  id: string;
  at: number;
  status: number;
}

/**
 * A webhook receiver recording every request's webhook-id and arrival time
 * (ms, performance.now()); `answer` picks the status (and Retry-After, delay).
 */
export function startReceiver(
  answer: (id: string, n: number) => { status: number; retryAfter?: string; delayMs?: number } = () => ({
    status: 200,
  }),
) {
  const received: Received[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    await req.text();
    const id = req.headers.get("webhook-id") ?? "";
    const a = answer(id, received.filter((r) => r.id === id).length + 1);
    received.push({ id, at: performance.now(), status: a.status });
    if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
    return new Response("", { status: a.status, headers: a.retryAfter ? { "retry-after": a.retryAfter } : {} });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/hook`,
    received,
    /** How many times each delivery id arrived. */
    perId: () => received.reduce((m, r) => m.set(r.id, (m.get(r.id) ?? 0) + 1), new Map<string, number>()),
    stop: () => server.shutdown(),
  };
}

export interface FaultWorld {
  pg: KillablePostgres;
  tenantId: string;
  projectId: string;
  alice: SignedIn;
  dispose(): Promise<void>;
}

export async function faultWorld(): Promise<FaultWorld> {
  const pg = await startKillablePostgres();
  const tenant = await genTenant(pg.admin);
  const client = await genClient(pg.admin, tenant.id);
  const project = await genProject(pg.admin, tenant.id, client.id, { name: "Faults" });
  const alice = await signIn(pg.admin, await genUser(pg.admin, tenant.id, { role: "admin" }));
  return { pg, tenantId: tenant.id, projectId: project.id, alice, dispose: () => pg.dispose() };
}

/** `count` HTTP checks at `url` (?c=<n> added), every `intervalSeconds`, due at once. */
export async function insertChecks(
  w: FaultWorld,
  o: { count: number; url: string; intervalSeconds: number; timeoutMs?: number },
): Promise<string[]> {
  return await withTenant(w.pg.admin, w.tenantId, async (tx) => {
    const rows = await tx<{ id: string }[]>`
      INSERT INTO health_checks (tenant_id, project_id, name, type, url, interval_seconds, confirmations, next_run_at,
        timeout_ms)
      SELECT ${w.tenantId}, ${w.projectId}, 'fault ' || n, 'http', ${o.url} || '?c=' || n, ${o.intervalSeconds}, 1,
        now(), ${o.timeoutMs ?? 5_000}
      FROM generate_series(1, ${o.count}) AS n
      RETURNING id`;
    return rows.map((r) => r.id);
  });
}

/** A webhook channel made through a replica's API (its signing secret sealed like a user's), and a rule. */
export async function webhookChannel(w: FaultWorld, replica: Replica, url: string, eventTypes: string[]) {
  const res = await fetch(`${replica.url}/api/v1/notification-channels`, {
    method: "POST",
    headers: { ...w.alice.bearer, "content-type": "application/json" },
    body: JSON.stringify({ name: `hook ${crypto.randomUUID().slice(0, 6)}`, type: "webhook", config: { url } }),
  });
  if (res.status !== 201) throw new Error(`channel: ${res.status} ${await res.text()}`);
  const { id } = await res.json() as { id: string };
  await w.pg.admin`
    INSERT INTO notification_rules (tenant_id, channel_id, event_types, mode, enabled)
    VALUES (${w.tenantId}, ${id}, ${eventTypes}, 'immediate', true)`;
  return id;
}

/** Check results per check (written ones), with their instants. */
export async function resultTimes(w: FaultWorld): Promise<Map<string, number[]>> {
  const rows = await w.pg.admin<{ check_id: string; at: number }[]>`
    SELECT check_id, extract(epoch FROM checked_at) * 1000 AS at FROM check_results
    WHERE tenant_id = ${w.tenantId} ORDER BY check_id, checked_at`;
  const out = new Map<string, number[]>();
  for (const r of rows) out.set(r.check_id, [...(out.get(r.check_id) ?? []), Number(r.at)]);
  return out;
}

/** Deliveries per status (a plain array, comparable with assertEquals). */
export async function deliveryCounts(w: FaultWorld): Promise<{ status: string; n: number }[]> {
  return [
    ...await w.pg.admin<{ status: string; n: number }[]>`
    SELECT status, count(*)::int AS n FROM notification_deliveries WHERE tenant_id = ${w.tenantId}
    GROUP BY status ORDER BY status`,
  ];
}

/** Waits until `fn` is true (checked every 200 ms) or `ms` pass; returns whether it became true. */
export async function until(fn: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return await fn();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs of one check that fall in the same slot of its phase (services/checks/
 * transitions.ts: slots at phase + k × interval): two runs for one scheduled
 * time. A late run (after an outage or a takeover) counts in the slot it ran
 * in, and the scheduler puts the next one in a later slot, so legitimate runs
 * never share one.
 */
export function doubledRuns(checkId: string, times: number[], intervalMs: number): number {
  const phase = phaseOf(checkId, intervalMs);
  const slots = times.map((t) => Math.floor((t - phase) / intervalMs));
  return slots.length - new Set(slots).size;
}
