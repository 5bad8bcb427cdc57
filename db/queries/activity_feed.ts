/**
 * Seed 004's activity_logs as a read: one timeline over audits (what people
 * and keys changed) and events (what happened to checks, deployments,
 * alerts), newest first. Each side is cut to `limit` by its own index
 * (audits_created_idx / audits_actor_user_idx, events_tenant_created_idx /
 * events_project_idx / events_type_idx) before the merge.
 */
import type { Sql } from "../client.ts";

export interface FeedRow {
  source: "audit" | "event";
  id: string;
  at: Date;
  type: string;
  actor: string | null;
  subject_type: string;
  subject_id: string | null;
  project_id: string | null;
  payload: Record<string, unknown>;
}

export interface FeedFilter {
  audits: boolean;
  events: boolean;
  projectIds: string[] | null;
  actorId?: string;
  typePrefix?: string;
  limit: number;
}

export async function feed(sql: Sql, tenantId: string, f: FeedFilter): Promise<FeedRow[]> {
  const like = f.typePrefix ? `${f.typePrefix.replace(/[\\%_]/g, "\\$&")}%` : null;
  const audits = f.audits && !f.projectIds
    ? sql`SELECT 'audit' AS source, a.id::text AS id, a.created_at AS at, a.action AS type, a.actor_label AS actor,
             a.resource_type AS subject_type, a.resource_id AS subject_id, NULL::uuid AS project_id,
             a.details AS payload
      FROM audits a WHERE a.tenant_id = ${tenantId}
        ${f.actorId ? sql`AND a.actor_user_id = ${f.actorId}` : sql``}
        ${like ? sql`AND a.action LIKE ${like}` : sql``}
      ORDER BY a.created_at DESC LIMIT ${f.limit}`
    : null;
  const events = f.events && !f.actorId
    ? sql`SELECT 'event' AS source, e.id::text AS id, e.created_at AS at, e.type, e.payload->'actor'->>'label' AS actor,
             e.subject_type, e.subject_id::text AS subject_id, e.project_id, e.payload
      FROM events e WHERE e.tenant_id = ${tenantId}
        ${f.projectIds ? sql`AND e.project_id = ANY(${f.projectIds}::uuid[])` : sql``}
        ${like ? sql`AND e.type LIKE ${like}` : sql``}
      ORDER BY e.created_at DESC LIMIT ${f.limit}`
    : null;
  if (!audits && !events) return [];
  const parts = [audits, events].filter((p) => p !== null);
  return await sql<FeedRow[]>`
    SELECT * FROM (${parts.length === 2 ? sql`(${audits!}) UNION ALL (${events!})` : sql`${parts[0]!}`}) x
    ORDER BY x.at DESC LIMIT ${f.limit}`;
}

/** The ids of a client's projects (a client user's feed is their projects' events). */
export async function clientProjectIds(sql: Sql, tenantId: string, clientId: string): Promise<string[]> {
  const rows = await sql<
    { id: string }[]
  >`SELECT id FROM projects WHERE tenant_id = ${tenantId} AND client_id = ${clientId}`;
  return rows.map((r) => r.id);
}
