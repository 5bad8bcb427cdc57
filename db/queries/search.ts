/**
 * Global search: names (and slugs, commits) containing the words, across the
 * kinds the reader may read, at most `limit` of each kind. ILIKE on small
 * per-tenant tables; the tenant and client conditions sit in every branch.
 */
import type { Sql } from "../client.ts";

export const SEARCH_KINDS = ["project", "check", "client", "deployment", "alert"] as const;
export type SearchKind = typeof SEARCH_KINDS[number];

export interface SearchHit {
  kind: SearchKind;
  id: string;
  label: string;
  detail: string | null;
}

/** `%` and `_` typed by the reader match themselves. */
const like = (q: string) => `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

export async function searchAll(
  sql: Sql,
  tenantId: string,
  o: { q: string; kinds: SearchKind[]; clientId: string | null; limit: number },
): Promise<SearchHit[]> {
  const q = like(o.q);
  const client = o.clientId ? sql`AND p.client_id = ${o.clientId}` : sql``;
  const branches = [];
  if (o.kinds.includes("project")) {
    branches.push(sql`(SELECT 'project' AS kind, p.id, p.name AS label, c.name AS detail
      FROM projects p JOIN clients c ON c.tenant_id = p.tenant_id AND c.id = p.client_id
      WHERE p.tenant_id = ${tenantId} AND (p.name ILIKE ${q} OR p.slug ILIKE ${q}) ${client}
      ORDER BY p.name LIMIT ${o.limit})`);
  }
  if (o.kinds.includes("check")) {
    branches.push(sql`(SELECT 'check', h.id, h.name, p.name
      FROM health_checks h JOIN projects p ON p.tenant_id = h.tenant_id AND p.id = h.project_id
      WHERE h.tenant_id = ${tenantId} AND h.name ILIKE ${q} ${client} ORDER BY h.name LIMIT ${o.limit})`);
  }
  if (o.kinds.includes("client")) {
    branches.push(sql`(SELECT 'client', c.id, c.name, NULL
      FROM clients c WHERE c.tenant_id = ${tenantId} AND c.name ILIKE ${q}
        ${o.clientId ? sql`AND c.id = ${o.clientId}` : sql``}
      ORDER BY c.name LIMIT ${o.limit})`);
  }
  if (o.kinds.includes("deployment")) {
    branches.push(
      sql`(SELECT 'deployment', d.id, p.name || ' → ' || d.environment, left(d.commit_sha, 7) || ' · ' || d.status
      FROM deployments d JOIN projects p ON p.tenant_id = d.tenant_id AND p.id = d.project_id
      WHERE d.tenant_id = ${tenantId} AND (p.name ILIKE ${q} OR d.commit_sha ILIKE ${o.q.toLowerCase() + "%"}) ${client}
      ORDER BY d.created_at DESC LIMIT ${o.limit})`,
    );
  }
  if (o.kinds.includes("alert")) {
    branches.push(sql`(SELECT 'alert', a.id, a.summary, a.status
      FROM alerts a LEFT JOIN projects p ON p.tenant_id = a.tenant_id AND p.id = a.project_id
      WHERE a.tenant_id = ${tenantId} AND a.summary ILIKE ${q} ${client}
      ORDER BY a.triggered_at DESC LIMIT ${o.limit})`);
  }
  if (!branches.length) return [];
  const union = branches.reduce((all, b) => sql`${all} UNION ALL ${b}`);
  return await sql<SearchHit[]>`${union}`;
}
