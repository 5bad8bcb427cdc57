/**
 * Quick-win rows: one per (rule, subject), kept across evaluations so a
 * person's decision survives them. syncQuickWins applies one evaluation:
 * found again → stays as decided (dismissed) or opens (new, cleared, or
 * completed but still true); not found → cleared, which forgets a dismissal,
 * so the win comes back if its condition does.
 */
import type postgres from "postgres";
import type { Sql } from "../client.ts";

export interface FoundQuickWin {
  rule: string;
  subject_type: string;
  subject_id: string;
  project_id: string | null;
  title: string;
  description: string;
  category: string;
  impact: string;
  effort: string;
  estimated_minutes_saved: number;
  fix_path: string | null;
}

export type QuickWinStatus = "open" | "completed" | "dismissed" | "cleared";

export interface QuickWinRow extends FoundQuickWin {
  id: string;
  status: QuickWinStatus;
  dismiss_reason: string | null;
  decided_at: Date | null;
  first_seen_at: Date;
  last_seen_at: Date;
  project_name: string | null;
  client_id: string | null;
}

export async function syncQuickWins(sql: Sql, tenantId: string, found: FoundQuickWin[], now: Date) {
  for (let i = 0; i < found.length; i += 2000) {
    await sql`
      INSERT INTO quick_wins (tenant_id, rule, subject_type, subject_id, project_id, title, description, category,
        impact, effort, estimated_minutes_saved, fix_path, first_seen_at, last_seen_at)
      SELECT ${tenantId}, x.rule, x.subject_type, x.subject_id, x.project_id, x.title, x.description, x.category,
        x.impact, x.effort, x.estimated_minutes_saved, x.fix_path, ${now}, ${now}
      FROM jsonb_to_recordset(${sql.json(found.slice(i, i + 2000) as unknown as postgres.JSONValue)}) AS x(
        rule text, subject_type text, subject_id uuid, project_id uuid, title text, description text,
        category text, impact text, effort text, estimated_minutes_saved int, fix_path text)
      ON CONFLICT (tenant_id, rule, subject_id) DO UPDATE SET
        title = excluded.title, description = excluded.description, category = excluded.category,
        impact = excluded.impact, effort = excluded.effort, project_id = excluded.project_id,
        estimated_minutes_saved = excluded.estimated_minutes_saved, fix_path = excluded.fix_path,
        last_seen_at = excluded.last_seen_at, cleared_at = NULL,
        status = CASE WHEN quick_wins.status = 'dismissed' THEN 'dismissed' ELSE 'open' END`;
  }
  const cleared = await sql`
    UPDATE quick_wins SET status = 'cleared', cleared_at = ${now}, dismiss_reason = NULL
    WHERE tenant_id = ${tenantId} AND status <> 'cleared' AND last_seen_at < ${now}`;
  return { found: found.length, cleared: cleared.count };
}

export interface QuickWinFilter {
  projectId?: string;
  clientId?: string | null;
  status: QuickWinStatus | "all";
  limit: number;
}

const ORDER = (sql: Sql) =>
  sql`ORDER BY CASE q.impact WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,
      CASE q.effort WHEN 'low' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, q.estimated_minutes_saved DESC, q.title`;

/** Best first: high impact, low effort, most time saved. A client scope sees its projects' wins only. */
export async function listQuickWins(sql: Sql, tenantId: string, f: QuickWinFilter): Promise<QuickWinRow[]> {
  return await sql<QuickWinRow[]>`
    SELECT q.id, q.rule, q.subject_type, q.subject_id, q.project_id, q.title, q.description, q.category, q.impact,
           q.effort, q.estimated_minutes_saved, q.fix_path, q.status, q.dismiss_reason, q.decided_at,
           q.first_seen_at, q.last_seen_at, p.name AS project_name, p.client_id
    FROM quick_wins q LEFT JOIN projects p ON p.tenant_id = q.tenant_id AND p.id = q.project_id
    WHERE q.tenant_id = ${tenantId}
      ${f.status === "all" ? sql`` : sql`AND q.status = ${f.status}`}
      ${f.projectId ? sql`AND q.project_id = ${f.projectId}` : sql``}
      ${f.clientId ? sql`AND p.client_id = ${f.clientId}` : sql``}
    ${ORDER(sql)} LIMIT ${f.limit}`;
}

export async function getQuickWin(sql: Sql, tenantId: string, id: string): Promise<QuickWinRow | undefined> {
  const [row] = await sql<QuickWinRow[]>`
    SELECT q.id, q.rule, q.subject_type, q.subject_id, q.project_id, q.title, q.description, q.category, q.impact,
           q.effort, q.estimated_minutes_saved, q.fix_path, q.status, q.dismiss_reason, q.decided_at,
           q.first_seen_at, q.last_seen_at, p.name AS project_name, p.client_id
    FROM quick_wins q LEFT JOIN projects p ON p.tenant_id = q.tenant_id AND p.id = q.project_id
    WHERE q.tenant_id = ${tenantId} AND q.id = ${id}`;
  return row;
}

/** A person's decision: completed, dismissed with a reason, or open again. */
export async function decideQuickWin(
  sql: Sql,
  tenantId: string,
  id: string,
  d: { status: "open" | "completed" | "dismissed"; reason: string | null; userId: string; now: Date },
): Promise<void> {
  await sql`
    UPDATE quick_wins SET status = ${d.status}, dismiss_reason = ${d.reason}, decided_by = ${d.userId},
      decided_at = ${d.now}
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
}
