/**
 * CSV sources: an uploaded file (≤ 50 MB) stored as one typed table `data` in
 * Opsdeck's own PostgreSQL, in a schema and behind a role of its own
 * (store.ts), queried with SQL like a PostgreSQL source. No host, no secret;
 * the file is sent to POST /api/v1/data-sources/{id}/csv.
 */
import { z } from "@hono/zod-openapi";
import { limitFields } from "../limits.ts";
import { type DataSourceKind, type OpenSource, SourceError } from "../types.ts";
import { CSV_TABLE, dropStore, readStore, storeName } from "./store.ts";
import type { Sql } from "../../../../db/client.ts";

export const CsvConfigSchema = z.strictObject({ ...limitFields }).openapi("CsvSourceConfig");

function home(source: OpenSource): Sql {
  if (!source.home) throw new Error("csv sources need Opsdeck's database");
  return source.home;
}

export const csvKind: DataSourceKind = {
  kind: "csv",
  dialect: "postgresql",
  configSchema: CsvConfigSchema,
  connects: false,
  split: (parsed) => ({ config: { ...(parsed as Record<string, unknown>) }, secret: undefined }),
  target: () => null,
  async test(source) {
    const result = await readStore(home(source), source.id, `SELECT count(*)::int FROM ${CSV_TABLE}`, [], {
      timeoutMs: 10_000,
      maxRows: 1,
      maxBytes: 1024,
    });
    return { serverVersion: `CSV table of ${result.rows[0][0]} rows` };
  },
  async introspect(source) {
    const rows = await home(source)<
      { column_name: string; ordinal: number; data_type: string }[]
    >`
      SELECT column_name, ordinal_position::int AS ordinal, data_type FROM information_schema.columns
      WHERE table_schema = ${storeName(source.id)} AND table_name = ${CSV_TABLE} ORDER BY ordinal_position`;
    if (rows.length === 0) throw new SourceError("This CSV source has no data yet: upload a file");
    return rows.map((r) => ({
      schema_name: "",
      table_name: CSV_TABLE,
      column_name: r.column_name,
      ordinal: r.ordinal,
      data_type: r.data_type,
      is_nullable: true,
      column_default: null,
    }));
  },
  run: (source, text, params, limits) => readStore(home(source), source.id, text, params, limits),
  drop: (home, sourceId) => dropStore(home, sourceId),
  // nothing is kept open
  close: () => Promise.resolve(),
};
