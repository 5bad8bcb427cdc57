/** Fixtures for the check-history tests: a tenant with projects and checks, results, windows. */
import type { Sql } from "../../db/client.ts";
import { type CheckResultInsert, insertCheckResults, type ResultStatus } from "../../db/queries/check_results.ts";
import { createLogger, lineSink, type Logger } from "../../services/platform/logger.ts";
import { createRetention } from "../../services/workers/retention.ts";
import { genProject } from "../helpers/catalog.ts";
import { genClient, genTenant } from "../helpers/fixtures.ts";

export async function genCheck(sql: Sql, tenantId: string, projectId: string, name = "Home page"): Promise<string> {
  const [{ id }] = await sql<{ id: string }[]>`
    INSERT INTO health_checks (tenant_id, project_id, name, type, url)
    VALUES (${tenantId}, ${projectId}, ${name}, 'http', 'https://example.com/')
    RETURNING id`;
  return id;
}

/** A tenant, one client, `projects` projects with `checksPerProject` checks each. */
export async function genChecks(sql: Sql, projects = 1, checksPerProject = 1) {
  const tenant = await genTenant(sql);
  const client = await genClient(sql, tenant.id);
  const checks: { id: string; projectId: string }[] = [];
  for (let p = 0; p < projects; p++) {
    const project = await genProject(sql, tenant.id, client.id);
    for (let c = 0; c < checksPerProject; c++) {
      checks.push({ id: await genCheck(sql, tenant.id, project.id, `Check ${c}`), projectId: project.id });
    }
  }
  return { tenant, client, checks };
}

export async function genWindow(
  sql: Sql,
  tenantId: string,
  projectId: string | null,
  start: Date,
  end: Date,
): Promise<void> {
  await sql`
    INSERT INTO maintenance_windows (tenant_id, project_id, title, starts_at, ends_at)
    VALUES (${tenantId}, ${projectId}, 'Upgrade', ${start}, ${end})`;
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing case can be rerun. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES: ResultStatus[] = ["up", "up", "up", "up", "up", "up", "down", "degraded"];

/** One result per `everySeconds` in [from, to) for a check, with random status and latency. */
export function genResults(
  tenantId: string,
  checkId: string,
  from: Date,
  to: Date,
  everySeconds: number,
  random: () => number,
): CheckResultInsert[] {
  const rows: CheckResultInsert[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += everySeconds * 1000) {
    const status = STATUSES[Math.floor(random() * STATUSES.length)];
    rows.push({
      tenantId,
      checkId,
      status,
      latencyMs: random() < 0.05 ? null : Math.floor(random() ** 3 * 4000),
      statusCode: status === "down" ? 503 : 200,
      detail: status === "down" ? "HTTP 503" : null,
      checkedAt: new Date(t),
    });
  }
  return rows;
}

export async function insertInBatches(sql: Sql, rows: CheckResultInsert[], size = 500): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += size) inserted += await insertCheckResults(sql, rows.slice(i, i + size));
  return inserted;
}

/** A logger whose lines the test can read. */
/** One retention pass as if run at `now`, keeping `days` days of results, raw and rolled up alike. */
export function retentionPass(sql: Sql, now: Date, days: number, logger: Logger) {
  return createRetention({ sql, config: { retentionDays: days, rawRetentionDays: days }, logger, now: () => now })
    .runOnce();
}

export function captureLogger() {
  const lines: Record<string, unknown>[] = [];
  return { logger: createLogger("debug", lineSink((l) => lines.push(JSON.parse(l)))), lines };
}
