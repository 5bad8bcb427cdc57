/**
 * A project's "now" for the hub's live strip: its checks per shown status
 * (paused and flapping apart, as the board shows them) and its open alerts
 * per severity, in one statement. The caller has already found the project
 * visible to the reader (tenant by row-level security, client by the project).
 */
import type { Sql } from "../client.ts";

export interface ProjectNowRow {
  checks: { up: number; down: number; degraded: number; unknown: number; paused: number; flapping: number };
  alerts: { info: number; warning: number; critical: number };
}

export async function projectNow(sql: Sql, tenantId: string, projectId: string): Promise<ProjectNowRow> {
  const [row] = await sql<ProjectNowRow[]>`
    SELECT
      (SELECT json_build_object(
          'up', count(*) FILTER (WHERE NOT paused AND NOT flapping AND status = 'up'),
          'down', count(*) FILTER (WHERE NOT paused AND NOT flapping AND status = 'down'),
          'degraded', count(*) FILTER (WHERE NOT paused AND NOT flapping AND status = 'degraded'),
          'unknown', count(*) FILTER (WHERE NOT paused AND NOT flapping AND status = 'unknown'),
          'paused', count(*) FILTER (WHERE paused),
          'flapping', count(*) FILTER (WHERE NOT paused AND flapping))
        FROM health_checks WHERE tenant_id = ${tenantId} AND project_id = ${projectId}) AS checks,
      (SELECT json_build_object(
          'info', count(*) FILTER (WHERE severity = 'info'),
          'warning', count(*) FILTER (WHERE severity = 'warning'),
          'critical', count(*) FILTER (WHERE severity = 'critical'))
        FROM alerts WHERE tenant_id = ${tenantId} AND project_id = ${projectId} AND status <> 'resolved') AS alerts`;
  return row;
}
