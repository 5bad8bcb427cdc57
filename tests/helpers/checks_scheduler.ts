/**
 * Fixtures for the scheduler tests: a tenant with a project, checks inserted
 * straight into health_checks, a controllable clock, a scripted probe, and a
 * counting HTTP target on 127.0.0.1.
 */
import type { Sql } from "../../db/client.ts";
import { withTenant } from "../../db/tenant.ts";
import type { BackgroundDeps } from "../../services/workers/loop.ts";
import type { ProbeDefinition, ProbeOutcome } from "../../services/checks/probe.ts";
import { createScheduler, type SchedulerDeps } from "../../services/checks/scheduler.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { silentLogger } from "../../services/platform/logger.ts";
import { genProject } from "./catalog.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";
import { genClient, genTenant } from "./fixtures.ts";

export const T0 = new Date("2026-06-01T12:00:00.000Z");

export interface Clock {
  now: () => Date;
  set(at: Date | number): void;
  advance(ms: number): void;
}

export function clock(start: Date = T0): Clock {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set: (at) => t = typeof at === "number" ? at : at.getTime(),
    advance: (ms) => t += ms,
  };
}

export interface SchedulerWorld {
  db: TestDatabase;
  sql: Sql;
  tenantId: string;
  projectId: string;
  clock: Clock;
  deps(instanceId?: string): BackgroundDeps;
}

/** Loopback targets must be allowed explicitly (the probe policy refuses them by default). */
export const TEST_CONFIG = loadConfig({
  OPSDECK_SECRET: "test-secret-test-secret-test-secret-0000",
  OPSDECK_PROBE_ALLOW: "127.0.0.0/8",
});

export async function schedulerWorld(): Promise<SchedulerWorld> {
  const db = await createTestDatabase();
  const tenant = await genTenant(db.sql);
  const client = await genClient(db.sql, tenant.id);
  const project = await genProject(db.sql, tenant.id, client.id, { name: "Shop" });
  const c = clock();
  return {
    db,
    sql: db.sql,
    tenantId: tenant.id,
    projectId: project.id,
    clock: c,
    deps: (instanceId = "test-1") => ({
      sql: db.sql,
      config: TEST_CONFIG,
      logger: silentLogger,
      now: c.now,
      secret: "test-secret-test-secret-test-secret-0000",
      instanceId,
    }),
  };
}

export function scheduler(w: SchedulerWorld, extra: Partial<SchedulerDeps> = {}, instanceId = "test-1") {
  return createScheduler({ ...w.deps(instanceId), ...extra });
}

export interface CheckInsert {
  name?: string;
  type?: "http" | "tcp" | "heartbeat";
  url?: string;
  interval_seconds?: number;
  grace_seconds?: number;
  confirmations?: number;
  depends_on_id?: string | null;
  next_run_at?: Date;
  paused?: boolean;
  timeout_ms?: number;
  cert_expiry_days?: number;
  ping_token_hash?: Uint8Array;
  cron?: string | null;
  timezone?: string;
  min_duration_ms?: number | null;
  max_duration_ms?: number | null;
  last_ping_at?: Date | null;
  project_id?: string;
}

export async function insertCheck(w: SchedulerWorld, c: CheckInsert = {}): Promise<string> {
  const type = c.type ?? "http";
  return await withTenant(w.sql, w.tenantId, async (tx) => {
    const [row] = await tx<{ id: string }[]>`
      INSERT INTO health_checks (tenant_id, project_id, name, type, url, interval_seconds, grace_seconds,
        confirmations, depends_on_id, next_run_at, paused, timeout_ms, cert_expiry_days, ping_token_hash, cron,
        timezone, min_duration_ms, max_duration_ms, last_ping_at)
      VALUES (${w.tenantId}, ${c.project_id ?? w.projectId}, ${c.name ?? `check ${crypto.randomUUID().slice(0, 6)}`},
        ${type}, ${type === "http" ? c.url ?? "http://127.0.0.1:9/" : null}, ${c.interval_seconds ?? 60},
        ${c.grace_seconds ?? 0}, ${c.confirmations ?? 1}, ${c.depends_on_id ?? null}, ${c.next_run_at ?? T0},
        ${c.paused ?? false}, ${c.timeout_ms ?? 2000}, ${c.cert_expiry_days ?? 14}, ${c.ping_token_hash ?? null},
        ${c.cron ?? null}, ${c.timezone ?? "UTC"}, ${c.min_duration_ms ?? null}, ${c.max_duration_ms ?? null},
        ${c.last_ping_at ?? null})
      RETURNING id`;
    return row.id;
  });
}

export interface CheckRow {
  status: string;
  consecutive_failures: number;
  recent_outcomes: string;
  next_run_at: Date;
  claimed_by: string | null;
  claimed_until: Date | null;
  flapping: boolean;
  cert_fingerprint: string | null;
  cert_notified_fingerprint: string | null;
  last_ping_at: Date | null;
  last_start_at: Date | null;
}

export async function checkRow(w: SchedulerWorld, id: string): Promise<CheckRow> {
  const [row] = await w.sql<CheckRow[]>`
    SELECT status, consecutive_failures, recent_outcomes, next_run_at, claimed_by, claimed_until, flapping, cert_fingerprint,
      cert_notified_fingerprint, last_ping_at, last_start_at
    FROM health_checks WHERE id = ${id}`;
  return row;
}

export interface EventRow {
  type: string;
  payload: Record<string, unknown>;
}

export async function eventsOf(w: SchedulerWorld, checkId: string): Promise<EventRow[]> {
  return [
    ...await w.sql<EventRow[]>`
      SELECT type, payload FROM events WHERE subject_id = ${checkId} ORDER BY created_at, id`,
  ];
}

export async function resultsOf(w: SchedulerWorld, checkId: string) {
  return [
    ...await w.sql<{ status: string; detail: string | null; checked_at: Date }[]>`
      SELECT status, detail, checked_at FROM check_results WHERE check_id = ${checkId} ORDER BY checked_at`,
  ];
}

/** A probe whose outcome per check id is set by the test (default up). */
export function scriptedProbe() {
  const next = new Map<string, Partial<ProbeOutcome>>();
  const calls: string[] = [];
  return {
    calls,
    set(url: string, outcome: Partial<ProbeOutcome>) {
      next.set(url, outcome);
    },
    probe: (def: ProbeDefinition): Promise<ProbeOutcome> => {
      calls.push(def.url ?? "");
      const o = next.get(def.url ?? "") ?? {};
      return Promise.resolve({
        status: "up",
        latencyMs: 12,
        statusCode: 200,
        detail: null,
        certificate: null,
        ...o,
      });
    },
  };
}

/** An HTTP target that counts requests per path; `/fail*` answers 500. */
export function countingTarget() {
  const hits = new Map<string, number[]>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    hits.set(path, [...hits.get(path) ?? [], Date.now()]);
    return new Response(path.startsWith("/fail") ? "fail" : "ok", { status: path.startsWith("/fail") ? 500 : 200 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    hits,
    stop: () => server.shutdown(),
  };
}
