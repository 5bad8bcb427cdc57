/**
 * A streaming RFC 4180 reader: bytes in (counted against a cap, decoded as
 * UTF-8, refused at the first invalid sequence), rows out. The import reads
 * only the header row with it (PostgreSQL's COPY parses the rest); the type
 * tests below are what it infers column types with, in SQL.
 */
import { PayloadTooLargeError, ValidationError } from "../../../platform/errors.ts";

export const CSV_TYPES = ["integer", "number", "boolean", "timestamp", "text"] as const;
export type CsvType = typeof CSV_TYPES[number];

/** The values each type accepts (empty fields aside); the first type every value of a column passes wins. */
export const TESTS: [Exclude<CsvType, "text">, RegExp][] = [
  ["integer", /^-?\d{1,18}$/],
  ["number", /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/],
  ["boolean", /^(true|false)$/i],
  ["timestamp", /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/],
];

/**
 * Reads `body` to the end (or the cap), calling `onRows` with each batch of
 * parsed rows (empty fields as null); the first row is the header. `onBytes`
 * reports progress. 413 past `maxBytes`, 422 on non-UTF-8 text or an
 * unterminated quote.
 */
export async function readCsv(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  onRows: (rows: (string | null)[][]) => Promise<void>,
  onBytes: (n: number) => void = () => {},
): Promise<number> {
  // Not `fatal`: Deno's fatal streaming decoder is about 2-3× slower. An invalid sequence decodes to U+FFFD, so a
  // file holding U+FFFD is refused as not UTF-8: such a file already lost characters in an earlier conversion.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: false });
  const decode = (bytes?: Uint8Array) => {
    const text = bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    if (text.includes("\uFFFD")) throw notUtf8();
    return text;
  };
  let bytes = 0;
  let field = "";
  let row: (string | null)[] = [];
  let rows: (string | null)[][] = [];
  let quoted = false;
  let inQuotes = false;
  let afterQuote = false;
  let lastWasCr = false;
  const endField = () => {
    row.push(field === "" && !quoted ? null : field);
    field = "";
    quoted = false;
    afterQuote = false;
  };
  const endRow = () => {
    endField();
    if (!(row.length === 1 && row[0] === null)) rows.push(row);
    row = [];
  };
  // Slices between special characters rather than adding characters one at a time: a 50 MB file is a few
  // hundred thousand slices, not fifty million string appends.
  const feed = (text: string) => {
    let i = 0;
    while (i < text.length) {
      if (inQuotes) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          field += text.slice(i);
          return;
        }
        field += text.slice(i, q);
        if (text[q + 1] === '"') (field += '"'), (i = q + 2);
        else (inQuotes = false), (afterQuote = true), (i = q + 1);
        continue;
      }
      const c = text[i];
      if (afterQuote && c === '"') {
        // "" split across chunks: a literal quote, still inside
        field += '"';
        inQuotes = true;
        afterQuote = false;
        i++;
        continue;
      }
      afterQuote = false;
      if (c === ",") endField();
      else if (c === "\n") {
        if (!lastWasCr) endRow();
      } else if (c === "\r") endRow();
      else if (c === '"' && field === "") (inQuotes = true), (quoted = true);
      else {
        let stop = i;
        while (stop < text.length) {
          const code = text.charCodeAt(stop);
          if (code === 44 || code === 34 || code === 10 || code === 13) break;
          stop++;
        }
        // a quote inside an unquoted field is kept as written
        const upTo = stop === i ? i + 1 : stop;
        field += text.slice(i, upTo);
        lastWasCr = false;
        i = upTo;
        continue;
      }
      lastWasCr = c === "\r";
      i++;
    }
  };
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > maxBytes) throw new PayloadTooLargeError(maxBytes);
      onBytes(bytes);
      feed(decode(value));
      if (rows.length >= 2000) await onRows(rows.splice(0));
    }
    feed(decode());
  } finally {
    await reader.cancel().catch(() => {});
  }
  if (inQuotes) throw new ValidationError([{ path: "file", message: "ends inside a quoted field" }]);
  if (field !== "" || row.length > 0 || quoted) endRow();
  if (rows.length > 0) await onRows(rows);
  rows = [];
  return bytes;
}

export const notUtf8 = () =>
  new ValidationError([{ path: "file", message: "is not UTF-8 text; save it as CSV UTF-8 and upload it again" }]);
