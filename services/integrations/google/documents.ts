/**
 * The Drive part of a Google integration's sync pass: read (files.get) the
 * files the tenant's SOWs and change requests name by `drive_id` and record
 * title, link, modified time and state (ok, trashed, missing). At most
 * `PER_PASS` files per pass, least recently refreshed first, so a tenant
 * with many documents is covered over a few passes. A refused token stops
 * the pass (TokenRefused: the worker marks the integration broken); any other
 * failure of one file is kept beside its last good facts and the pass goes on.
 */
import type { Sql } from "../../../db/client.ts";
import * as q from "../../../db/queries/drive_documents.ts";
import { withTenant } from "../../../db/tenant.ts";
import { type ProviderCall, TokenRefused } from "../provider.ts";
import { getFile } from "./client.ts";

export const PER_PASS = 100;

export async function refreshDriveDocuments(
  sql: Sql,
  call: ProviderCall,
  tenantId: string,
  integrationId: string,
  now: Date,
): Promise<{ read: number; failed: number }> {
  const ids = await withTenant(sql, tenantId, async (tx) => {
    await q.deleteUnusedDriveDocuments(tx, tenantId);
    return await q.driveIdsToRefresh(tx, tenantId, integrationId, PER_PASS);
  });
  let read = 0;
  let failed = 0;
  for (const driveId of ids) {
    try {
      const f = await getFile(call, driveId);
      const record: q.DriveRead = f.found
        ? {
          state: f.trashed ? "trashed" : "ok",
          title: f.name,
          webViewLink: f.webViewLink && /^https?:\/\//.test(f.webViewLink) ? f.webViewLink : null,
          mimeType: f.mimeType,
          modifiedAt: f.modifiedTime ? new Date(f.modifiedTime) : null,
        }
        : { state: "missing" };
      await withTenant(sql, tenantId, (tx) => q.recordDriveRead(tx, tenantId, integrationId, driveId, record, now));
      read++;
    } catch (error) {
      if (error instanceof TokenRefused) throw error;
      const message = error instanceof Error ? error.message : String(error);
      await withTenant(sql, tenantId, (tx) => q.recordDriveError(tx, tenantId, driveId, message));
      failed++;
    }
  }
  return { read, failed };
}
