/** Seed 003's user_activity: batched inserts (one statement per batch) and the admin page's reads. */
import type { Sql } from "../client.ts";

export interface ActivityEvent {
  tenant_id: string;
  user_id: string;
  session_id: string | null;
  activity_type: "page_view" | "api_read" | "api_write" | "page_write";
  resource_type: string;
  resource_id: string | null;
  at: Date;
}

/** Column arrays through unnest: one statement and seven parameters whatever the batch size. */
export async function insertActivity(sql: Sql, batch: ActivityEvent[]): Promise<number> {
  const r = await sql`
    INSERT INTO user_activity (tenant_id, user_id, session_id, activity_type, resource_type, resource_id, at)
    SELECT * FROM unnest(${batch.map((e) => e.tenant_id)}::uuid[], ${batch.map((e) => e.user_id)}::uuid[],
      ${batch.map((e) => e.session_id) as string[]}::text[], ${batch.map((e) => e.activity_type)}::text[],
      ${batch.map((e) => e.resource_type)}::text[], ${batch.map((e) => e.resource_id) as string[]}::text[],
      ${batch.map((e) => e.at.toISOString())}::timestamptz[])`;
  return r.count;
}

export interface ActivityFilter {
  userId?: string;
  resourceType?: string;
  resourceId?: string;
  since: Date;
  limit: number;
}

export async function activitySummary(sql: Sql, tenantId: string, f: ActivityFilter) {
  return await sql<{ user_id: string; user_label: string; events: number; sessions: number; last_at: Date }[]>`
    SELECT a.user_id, coalesce(u.name, u.email, a.user_id::text) AS user_label, count(*)::int AS events,
           count(DISTINCT a.session_id)::int AS sessions, max(a.at) AS last_at
    FROM user_activity a LEFT JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id
    WHERE a.tenant_id = ${tenantId} AND a.at >= ${f.since}
      ${f.userId ? sql`AND a.user_id = ${f.userId}` : sql``}
      ${f.resourceType ? sql`AND a.resource_type = ${f.resourceType}` : sql``}
      ${f.resourceId ? sql`AND a.resource_id = ${f.resourceId}` : sql``}
    GROUP BY a.user_id, u.name, u.email ORDER BY count(*) DESC LIMIT 100`;
}

export async function recentActivity(sql: Sql, tenantId: string, f: ActivityFilter) {
  return await sql<Omit<ActivityEvent, "tenant_id">[]>`
    SELECT user_id, session_id, activity_type, resource_type, resource_id, at
    FROM user_activity
    WHERE tenant_id = ${tenantId} AND at >= ${f.since}
      ${f.userId ? sql`AND user_id = ${f.userId}` : sql``}
      ${f.resourceType ? sql`AND resource_type = ${f.resourceType}` : sql``}
      ${f.resourceId ? sql`AND resource_id = ${f.resourceId}` : sql``}
    ORDER BY at DESC LIMIT ${f.limit}`;
}
