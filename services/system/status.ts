/** The health of this process and its database, for /readyz and the overview. */
import type { Sql } from "../../db/client.ts";
import { withTenant } from "../../db/tenant.ts";
import type { Principal } from "../auth/permissions.ts";
import { type Migration, schemaStatus } from "../../db/migrate.ts";
import {
  type AppliedMigration,
  countConnectionsByState,
  countDomainRows,
  getServerVersion,
  isReadOnly,
  listAppliedMigrations,
} from "../../db/queries/system.ts";
import { decodeCursor, type Page, toPage } from "../platform/pagination.ts";
import type { HttpMetrics } from "../platform/prometheus.ts";
import { type DatabaseTroubles, describeTrouble, unavailableError } from "./database_troubles.ts";

export interface SystemStatus {
  database: { kind: "embedded" | "external"; version: string; dataDir?: string };
  migrations: { ok: boolean; detail: string };
  counts: { label: string; value: number }[];
  uptimeSeconds: number;
  checkedAt: string;
}

export interface DatabaseInfo {
  kind: "embedded" | "external";
  dataDir?: string;
}

export interface Readiness {
  ready: boolean;
  database: "up" | "down";
  migrations: string;
  writes: "ok" | "read_only" | "disk_full";
  detail?: string;
}

/**
 * Ready when the database answers and the schema is current. A database that
 * refuses writes (read-only, or a disk-full error met by a request in the last
 * minute) leaves the instance ready — reads still work, and every replica would
 * fail alike — but says so in `writes`.
 */
export async function checkReadiness(
  sql: Sql,
  migrations: Migration[],
  troubles: DatabaseTroubles,
  timeoutMs = 2000,
): Promise<Readiness> {
  try {
    const [status, readOnly] = await withTimeout(
      Promise.all([schemaStatus(sql, migrations), isReadOnly(sql)]),
      timeoutMs,
    );
    // Read-only is asked directly; a full disk is only known from a write that failed.
    const full = troubles.writeTrouble()?.kind === "disk_full";
    const writes = readOnly ? "read_only" : full ? "disk_full" : "ok";
    return {
      ready: status.ok,
      database: "up",
      migrations: status.detail,
      writes,
      ...(writes === "ok" ? {} : { detail: describeTrouble(writes) }),
    };
  } catch (error) {
    return {
      ready: false,
      database: "down",
      migrations: `unknown: ${(error as Error).message}`,
      writes: troubles.writeTrouble()?.kind ?? "ok",
      detail: unavailableError(error)?.message ?? (error as Error).message,
    };
  }
}

const COUNT_LABELS: Record<string, string> = {
  clients: "Clients",
  projects: "Projects",
  deployments: "Deployments",
  health_checks: "Health checks",
  open_alerts: "Open alerts",
};

export async function getSystemStatus(
  sql: Sql,
  principal: Principal,
  migrations: Migration[],
  database: DatabaseInfo,
  startedAt: number,
  now: Date,
): Promise<SystemStatus> {
  const [version, schema, counts] = await Promise.all([
    getServerVersion(sql),
    schemaStatus(sql, migrations),
    withTenant(sql, principal.tenantId, countDomainRows),
  ]);
  return {
    database: { kind: database.kind, version, dataDir: database.dataDir },
    migrations: { ok: schema.ok, detail: schema.detail },
    counts: Object.entries(counts).map(([k, v]) => ({ label: COUNT_LABELS[k] ?? k, value: v })),
    uptimeSeconds: (now.getTime() - startedAt) / 1000,
    checkedAt: now.toISOString(),
  };
}

/** Refreshes the pool gauges just before `/metrics` renders them. */
export async function samplePoolMetrics(sql: Sql, metrics: HttpMetrics, applicationName: string, max: number) {
  metrics.poolMax.set({}, max);
  const rows = await countConnectionsByState(sql, applicationName);
  for (const state of ["active", "idle", "idle in transaction"]) {
    metrics.poolConnections.set({ state }, rows.find((r) => r.state === state)?.count ?? 0);
  }
}

export async function listMigrations(sql: Sql, limit: number, cursor?: string): Promise<Page<AppliedMigration>> {
  const [after] = cursor ? decodeCursor(cursor, ["number"]) as [number] : [0];
  const rows = await listAppliedMigrations(sql, after, limit + 1);
  return toPage(rows, limit, (row) => [row.version]);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
