/**
 * Usage analytics per platform and month: how many of each platform's
 * configured things were used in the period, and how many are failing
 * (services/insights/usage.ts turns the counts into a status).
 */
import type { Sql } from "../client.ts";

export interface PlatformCounts {
  platform: "slack" | "email" | "webhook" | "github" | "data_sources" | "api_keys";
  configured: number;
  active: number;
  failing: number;
}

export async function platformCounts(sql: Sql, tenantId: string, from: Date, to: Date): Promise<PlatformCounts[]> {
  return await sql<PlatformCounts[]>`
    SELECT k.type AS platform,
      count(ch.id)::int AS configured,
      count(ch.id) FILTER (WHERE EXISTS (
        SELECT 1 FROM notification_deliveries d WHERE d.tenant_id = ch.tenant_id AND d.channel_id = ch.id
          AND d.status = 'sent' AND d.sent_at >= ${from} AND d.sent_at < ${to}))::int AS active,
      count(ch.id) FILTER (WHERE ch.broken OR EXISTS (
        SELECT 1 FROM notification_deliveries d WHERE d.tenant_id = ch.tenant_id AND d.channel_id = ch.id
          AND d.status = 'dead' AND d.updated_at >= ${from} AND d.updated_at < ${to}))::int AS failing
    FROM (VALUES ('slack'), ('email'), ('webhook')) AS k (type)
    LEFT JOIN notification_channels ch ON ch.tenant_id = ${tenantId} AND ch.type = k.type
    GROUP BY k.type
    UNION ALL
    SELECT 'github',
      CASE WHEN EXISTS (SELECT 1 FROM github_webhooks g WHERE g.tenant_id = ${tenantId})
        THEN (SELECT count(*) FROM projects p WHERE p.tenant_id = ${tenantId} AND p.archived_at IS NULL) ELSE 0 END::int,
      (SELECT count(DISTINCT d.project_id) FROM deployments d
        WHERE d.tenant_id = ${tenantId} AND d.source = 'github' AND d.created_at >= ${from} AND d.created_at < ${to})::int,
      0
    UNION ALL
    SELECT 'data_sources', count(s.id)::int,
      count(s.id) FILTER (WHERE EXISTS (SELECT 1 FROM query_metrics m WHERE m.tenant_id = s.tenant_id
        AND m.data_source_id = s.id AND m.at >= ${from} AND m.at < ${to}))::int,
      count(s.id) FILTER (WHERE s.status = 'error')::int
    FROM data_sources s WHERE s.tenant_id = ${tenantId}
    UNION ALL
    SELECT 'api_keys', count(*)::int,
      count(*) FILTER (WHERE last_used_at >= ${from} AND last_used_at < ${to})::int, 0
    FROM api_keys WHERE tenant_id = ${tenantId} AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${to})`;
}

export interface UsageRow extends PlatformCounts {
  usage_percentage: number;
  status: "optimal" | "needs_attention" | "underutilized" | "moderate";
}

export async function upsertUsage(sql: Sql, tenantId: string, from: string, to: string, rows: UsageRow[], now: Date) {
  for (const r of rows) {
    await sql`
      INSERT INTO usage_analytics (tenant_id, platform, period_start, period_end, usage_percentage, status, configured,
        active, failing, computed_at)
      VALUES (${tenantId}, ${r.platform}, ${from}, ${to}, ${r.usage_percentage}, ${r.status}, ${r.configured},
        ${r.active}, ${r.failing}, ${now})
      ON CONFLICT (tenant_id, period_start, platform) DO UPDATE SET usage_percentage = excluded.usage_percentage,
        status = excluded.status, configured = excluded.configured, active = excluded.active,
        failing = excluded.failing, computed_at = excluded.computed_at, period_end = excluded.period_end`;
  }
}

/** The latest month's rows. */
export async function latestUsage(sql: Sql, tenantId: string) {
  return await sql<(UsageRow & { period_start: string; period_end: string })[]>`
    SELECT platform, usage_percentage, status, configured, active, failing, period_start::text, period_end::text
    FROM usage_analytics
    WHERE tenant_id = ${tenantId}
      AND period_start = (SELECT max(period_start) FROM usage_analytics WHERE tenant_id = ${tenantId})
    ORDER BY platform`;
}
