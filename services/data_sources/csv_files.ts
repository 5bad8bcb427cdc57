/**
 * CSV sources' files: import (streamed, replaces the table) and column types
 * (inferred at import, then editable). Both are audited mutations needing
 * data_sources:write; the table's columns also go to data_source_schemas so
 * the schema browser and the model builder see them.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/data_sources.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { ValidationError } from "../platform/errors.ts";
import { getDataSource } from "./data_sources.ts";
import { type CsvColumn, importCsv, retypeColumns } from "./kinds/csv/import.ts";
import type { CsvType } from "./kinds/csv/parse.ts";
import { CSV_TABLE } from "./kinds/csv/store.ts";

async function csvSource(sql: Sql, principal: Principal, id: string) {
  authorize(principal, "data_sources", "write");
  const source = await getDataSource(sql, principal, id);
  if (source.kind !== "csv") throw new ValidationError([{ path: "kind", message: "is not a csv source" }]);
  return source;
}

async function record(
  sql: Sql,
  principal: Principal,
  source: q.DataSourceSecretRow,
  columns: CsvColumn[],
  extra: Record<string, unknown>,
  ctx: AuditContext,
  action: string,
) {
  const config = { ...source.config, ...extra, columns };
  return await withTenant(sql, principal.tenantId, async (tx) => {
    await q.replaceSchema(
      tx,
      principal.tenantId,
      source.id,
      columns.map((c, i) => ({
        schema_name: "",
        table_name: CSV_TABLE,
        column_name: c.name,
        ordinal: i + 1,
        data_type: c.type,
        is_nullable: true,
        column_default: null,
      })),
    );
    const row = await q.recordCsvTable(tx, principal.tenantId, source.id, config, ctx.now);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action,
      resourceType: "data_source",
      resourceId: source.id,
      details: { ...extra, columns },
    });
    return row;
  });
}

export async function importCsvFile(
  sql: Sql,
  principal: Principal,
  id: string,
  body: ReadableStream<Uint8Array>,
  ctx: AuditContext,
): Promise<{ row: q.DataSourceRow; rows: number; bytes: number; columns: CsvColumn[] }> {
  const source = await csvSource(sql, principal, id);
  const imported = await importCsv(sql, source.id, body);
  const row = await record(
    sql,
    principal,
    source,
    imported.columns,
    {
      rows: imported.rows,
      file_bytes: imported.bytes,
    },
    ctx,
    "data_source.import",
  );
  return { row, ...imported };
}

export async function retypeCsvColumns(
  sql: Sql,
  principal: Principal,
  id: string,
  changes: Record<string, CsvType>,
  ctx: AuditContext,
): Promise<{ row: q.DataSourceRow; columns: CsvColumn[] }> {
  const source = await csvSource(sql, principal, id);
  const current = (source.config.columns ?? []) as CsvColumn[];
  if (current.length === 0) throw new ValidationError([{ path: "types", message: "upload a file first" }]);
  const columns = await retypeColumns(sql, source.id, current, changes);
  const row = await record(sql, principal, source, columns, {}, ctx, "data_source.retype");
  return { row, columns };
}
