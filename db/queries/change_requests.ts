import type { Sql } from "../client.ts";
import { type DriveDocument, driveDocumentColumn } from "./drive_documents.ts";

export const CHANGE_REQUEST_STATUSES = ["pending", "approved", "rejected", "completed"] as const;
export type ChangeRequestStatus = typeof CHANGE_REQUEST_STATUSES[number];
export const PRIORITIES = ["low", "normal", "high", "critical"] as const;
export type Priority = typeof PRIORITIES[number];

export interface ChangeRequestRow {
  id: string;
  tenant_id: string;
  project_id: string;
  project_name: string;
  client_id: string;
  sow_id: string | null;
  sow_name: string | null;
  title: string;
  description: string | null;
  status: ChangeRequestStatus;
  priority: Priority;
  document_url: string | null;
  drive_id: string | null;
  /** What the Google integration last read of the Drive file; null until it has. */
  drive_document: DriveDocument | null;
  requested_by: string;
  requester_name: string;
  approver_id: string | null;
  approver_name: string | null;
  decision_comment: string | null;
  decided_at: Date | null;
  resolved_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const crColumns = (sql: Sql) =>
  sql`cr.id, cr.tenant_id, cr.project_id, p.name AS project_name, p.client_id, cr.sow_id, s.title AS sow_name,
      cr.title, cr.description, cr.status, cr.priority, cr.document_url, cr.drive_id, ${driveDocumentColumn(sql, "cr")},
      cr.requested_by, coalesce(rq.name, rq.email) AS requester_name,
      cr.approver_id, coalesce(ap.name, ap.email) AS approver_name, cr.decision_comment,
      cr.decided_at, cr.resolved_at, cr.created_at, cr.updated_at`;

/** Every read joins the project (name, and the client scope), the SOW and the people, tenant by tenant. */
const crFrom = (sql: Sql) =>
  sql`change_requests cr
      JOIN projects p ON p.tenant_id = cr.tenant_id AND p.id = cr.project_id
      JOIN users rq ON rq.tenant_id = cr.tenant_id AND rq.id = cr.requested_by
      LEFT JOIN users ap ON ap.tenant_id = cr.tenant_id AND ap.id = cr.approver_id
      LEFT JOIN sows s ON s.tenant_id = cr.tenant_id AND s.id = cr.sow_id`;

export interface ChangeRequestFilter {
  projectId?: string;
  status?: ChangeRequestStatus;
  priority?: Priority;
  /** Client users: only change requests on this client's projects. */
  clientId?: string | null;
  /** Keyset cursor: (created_at, id) of the last row of the previous page; newest first. */
  after?: [Date, string];
  limit: number;
}

/** A tenant's change requests, newest first; fetches `limit + 1` rows for the next-page test. */
export async function listChangeRequests(
  sql: Sql,
  tenantId: string,
  f: ChangeRequestFilter,
): Promise<ChangeRequestRow[]> {
  return await sql<ChangeRequestRow[]>`
    SELECT ${crColumns(sql)}
    FROM ${crFrom(sql)}
    WHERE cr.tenant_id = ${tenantId}
      ${f.projectId ? sql`AND cr.project_id = ${f.projectId}` : sql``}
      ${f.status ? sql`AND cr.status = ${f.status}` : sql``}
      ${f.priority ? sql`AND cr.priority = ${f.priority}` : sql``}
      ${f.clientId ? sql`AND p.client_id = ${f.clientId}` : sql``}
      ${f.after ? sql`AND (cr.created_at, cr.id) < (${f.after[0]}, ${f.after[1]}::uuid)` : sql``}
    ORDER BY cr.created_at DESC, cr.id DESC
    LIMIT ${f.limit + 1}`;
}

/** One change request of the tenant (of the client's projects when `clientId` is set); `forUpdate` locks it. */
export async function getChangeRequest(
  sql: Sql,
  tenantId: string,
  id: string,
  options: { clientId?: string | null; forUpdate?: boolean } = {},
): Promise<ChangeRequestRow | undefined> {
  const [row] = await sql<ChangeRequestRow[]>`
    SELECT ${crColumns(sql)}
    FROM ${crFrom(sql)}
    WHERE cr.id = ${id} AND cr.tenant_id = ${tenantId}
      ${options.clientId ? sql`AND p.client_id = ${options.clientId}` : sql``}
    ${options.forUpdate ? sql`FOR UPDATE OF cr` : sql``}`;
  return row;
}

export interface ChangeRequestInsert {
  tenantId: string;
  projectId: string;
  sowId: string | null;
  title: string;
  description: string | null;
  priority: Priority;
  documentUrl: string | null;
  driveId: string | null;
  requestedBy: string;
  now: Date;
}

export async function insertChangeRequest(sql: Sql, c: ChangeRequestInsert): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO change_requests (tenant_id, project_id, sow_id, title, description, priority, document_url, drive_id,
                                 requested_by, created_at)
    VALUES (${c.tenantId}, ${c.projectId}, ${c.sowId}, ${c.title}, ${c.description}, ${c.priority}, ${c.documentUrl},
            ${c.driveId}, ${c.requestedBy}, ${c.now})
    RETURNING id`;
  return row.id;
}

export interface ChangeRequestPatch {
  title?: string;
  description?: string | null;
  priority?: Priority;
  document_url?: string | null;
  drive_id?: string | null;
  sow_id?: string | null;
}
const PATCHABLE = ["title", "description", "priority", "document_url", "drive_id", "sow_id"] as const;

/** Edits a request that is still pending; false when it was not (decided in between). */
export async function updatePendingChangeRequest(
  sql: Sql,
  tenantId: string,
  id: string,
  patch: ChangeRequestPatch,
): Promise<boolean> {
  const columns = PATCHABLE.filter((c) => patch[c] !== undefined);
  if (columns.length === 0) return true;
  const rows = await sql`
    UPDATE change_requests SET ${sql(patch as Record<string, unknown>, ...columns)}
    WHERE id = ${id} AND tenant_id = ${tenantId} AND status = 'pending'
    RETURNING id`;
  return rows.length === 1;
}

/**
 * Moves a request from `from` to `to`; false when it was no longer in `from`.
 * Deciding sets the approver, the comment and decided_at; completing sets resolved_at.
 */
export async function transitionChangeRequest(
  sql: Sql,
  tenantId: string,
  id: string,
  t:
    | { from: "pending"; to: "approved" | "rejected"; approverId: string | null; comment: string | null; at: Date }
    | { from: "approved"; to: "completed"; at: Date },
): Promise<boolean> {
  const rows = t.to === "completed"
    ? await sql`
        UPDATE change_requests SET status = ${t.to}, resolved_at = ${t.at}
        WHERE id = ${id} AND tenant_id = ${tenantId} AND status = ${t.from}
        RETURNING id`
    : await sql`
        UPDATE change_requests
        SET status = ${t.to}, approver_id = ${t.approverId}, decision_comment = ${t.comment}, decided_at = ${t.at}
        WHERE id = ${id} AND tenant_id = ${tenantId} AND status = ${t.from}
        RETURNING id`;
  return rows.length === 1;
}

/** Display names (name, else e-mail) of a tenant's users, for a request's timeline. */
export async function userDisplayNames(sql: Sql, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: string; label: string }[]>`
    SELECT id, coalesce(name, email) AS label FROM users WHERE tenant_id = ${tenantId} AND id = ANY(${ids}::uuid[])`;
  return new Map(rows.map((r) => [r.id, r.label]));
}
