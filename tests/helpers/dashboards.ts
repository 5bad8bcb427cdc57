/** Opsdeck data for dashboard tests and the bench: checks with daily roll-ups and deployments per project. */
import type { Sql } from "../../db/client.ts";

const HIST = `{${new Array(33).fill(0).join(",")}}`;

/**
 * `checks` http checks on the project (statuses cycling up/down/degraded/up), `days` daily roll-ups each
 * ending before `now`, and one deployment a day alternating succeeded/failed. Names carry `label`.
 */
export async function seedOpsData(
  sql: Sql,
  o: { tenantId: string; projectId: string; label: string; now: Date; checks?: number; days?: number },
): Promise<string[]> {
  const checks = o.checks ?? 4;
  const days = o.days ?? 7;
  const statuses = ["up", "down", "degraded", "up"];
  const rows = Array.from({ length: checks }, (_, i) => ({
    tenant_id: o.tenantId,
    project_id: o.projectId,
    name: `${o.label} check ${i + 1}`,
    type: "http",
    url: `https://${o.label.toLowerCase().replace(/\W/g, "")}-${i}.example.com/`,
    status: statuses[i % statuses.length],
    last_checked_at: o.now,
    // no scheduler probes these made-up targets (the bench runs a real server with its workers)
    paused: true,
  }));
  const ids: string[] = [];
  for (let start = 0; start < rows.length; start += 1000) {
    const inserted = await sql<{ id: string }[]>`INSERT INTO health_checks ${sql(rows.slice(start, start + 1000))}
      RETURNING id`;
    ids.push(...inserted.map((r) => r.id));
  }
  const dayMs = 86_400_000;
  const today = Math.floor(o.now.getTime() / dayMs) * dayMs;
  const rollups = ids.flatMap((id, i) =>
    Array.from({ length: days }, (_, d) => ({
      tenant_id: o.tenantId,
      check_id: id,
      bucket: new Date(today - (d + 1) * dayMs),
      total: 100,
      up: 100 - ((i + d) % 5),
      down: (i + d) % 5,
      degraded: 0,
      latency_count: 100,
      latency_sum: 100 * (120 + i + d),
      latency_min: 50,
      latency_max: 400,
      latency_histogram: HIST,
    }))
  );
  for (let start = 0; start < rollups.length; start += 2000) {
    const chunk = rollups.slice(start, start + 2000);
    await sql`INSERT INTO check_results_daily ${sql(chunk)}`;
  }
  // the per-project roll-up of these days, as insertCheckResults would have kept it
  await sql`
    INSERT INTO check_results_project_daily AS r (tenant_id, project_id, bucket, total, up, down, degraded,
                                                  latency_count, latency_sum)
    SELECT d.tenant_id, ${o.projectId}::uuid, d.bucket, sum(d.total), sum(d.up), sum(d.down), sum(d.degraded),
           sum(d.latency_count), sum(d.latency_sum)
    FROM check_results_daily d WHERE d.tenant_id = ${o.tenantId} AND d.check_id = ANY(${ids}::uuid[])
    GROUP BY 1, 2, 3
    ON CONFLICT (tenant_id, project_id, bucket) DO UPDATE SET
      total = r.total + excluded.total, up = r.up + excluded.up, down = r.down + excluded.down,
      degraded = r.degraded + excluded.degraded, latency_count = r.latency_count + excluded.latency_count,
      latency_sum = r.latency_sum + excluded.latency_sum`;
  for (let d = 0; d < days; d++) {
    const at = new Date(today - d * dayMs - 3_600_000);
    await sql`
      INSERT INTO deployments (tenant_id, project_id, environment, status, commit_sha, created_at, updated_at)
      VALUES (${o.tenantId}, ${o.projectId}, 'production', ${d % 2 ? "failed" : "succeeded"}, 'abcdef1', ${at}, ${at})`;
  }
  return ids;
}

/** A dashboard with one built-in widget, a report and a run with a file, owned by no one (rows for the cross-tenant walk). */
export async function genDashboard(sql: Sql, tenantId: string, name = "Walk"): Promise<string> {
  const [d] = await sql<{ id: string }[]>`
    INSERT INTO dashboards (tenant_id, name) VALUES (${tenantId}, ${name}) RETURNING id`;
  await sql`INSERT INTO widgets (tenant_id, dashboard_id, type, title, query, pos_x, pos_y, pos_w, pos_h)
            VALUES (${tenantId}, ${d.id}, 'table', 'Checks', 'check_list', 0, 0, 6, 4)`;
  const [r] = await sql<{ id: string }[]>`
    INSERT INTO reports (tenant_id, dashboard_id, name, cron, recipients, format, next_run_at)
    VALUES (${tenantId}, ${d.id}, 'Walk', '0 8 * * *', '{walk@example.com}', 'csv', now() + interval '1 day')
    RETURNING id`;
  await sql`INSERT INTO report_runs (tenant_id, report_id, trigger, status, file, filename, content_type, expires_at)
            VALUES (${tenantId}, ${r.id}, 'manual', 'sent', '\\x00', 'walk.csv', 'text/csv', now() + interval '1 day')`;
  return d.id;
}
