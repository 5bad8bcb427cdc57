import type { Sql } from "../client.ts";
import { type DriveDocument, driveDocumentColumn } from "./drive_documents.ts";

export const SOW_STATUSES = ["draft", "signed", "active", "closed"] as const;
export type SowStatus = typeof SOW_STATUSES[number];

/** Contract dates are calendar dates: read as `YYYY-MM-DD` text, never turned into instants. */
export interface SowRow {
  id: string;
  tenant_id: string;
  project_id: string;
  project_name: string;
  client_id: string;
  name: string;
  status: SowStatus;
  document_url: string | null;
  drive_id: string | null;
  /** What the Google integration last read of the Drive file; null until it has. */
  drive_document: DriveDocument | null;
  signed_on: string | null;
  starts_on: string | null;
  ends_on: string | null;
  /** numeric(14,2) as text, so money never passes through a float. */
  value: string | null;
  currency: string | null;
  change_request_count: number;
  created_at: Date;
  updated_at: Date;
}

/** The column is `title` (00002); the API and the pages call it `name` (SPEC). */
const sowColumns = (sql: Sql) =>
  sql`s.id, s.tenant_id, s.project_id, p.name AS project_name, p.client_id, s.title AS name, s.status,
      s.document_url, s.drive_id, ${
    driveDocumentColumn(sql, "s")
  }, s.signed_on::text AS signed_on, s.starts_on::text AS starts_on,
      s.ends_on::text AS ends_on, s.value::text AS value, s.currency,
      (SELECT count(*)::int FROM change_requests cr
       WHERE cr.tenant_id = s.tenant_id AND cr.project_id = s.project_id AND cr.sow_id = s.id) AS change_request_count,
      s.created_at, s.updated_at`;

export interface SowFilter {
  projectId?: string;
  status?: SowStatus;
  /** Client users: only SOWs of this client's projects. */
  clientId?: string | null;
  /** Keyset cursor: (created_at, id) of the last row of the previous page; newest first. */
  after?: [Date, string];
  limit: number;
}

/** A tenant's SOWs, newest first; fetches `limit + 1` rows so the caller can tell whether a next page exists. */
export async function listSows(sql: Sql, tenantId: string, f: SowFilter): Promise<SowRow[]> {
  return await sql<SowRow[]>`
    SELECT ${sowColumns(sql)}
    FROM sows s JOIN projects p ON p.tenant_id = s.tenant_id AND p.id = s.project_id
    WHERE s.tenant_id = ${tenantId}
      ${f.projectId ? sql`AND s.project_id = ${f.projectId}` : sql``}
      ${f.status ? sql`AND s.status = ${f.status}` : sql``}
      ${f.clientId ? sql`AND p.client_id = ${f.clientId}` : sql``}
      ${f.after ? sql`AND (s.created_at, s.id) < (${f.after[0]}, ${f.after[1]}::uuid)` : sql``}
    ORDER BY s.created_at DESC, s.id DESC
    LIMIT ${f.limit + 1}`;
}

/** One SOW of the tenant (of the client's projects when `clientId` is set); `forUpdate` locks it. */
export async function getSow(
  sql: Sql,
  tenantId: string,
  id: string,
  options: { clientId?: string | null; forUpdate?: boolean } = {},
): Promise<SowRow | undefined> {
  const [row] = await sql<SowRow[]>`
    SELECT ${sowColumns(sql)}
    FROM sows s JOIN projects p ON p.tenant_id = s.tenant_id AND p.id = s.project_id
    WHERE s.id = ${id} AND s.tenant_id = ${tenantId}
      ${options.clientId ? sql`AND p.client_id = ${options.clientId}` : sql``}
    ${options.forUpdate ? sql`FOR UPDATE OF s` : sql``}`;
  return row;
}

/** The columns a SOW is written with, under their API names. */
export interface SowFields {
  name?: string;
  status?: SowStatus;
  document_url?: string | null;
  drive_id?: string | null;
  signed_on?: string | null;
  starts_on?: string | null;
  ends_on?: string | null;
  value?: string | null;
  currency?: string | null;
}

const PATCHABLE = [
  "title",
  "status",
  "document_url",
  "drive_id",
  "signed_on",
  "starts_on",
  "ends_on",
  "value",
  "currency",
] as const;

/** API names → columns: only `name` differs. */
function toColumns(fields: SowFields): Record<string, unknown> {
  const { name, ...rest } = fields;
  return { ...rest, ...(name === undefined ? {} : { title: name }) };
}

export async function insertSow(
  sql: Sql,
  s: { tenantId: string; projectId: string; fields: SowFields & { name: string }; now: Date },
): Promise<string> {
  const row: Record<string, unknown> = {
    ...toColumns(s.fields),
    tenant_id: s.tenantId,
    project_id: s.projectId,
    created_at: s.now,
  };
  const columns = ["tenant_id", "project_id", "created_at", ...PATCHABLE].filter((c) => row[c] !== undefined);
  const [inserted] = await sql<{ id: string }[]>`
    INSERT INTO sows ${sql(row, ...columns)}
    RETURNING id`;
  return inserted.id;
}

export async function updateSow(sql: Sql, tenantId: string, id: string, fields: SowFields): Promise<void> {
  const row = toColumns(fields);
  const columns = PATCHABLE.filter((c) => row[c] !== undefined);
  if (columns.length === 0) return;
  await sql`
    UPDATE sows SET ${sql(row, ...columns)}
    WHERE id = ${id} AND tenant_id = ${tenantId}`;
}

export async function deleteSow(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`DELETE FROM sows WHERE id = ${id} AND tenant_id = ${tenantId}`;
}
