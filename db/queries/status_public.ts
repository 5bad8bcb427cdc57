/** What a public status page reads: its checks' states and daily roll-ups, per component. */
import type { Sql } from "../client.ts";

export interface ComponentCheckState {
  component_id: string;
  check_id: string;
  project_id: string;
  status: "unknown" | "up" | "down" | "degraded";
  paused: boolean;
}

export async function componentCheckStates(sql: Sql, tenantId: string, pageId: string) {
  return await sql<ComponentCheckState[]>`
    SELECT cc.component_id, h.id AS check_id, h.project_id, h.status, h.paused
    FROM status_page_components c
    JOIN status_component_checks cc ON cc.tenant_id = c.tenant_id AND cc.component_id = c.id
    JOIN health_checks h ON h.tenant_id = cc.tenant_id AND h.id = cc.check_id
    WHERE c.tenant_id = ${tenantId} AND c.page_id = ${pageId}`;
}

export interface ComponentDay {
  component_id: string;
  day: string;
  total: number;
  ok: number;
  latency_sum: number;
  latency_count: number;
}

/** Per component and UTC day since `from`: results, results up or degraded (answering), latency sum and count. */
export async function componentDays(sql: Sql, tenantId: string, pageId: string, from: Date) {
  return await sql<ComponentDay[]>`
    SELECT cc.component_id, to_char(d.bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
      sum(d.total)::int AS total, sum(d.up + d.degraded)::int AS ok,
      sum(d.latency_sum)::float8 AS latency_sum, sum(d.latency_count)::int AS latency_count
    FROM status_page_components c
    JOIN status_component_checks cc ON cc.tenant_id = c.tenant_id AND cc.component_id = c.id
    JOIN check_results_daily d ON d.tenant_id = cc.tenant_id AND d.check_id = cc.check_id AND d.bucket >= ${from}
    WHERE c.tenant_id = ${tenantId} AND c.page_id = ${pageId}
    GROUP BY 1, 2`;
}
