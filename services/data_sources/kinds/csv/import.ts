/**
 * Importing a CSV file into a source's store: streamed through COPY into an
 * unlogged staging table of text columns while each column's type is
 * inferred, then turned into the typed table `data` in one statement, all in
 * one transaction (a failed import leaves the previous data as it was).
 * Changing a column's type later is an ALTER … USING cast (422 when a value
 * does not convert).
 */
import type { Sql } from "../../../../db/client.ts";
import { ValidationError } from "../../../platform/errors.ts";
import { type CsvType, readCsv, TypeGuess } from "./parse.ts";
import { CSV_TABLE, ensureStore, ident } from "./store.ts";

export const CSV_MAX_BYTES = 50 * 1024 * 1024;
export const MAX_COLUMNS = 200;

const SQL_TYPE: Record<CsvType, string> = {
  integer: "bigint",
  number: "numeric",
  boolean: "boolean",
  timestamp: "timestamptz",
  text: "text",
};

export interface CsvColumn {
  name: string;
  type: CsvType;
}

export interface ImportResult {
  columns: CsvColumn[];
  rows: number;
  bytes: number;
}

/** Header cells as column names: trimmed, at most 63 characters, empty ones numbered, repeats suffixed. */
function columnNames(header: (string | null)[]): string[] {
  const seen = new Set<string>();
  return header.map((h, i) => {
    const base = (h ?? "").trim().slice(0, 60) || `column_${i + 1}`;
    let name = base;
    for (let n = 2; seen.has(name.toLowerCase()); n++) name = `${base}_${n}`;
    seen.add(name.toLowerCase());
    return name;
  });
}

/** COPY text format: backslash, tab and line ends escaped; \N is NULL. */
const copyCell = (v: string | null) =>
  v === null ? "\\N" : v.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!);

export async function importCsv(
  home: Sql,
  sourceId: string,
  body: ReadableStream<Uint8Array>,
  onBytes?: (n: number) => void,
): Promise<ImportResult> {
  const store = await ensureStore(home, sourceId);
  const tx = await home.reserve();
  let names: string[] | null = null;
  let rows = 0;
  const guess = new TypeGuess();
  // a failed import must end COPY (CopyFail) before ROLLBACK can be sent on the connection
  let abortCopy = () => {};
  try {
    await tx.unsafe("BEGIN");
    // a 50 MB file takes longer than a request's statement budget; the byte cap bounds it instead
    await tx.unsafe(`SET LOCAL search_path = ${store}; SET LOCAL statement_timeout = '300s'`).simple();
    let copyError: Error | null = null;
    let copy: { write(chunk: string, cb: (error?: Error | null) => void): boolean; end(cb: () => void): void } | null =
      null;
    const write = (chunk: string) =>
      new Promise<void>((resolve, reject) => {
        if (copyError) return reject(copyError);
        copy!.write(chunk, (e) => e ? reject(e) : resolve());
      });
    const bytes = await readCsv(body, CSV_MAX_BYTES, async (batch) => {
      if (!names) {
        const header = batch.shift()!;
        if (header.length > MAX_COLUMNS) {
          throw new ValidationError([{ path: "file", message: `has more than ${MAX_COLUMNS} columns` }]);
        }
        names = columnNames(header);
        await tx.unsafe(`DROP TABLE IF EXISTS _staging`);
        await tx.unsafe(`CREATE UNLOGGED TABLE _staging (${names.map((n) => `${ident(n)} text`).join(", ")})`);
        const writable = await tx.unsafe(`COPY _staging FROM STDIN`).writable();
        writable.on("error", (e: Error) => copyError ??= e);
        copy = writable as unknown as typeof copy;
        abortCopy = () => writable.destroy(new Error("import abandoned"));
      }
      let chunk = "";
      for (const row of batch) {
        rows++;
        if (row.length !== names.length) {
          throw new ValidationError([{
            path: "file",
            message: `row ${rows + 1} has ${row.length} fields where the header has ${names.length}`,
          }]);
        }
        guess.see(row);
        chunk += row.map(copyCell).join("\t") + "\n";
      }
      if (chunk) await write(chunk);
    }, onBytes);
    if (!names || !copy) throw new ValidationError([{ path: "file", message: "is empty: no header row" }]);
    await new Promise<void>((resolve) => copy!.end(resolve));
    if (copyError) throw copyError;
    const header: string[] = names;
    const columns = guess.types(header.length).map((type, i) => ({ name: header[i], type }));
    const casts = columns.map((c) => `${ident(c.name)}::${SQL_TYPE[c.type]} AS ${ident(c.name)}`).join(", ");
    await tx.unsafe(`DROP TABLE IF EXISTS ${CSV_TABLE}`);
    await tx.unsafe(`CREATE TABLE ${CSV_TABLE} AS SELECT ${casts} FROM _staging`);
    await tx.unsafe(`DROP TABLE _staging`);
    await tx.unsafe(`GRANT SELECT ON ${CSV_TABLE} TO ${store}`);
    await tx.unsafe("COMMIT");
    return { columns, rows, bytes };
  } catch (error) {
    abortCopy();
    await tx.unsafe("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    tx.release();
  }
}

/** Changes column types; every value must convert (422 naming `types.<column>` otherwise). */
export async function retypeColumns(
  home: Sql,
  sourceId: string,
  current: CsvColumn[],
  changes: Record<string, CsvType>,
): Promise<CsvColumn[]> {
  const store = await ensureStore(home, sourceId);
  const unknown = Object.keys(changes).filter((name) => !current.some((c) => c.name === name));
  if (unknown.length > 0) {
    throw new ValidationError(unknown.map((name) => ({ path: `types.${name}`, message: "is not a column" })));
  }
  const tx = await home.reserve();
  try {
    await tx.unsafe("BEGIN");
    await tx.unsafe(`SET LOCAL search_path = ${store}`);
    for (const [name, type] of Object.entries(changes)) {
      const from = current.find((c) => c.name === name)!.type;
      if (from === type) continue;
      // via text: every type reads from its text form (numeric → boolean has no direct cast)
      const using = `${ident(name)}::text::${SQL_TYPE[type]}`;
      await tx.unsafe(`SAVEPOINT retype`);
      try {
        await tx.unsafe(`ALTER TABLE ${CSV_TABLE} ALTER COLUMN ${ident(name)} TYPE ${SQL_TYPE[type]} USING ${using}`);
      } catch (error) {
        await tx.unsafe(`ROLLBACK TO SAVEPOINT retype`);
        throw new ValidationError([{
          path: `types.${name}`,
          message: `cannot be ${type}: ${(error as Error).message}`,
        }]);
      }
    }
    await tx.unsafe("COMMIT");
    return current.map((c) => ({ name: c.name, type: changes[c.name] ?? c.type }));
  } catch (error) {
    await tx.unsafe("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    tx.release();
  }
}
