/**
 * Seeding shared by the benches over check results (check_history,
 * result_storage): one tenant with a client, its projects and HTTP checks
 * spread over them, and the roll-ups built from the seeded raw results by
 * GROUP BY. Each bench writes its own results (its own times and columns).
 */
import type { Sql } from "../../db/client.ts";

export interface SeededCheck {
  id: string;
  projectId: string;
}

/**
 * Checks numbered `numbers[0]`…`numbers[1]` (both included; check i in
 * project 1 + i % projects), in that order.
 */
export async function seedTenantChecks(
  sql: Sql,
  o: { projects: number; numbers: [number, number] },
): Promise<{ tenantId: string; checks: SeededCheck[] }> {
  const [{ id: tenantId }] = await sql<{ id: string }[]>`
    INSERT INTO tenants (name, slug) VALUES ('Bench', 'bench') RETURNING id`;
  const [{ id: clientId }] = await sql<{ id: string }[]>`
    INSERT INTO clients (tenant_id, name) VALUES (${tenantId}, 'Bench client') RETURNING id`;
  const projects = await sql<{ id: string }[]>`
    INSERT INTO projects (tenant_id, client_id, name, slug)
    SELECT ${tenantId}, ${clientId}, 'Project ' || i, 'project-' || i FROM generate_series(1, ${o.projects}) i
    RETURNING id`;
  const checks = await sql<{ id: string; project_id: string }[]>`
    INSERT INTO health_checks (tenant_id, project_id, name, type, url)
    SELECT ${tenantId}, (${projects.map((p) => p.id)}::uuid[])[1 + i % ${o.projects}], 'Check ' || i, 'http',
           'https://example.com/' || i
    FROM generate_series(${o.numbers[0]}::int, ${o.numbers[1]}::int) i
    RETURNING id, project_id`;
  return { tenantId, checks: checks.map((c) => ({ id: c.id, projectId: c.project_id })) };
}

/** check_results_hourly from every raw result, then check_results_daily from the hourly rows. */
export async function rollUpHourlyAndDaily(sql: Sql): Promise<void> {
  await sql`
    INSERT INTO check_results_hourly (tenant_id, check_id, bucket, total, up, down, degraded, latency_count,
                                      latency_sum, latency_min, latency_max, latency_histogram)
    SELECT tenant_id, check_id, date_trunc('hour', checked_at, 'UTC'), count(*), count(*) FILTER (WHERE status = 'up'),
           count(*) FILTER (WHERE status = 'down'), count(*) FILTER (WHERE status = 'degraded'), count(latency_ms),
           coalesce(sum(latency_ms), 0), min(latency_ms), max(latency_ms), opsdeck_latency_histogram(latency_ms)
    FROM check_results GROUP BY 1, 2, 3`;
  await sql`
    INSERT INTO check_results_daily (tenant_id, check_id, bucket, total, up, down, degraded, latency_count,
                                     latency_sum, latency_min, latency_max, latency_histogram)
    SELECT tenant_id, check_id, date_trunc('day', bucket, 'UTC'), sum(total), sum(up), sum(down), sum(degraded),
           sum(latency_count), sum(latency_sum), min(latency_min), max(latency_max),
           opsdeck_histogram_sum(latency_histogram)
    FROM check_results_hourly GROUP BY 1, 2, 3`;
}

/** check_results_project_daily from the daily rows (after rollUpHourlyAndDaily). */
export async function rollUpProjectDaily(sql: Sql): Promise<void> {
  await sql`
    INSERT INTO check_results_project_daily (tenant_id, project_id, bucket, total, up, down, degraded, latency_count,
                                             latency_sum)
    SELECT d.tenant_id, h.project_id, d.bucket, sum(d.total), sum(d.up), sum(d.down), sum(d.degraded),
           sum(d.latency_count), sum(d.latency_sum)
    FROM check_results_daily d JOIN health_checks h ON h.tenant_id = d.tenant_id AND h.id = d.check_id
    GROUP BY 1, 2, 3`;
}
