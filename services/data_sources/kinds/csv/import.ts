/**
 * Importing a CSV file into a source's store: its bytes streamed into COPY
 * (FORMAT csv) into an unlogged staging table of text columns, each column's
 * type inferred in one pass there, then turned into the typed table `data` in
 * one statement, all in one transaction (a failed import leaves the previous
 * data as it was).
 * Changing a column's type later is an ALTER … USING cast (422 when a value
 * does not convert).
 */
import type { Sql } from "../../../../db/client.ts";
import { PayloadTooLargeError, ValidationError } from "../../../platform/errors.ts";
import { type CsvType, notUtf8, readCsv, TESTS } from "./parse.ts";
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

/** Test j of parse.ts's TESTS on column `name`, as a PostgreSQL regular expression (POSIX ARE reads the same syntax). */
function passes(name: string, j: number): string {
  const re = TESTS[j][1];
  return `bool_and(${ident(name)} IS NULL OR ${ident(name)} ${re.flags.includes("i") ? "~*" : "~"} ${
    literal(re.source)
  })`;
}

/**
 * Each column's type: the first test every value passes. The tests run on the first 1,000 rows first, so over the
 * whole table only the first candidate left per column is checked (one regular expression per value, not four);
 * a candidate the whole table refutes makes another pass with the next one (positional aliases: a 60-character
 * column name plus a suffix would pass PostgreSQL's 63-character limit).
 */
async function inferTypes(tx: Sql, names: string[]): Promise<{ rows: number; types: CsvType[] }> {
  const sample = names.flatMap((n, i) => TESTS.map((_, j) => `${passes(n, j)} AS c${i}_${j}`));
  const [seen] = await tx.unsafe(
    `SELECT ${["count(*)::int AS n", ...sample].join(", ")} FROM (SELECT * FROM _staging LIMIT 1000) s`,
  );
  if (Number(seen.n) === 0) return { rows: 0, types: names.map(() => "text") };
  const left = names.map((_, i) => TESTS.map((_, j) => j).filter((j) => seen[`c${i}_${j}`]));
  for (;;) {
    const open = names.flatMap((n, i) => left[i].length ? [`${passes(n, left[i][0])} AS c${i}`] : []);
    const [all] = await tx.unsafe(`SELECT ${["count(*)::int AS n", ...open].join(", ")} FROM _staging`);
    let refuted = false;
    names.forEach((_, i) => {
      if (left[i].length && all[`c${i}`] === false) (left[i] = left[i].slice(1)), (refuted = true);
    });
    if (!refuted) {
      return { rows: Number(all.n), types: left.map((l) => l.length ? TESTS[l[0]][0] : "text") };
    }
  }
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** COPY's own complaints about the file (wrong field count, open quote, bad bytes) as a 422 naming the line. */
function fileProblem(error: unknown): unknown {
  const e = error as { code?: string; message?: string; where?: string };
  if (e.code === "22021") return notUtf8();
  if (e.code !== "22P04" && e.code !== "22P02") return error;
  const line = e.where?.match(/line (\d+)/)?.[1];
  return new ValidationError([{ path: "file", message: `${line ? `line ${line}: ` : ""}${e.message}` }]);
}

/**
 * The file goes to PostgreSQL as it arrives: `COPY … (FORMAT csv, HEADER)` parses it in C (quotes, line ends,
 * empty unquoted fields as NULL, UTF-8 checked by the server). Only the header row is parsed here, to name the
 * columns; the types are then inferred in one pass over the staging table. No row is touched in JavaScript.
 */
export async function importCsv(
  home: Sql,
  sourceId: string,
  body: ReadableStream<Uint8Array>,
  onBytes?: (n: number) => void,
): Promise<ImportResult> {
  const store = await ensureStore(home, sourceId);
  const tx = await home.reserve();
  // a failed import must end COPY (CopyFail) before ROLLBACK can be sent on the connection
  let abortCopy = () => {};
  const reader = body.getReader();
  try {
    await tx.unsafe("BEGIN");
    // a 50 MB file takes longer than a request's statement budget; the byte cap bounds it instead
    await tx.unsafe(`SET LOCAL search_path = ${store}; SET LOCAL statement_timeout = '300s'`).simple();
    const [{ server_encoding: encoding }] = await tx`SHOW server_encoding`;
    // a UTF8 database checks every byte itself; any other is checked here (slower)
    const decoder = encoding === "UTF8" ? null : new TextDecoder("utf-8");
    let bytes = 0;
    const pending: Uint8Array[] = [];
    let names: string[] | null = null;
    let copyError: Error | null = null;
    let failed: (e: Error) => void = () => {};
    let copy:
      | { write(chunk: Uint8Array, cb: (error?: Error | null) => void): boolean; end(cb: () => void): void }
      | null = null;
    const write = (chunk: Uint8Array) =>
      new Promise<void>((resolve, reject) => {
        if (copyError) return reject(copyError);
        copy!.write(chunk, (e) => e ? reject(e) : resolve());
      });
    const start = async (header: string[]) => {
      if (header.length > MAX_COLUMNS) {
        throw new ValidationError([{ path: "file", message: `has more than ${MAX_COLUMNS} columns` }]);
      }
      names = columnNames(header);
      await tx.unsafe(`DROP TABLE IF EXISTS _staging`);
      await tx.unsafe(`CREATE UNLOGGED TABLE _staging (${names.map((n) => `${ident(n)} text`).join(", ")})`);
      const query = tx.unsafe(`COPY _staging FROM STDIN WITH (FORMAT csv, HEADER true)`);
      // An error PostgreSQL finds in the last bytes arrives after the stream has ended: postgres.js then only rejects
      // the query (long since resolved to the stream) and never finishes the stream, so the import would wait forever.
      const internal = query as unknown as { reject(e: Error): void };
      const reject = internal.reject;
      internal.reject = (e: Error) => {
        copyError ??= e;
        failed(e);
        reject(e);
      };
      const writable = await query.writable();
      writable.on("error", (e: Error) => {
        copyError ??= e;
        failed(e);
      });
      copy = writable as unknown as typeof copy;
      abortCopy = () => writable.destroy(new Error("import abandoned"));
    };
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > CSV_MAX_BYTES) throw new PayloadTooLargeError(CSV_MAX_BYTES);
      onBytes?.(bytes);
      if (decoder && decoder.decode(value, { stream: true }).includes("\uFFFD")) throw notUtf8();
      if (copy) {
        await write(value);
        continue;
      }
      pending.push(value);
      const header = await headerOf(pending);
      if (header) {
        await start(header);
        for (const chunk of pending.splice(0)) await write(chunk);
      }
    }
    if (!copy && pending.length > 0) {
      const header = await headerOf(pending, true);
      if (header) {
        await start(header);
        for (const chunk of pending.splice(0)) await write(chunk);
      }
    }
    if (!names || !copy) throw new ValidationError([{ path: "file", message: "is empty: no header row" }]);
    // COPY's verdict on the last bytes arrives as an error instead of the finish
    await new Promise<void>((resolve, reject) => {
      if (copyError) return reject(copyError);
      failed = reject;
      copy!.end(resolve);
    });
    const header: string[] = names;
    const { rows, types } = await inferTypes(tx as unknown as Sql, header);
    const columns = header.map((name, i) => ({ name, type: types[i] }));
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
    throw fileProblem(error);
  } finally {
    await reader.cancel().catch(() => {});
    tx.release();
  }
}

/**
 * The header row, once the bytes so far hold all of it (a line end outside quotes), read by parse.ts's reader;
 * undefined while it may still go on (or, at the end of the file, when there is none).
 */
async function headerOf(chunks: Uint8Array[], atEnd = false): Promise<string[] | undefined> {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) all.set(c, (at += c.byteLength) - c.byteLength);
  let end = -1;
  let inQuotes = false;
  for (let i = 0; i < all.length; i++) {
    if (all[i] === 34) inQuotes = !inQuotes;
    else if (!inQuotes && (all[i] === 10 || all[i] === 13)) {
      end = i;
      break;
    }
  }
  if (end < 0 && !atEnd) return undefined;
  let header: (string | null)[] | undefined;
  await readCsv(new Blob([all.subarray(0, end < 0 ? all.length : end)]).stream(), CSV_MAX_BYTES, (rows) => {
    header ??= rows[0];
    return Promise.resolve();
  });
  return header?.map((h) => h ?? "");
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
