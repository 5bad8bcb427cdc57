/**
 * Who hears about a check going down: per check, whether an enabled alert
 * rule opens an alert for it, and how many enabled notification rules would
 * deliver that alert (or the raw down/missed event) to it, on working and on
 * broken channels. The matching mirrors rulesForEvent (alert_rules.ts) and
 * insertFanOut (notification_deliveries.ts): tenant-wide, the check's
 * project, or the check itself.
 */
import type { Sql } from "../client.ts";

export interface CoverageRow {
  id: string;
  name: string;
  /** An enabled alert rule opens an alert when it goes down (or its heartbeat is missed). */
  alerted: boolean;
  /** Notification rules reaching it through alert.triggered (only useful when alerted) or the raw event. */
  alert_routes: number;
  alert_routes_working: number;
  event_routes: number;
  event_routes_working: number;
  /** Channels the organisation has at all. */
  channels: number;
}

/**
 * Coverage of the tenant's unpaused checks: `ids` narrows it to those
 * checks, `clientId` to a client's projects; `limit` bounds the answer.
 */
export async function checkCoverage(
  sql: Sql,
  tenantId: string,
  f: { ids?: string[]; clientId?: string | null; limit: number },
): Promise<CoverageRow[]> {
  return await sql<CoverageRow[]>`
    WITH c AS (
      SELECT h.id, h.name, h.project_id, h.type
      FROM health_checks h JOIN projects p ON p.tenant_id = h.tenant_id AND p.id = h.project_id
      WHERE h.tenant_id = ${tenantId} AND NOT h.paused AND p.archived_at IS NULL
        ${f.ids ? sql`AND h.id = ANY (${f.ids}::uuid[])` : sql``}
        ${f.clientId ? sql`AND p.client_id = ${f.clientId}` : sql``}
      ORDER BY lower(h.name), h.id
      LIMIT ${f.limit}
    ),
    routes AS (
      SELECT c.id,
        count(*) FILTER (WHERE 'alert.triggered' = ANY (r.event_types))::int AS alert_routes,
        count(*) FILTER (WHERE 'alert.triggered' = ANY (r.event_types) AND NOT ch.broken)::int AS alert_routes_working,
        count(*) FILTER (WHERE r.event_types && ARRAY['health_check.down', 'heartbeat.missed'])::int AS event_routes,
        count(*) FILTER (WHERE r.event_types && ARRAY['health_check.down', 'heartbeat.missed'] AND NOT ch.broken)::int
          AS event_routes_working
      FROM c
      JOIN notification_rules r ON r.tenant_id = ${tenantId} AND r.enabled
        AND (r.project_id IS NULL OR r.project_id = c.project_id) AND (r.check_id IS NULL OR r.check_id = c.id)
      JOIN notification_channels ch ON ch.tenant_id = r.tenant_id AND ch.id = r.channel_id
      GROUP BY c.id
    )
    SELECT c.id, c.name,
      EXISTS (SELECT 1 FROM alert_rules a WHERE a.tenant_id = ${tenantId} AND a.enabled
        AND a.kind IN ('check_down', CASE WHEN c.type = 'heartbeat' THEN 'heartbeat_missed' ELSE 'check_down' END)
        AND (a.project_id IS NULL OR a.project_id = c.project_id) AND (a.check_id IS NULL OR a.check_id = c.id))
        AS alerted,
      coalesce(r.alert_routes, 0) AS alert_routes, coalesce(r.alert_routes_working, 0) AS alert_routes_working,
      coalesce(r.event_routes, 0) AS event_routes, coalesce(r.event_routes_working, 0) AS event_routes_working,
      (SELECT count(*)::int FROM notification_channels WHERE tenant_id = ${tenantId}) AS channels
    FROM c LEFT JOIN routes r ON r.id = c.id
    ORDER BY lower(c.name), c.id`;
}
