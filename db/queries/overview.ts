/**
 * The overview's "now": what is down or slow, open alerts by severity,
 * deployments running, maintenance in progress, and the first-run
 * checklist's facts. One statement; a client user sees their client's
 * projects only (p.client_id), row-level security scopes the tenant.
 */
import type { Sql } from "../client.ts";

export interface NowRow {
  failing: { id: string; name: string; status: "down" | "degraded"; project_name: string; since: string | null }[];
  alerts: { info: number; warning: number; critical: number };
  running: { id: string; project_name: string; environment: string; started_at: string | null }[];
  maintenance: number;
  checklist: { checks: boolean; channels: boolean; tested: boolean; teammates: boolean };
}

export async function overviewNow(sql: Sql, tenantId: string, clientId: string | null, now: Date): Promise<NowRow> {
  const client = (alias: string) => clientId ? sql`AND ${sql(alias)}.client_id = ${clientId}` : sql``;
  const [row] = await sql<NowRow[]>`
    SELECT
      coalesce((SELECT json_agg(f) FROM (
        SELECT h.id, h.name, h.status, p.name AS project_name, h.status_changed_at AS since
        FROM health_checks h JOIN projects p ON p.tenant_id = h.tenant_id AND p.id = h.project_id
        WHERE h.tenant_id = ${tenantId} AND h.status IN ('down', 'degraded') AND NOT h.paused ${client("p")}
        ORDER BY (h.status = 'down') DESC, h.status_changed_at NULLS LAST LIMIT 10) f), '[]') AS failing,
      (SELECT json_build_object(
          'info', count(*) FILTER (WHERE a.severity = 'info'),
          'warning', count(*) FILTER (WHERE a.severity = 'warning'),
          'critical', count(*) FILTER (WHERE a.severity = 'critical'))
        FROM alerts a LEFT JOIN projects p ON p.tenant_id = a.tenant_id AND p.id = a.project_id
        WHERE a.tenant_id = ${tenantId} AND a.status <> 'resolved'
          ${clientId ? sql`AND p.client_id = ${clientId}` : sql``}) AS alerts,
      coalesce((SELECT json_agg(d) FROM (
        SELECT d.id, p.name AS project_name, d.environment, d.started_at
        FROM deployments d JOIN projects p ON p.tenant_id = d.tenant_id AND p.id = d.project_id
        WHERE d.tenant_id = ${tenantId} AND d.status = 'in_progress' ${client("p")}
        ORDER BY d.created_at DESC LIMIT 5) d), '[]') AS running,
      (SELECT count(*)::int FROM maintenance_windows m LEFT JOIN projects p ON p.tenant_id = m.tenant_id
          AND p.id = m.project_id
        WHERE m.tenant_id = ${tenantId} AND m.starts_at <= ${now} AND m.ends_at > ${now}
          ${clientId ? sql`AND p.client_id = ${clientId}` : sql``}) AS maintenance,
      json_build_object(
        'checks', EXISTS (SELECT 1 FROM health_checks WHERE tenant_id = ${tenantId}),
        'channels', EXISTS (SELECT 1 FROM notification_channels WHERE tenant_id = ${tenantId}),
        'tested', EXISTS (SELECT 1 FROM notification_channels WHERE tenant_id = ${tenantId}
          AND last_success_at IS NOT NULL),
        'teammates', (SELECT count(*) FROM users WHERE tenant_id = ${tenantId}) > 1) AS checklist`;
  return row;
}
