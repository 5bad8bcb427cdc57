/**
 * `GET /api/v1/audits/export`: every row matching the filters as CSV,
 * streamed in keyset batches so memory stays bounded whatever the log's size.
 * Each batch is its own short tenant transaction: the log is append-only and
 * walked downwards by seq, so rows written during the export (higher seq)
 * never enter it and no long transaction pins a connection.
 */
import type { Sql } from "../../db/client.ts";
import { listAudits } from "../../db/queries/audits.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { toFilter, toView } from "./list.ts";
import type { AuditFilterQuery, AuditView } from "./schemas.ts";

export const CSV_BATCH = 1000;

export const CSV_COLUMNS = [
  "id",
  "seq",
  "created_at",
  "actor_type",
  "actor_id",
  "actor_label",
  "action",
  "resource_type",
  "resource_id",
  "ip",
  "user_agent",
  "details",
] as const;

/**
 * One RFC 4180 cell. A spreadsheet would run a cell starting with = + - @
 * (or tab / carriage return) as a formula, and audit rows carry text that
 * callers chose (names, user agents), so such cells get a leading `'`.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: (string | number | null)[]): string {
  return cells.map(csvCell).join(",") + "\r\n";
}

function auditLine(a: AuditView): string {
  return csvLine([
    a.id,
    a.seq,
    a.created_at,
    a.actor.type,
    a.actor.id,
    a.actor.label,
    a.action,
    a.resource_type,
    a.resource_id,
    a.ip,
    a.user_agent,
    JSON.stringify(a.details),
  ]);
}

/** Authorizes now (so a refusal is a proper 404), then streams the header and the rows newest first. */
export function exportAuditsCsv(sql: Sql, principal: Principal, query: AuditFilterQuery): ReadableStream<Uint8Array> {
  authorize(principal, "audits", "read");
  const filter = toFilter(principal, query);
  const encoder = new TextEncoder();
  let beforeSeq: number | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(csvLine([...CSV_COLUMNS])));
        return;
      }
      const rows = await withTenant(
        sql,
        principal.tenantId,
        (tx) => listAudits(tx, { ...filter, beforeSeq }, CSV_BATCH),
      );
      if (rows.length > 0) {
        controller.enqueue(encoder.encode(rows.map((row) => auditLine(toView(row))).join("")));
        beforeSeq = Number(rows[rows.length - 1].seq);
      }
      if (rows.length < CSV_BATCH) controller.close();
    },
  }, { highWaterMark: 1 });
}
