/** Google Drive files named by SOWs and change requests (`drive_id`), as the Google integration last read them. */
import type { Sql } from "../client.ts";

export const DRIVE_STATES = ["ok", "trashed", "missing"] as const;
export type DriveState = typeof DRIVE_STATES[number];

/** As SOW and change-request rows carry it (built in SQL as JSON, so its times are ISO strings). */
export interface DriveDocument {
  state: DriveState;
  title: string | null;
  web_view_link: string | null;
  mime_type: string | null;
  modified_at: string | null;
  refreshed_at: string;
  last_error: string | null;
}

/** The `drive_document` column of a row whose alias `t` has tenant_id and drive_id. */
export const driveDocumentColumn = (sql: Sql, t: string) =>
  sql`(SELECT json_build_object('state', d.state, 'title', d.title, 'web_view_link', d.web_view_link,
         'mime_type', d.mime_type, 'modified_at', to_char(d.modified_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'refreshed_at', to_char(d.refreshed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'last_error', d.last_error)
       FROM drive_documents d
       WHERE d.tenant_id = ${sql.unsafe(t)}.tenant_id AND d.drive_id = ${sql.unsafe(t)}.drive_id) AS drive_document`;

/**
 * The tenant's drive ids (of SOWs and change requests) that this integration should read in one pass: those no
 * account has read yet, found missing, or read by this one; least recently refreshed first.
 */
export async function driveIdsToRefresh(sql: Sql, tenantId: string, integrationId: string, limit: number) {
  const rows = await sql<{ drive_id: string }[]>`
    SELECT ids.drive_id
    FROM (SELECT drive_id FROM sows WHERE tenant_id = ${tenantId} AND drive_id IS NOT NULL
          UNION
          SELECT drive_id FROM change_requests WHERE tenant_id = ${tenantId} AND drive_id IS NOT NULL) ids
    LEFT JOIN drive_documents d ON d.tenant_id = ${tenantId} AND d.drive_id = ids.drive_id
    WHERE d.drive_id IS NULL OR d.integration_id IS NULL OR d.integration_id = ${integrationId}
      OR d.state = 'missing'
    ORDER BY d.refreshed_at NULLS FIRST, ids.drive_id
    LIMIT ${limit}`;
  return rows.map((r) => r.drive_id);
}

export interface DriveRead {
  state: DriveState;
  title?: string | null;
  webViewLink?: string | null;
  mimeType?: string | null;
  modifiedAt?: Date | null;
}

/**
 * What a read answered. A missing file keeps its last title (so the page can still say which document went) and
 * is released to any account; a file another account already reads is not taken over by a "missing" here.
 */
export async function recordDriveRead(
  sql: Sql,
  tenantId: string,
  integrationId: string,
  driveId: string,
  r: DriveRead,
  now: Date,
): Promise<void> {
  const owner = r.state === "missing" ? null : integrationId;
  await sql`
    INSERT INTO drive_documents AS d (tenant_id, drive_id, integration_id, state, title, web_view_link, mime_type,
      modified_at, refreshed_at)
    VALUES (${tenantId}, ${driveId}, ${owner}, ${r.state}, ${r.title ?? null}, ${r.webViewLink ?? null},
      ${r.mimeType ?? null}, ${r.modifiedAt ?? null}, ${now})
    ON CONFLICT (tenant_id, drive_id) DO UPDATE SET
      integration_id = EXCLUDED.integration_id,
      state = EXCLUDED.state,
      title = coalesce(EXCLUDED.title, d.title),
      web_view_link = coalesce(EXCLUDED.web_view_link, d.web_view_link),
      mime_type = coalesce(EXCLUDED.mime_type, d.mime_type),
      modified_at = coalesce(EXCLUDED.modified_at, d.modified_at),
      refreshed_at = EXCLUDED.refreshed_at,
      last_error = NULL
    WHERE EXCLUDED.state <> 'missing' OR d.integration_id IS NULL OR d.integration_id = ${integrationId}`;
}

/** A read that failed for another reason (Drive down, a 500): the last good facts stay, with the error beside them. */
export async function recordDriveError(sql: Sql, tenantId: string, driveId: string, error: string): Promise<void> {
  await sql`
    UPDATE drive_documents SET last_error = ${error.slice(0, 1000)}
    WHERE tenant_id = ${tenantId} AND drive_id = ${driveId}`;
}

/** Files no SOW or change request names any more. */
export async function deleteUnusedDriveDocuments(sql: Sql, tenantId: string): Promise<number> {
  const rows = await sql`
    DELETE FROM drive_documents d WHERE d.tenant_id = ${tenantId}
      AND NOT EXISTS (SELECT 1 FROM sows s WHERE s.tenant_id = d.tenant_id AND s.drive_id = d.drive_id)
      AND NOT EXISTS (SELECT 1 FROM change_requests c WHERE c.tenant_id = d.tenant_id AND c.drive_id = d.drive_id)
    RETURNING d.drive_id`;
  return rows.length;
}
