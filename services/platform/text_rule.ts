/**
 * The one rule for text that arrives from outside (JSON bodies, form posts,
 * query strings), applied before any schema sees it:
 *   - no NUL and no other control character (C0, DEL, C1); tab, line feed and
 *     carriage return only in multi-line fields (MULTILINE_FIELDS);
 *   - no lone surrogate (JSON's `"\ud800"` parses into one; PostgreSQL would
 *     store U+FFFD in its place);
 *   - no bidirectional embedding, override or isolate (U+202A–U+202E,
 *     U+2066–U+2069), which make `invoice\u202Efdp.exe` read as `invoiceexe.pdf`.
 * PostgreSQL refuses NUL in text with an error, so without this rule such
 * input is a 500; with it, a 422 naming the field.
 */
import type { FieldError } from "./errors.ts";

/** Fields whose text may span lines (the last name in the path, list indexes skipped). */
const MULTILINE_FIELDS = new Set([
  "description",
  "body",
  "comment",
  "csv",
  "headers",
  "to",
  "note",
  "notes",
  "message",
  "reason",
  "content",
  // saved queries' SQL, and the editor's textarea
  "query_text",
]);

const LINE_CONTROLS = new Set(["\t", "\n", "\r"]);
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;

/** What is wrong with `text` in field `path`, or null when it passes. */
export function textProblem(text: string, path: readonly (string | number)[]): string | null {
  const multiline = isMultiline(path);
  for (const [control] of text.matchAll(/\p{Cc}/gu)) {
    if (!(multiline && LINE_CONTROLS.has(control))) {
      return `must not contain control characters (found ${codePoint(control)})`;
    }
  }
  if (!text.isWellFormed()) return "must not contain an unpaired surrogate (invalid Unicode)";
  const bidi = text.match(BIDI)?.[0];
  if (bidi) return `must not contain bidirectional override characters (found ${codePoint(bidi)})`;
  return null;
}

/** Every offending string in a parsed JSON value or form, by path (`environments.0.name`). */
export function textProblems(value: unknown, path: (string | number)[] = []): FieldError[] {
  if (typeof value === "string") {
    const message = textProblem(value, path);
    return message ? [{ path: path.join("."), message }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => textProblems(item, [...path, i]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => {
      const keyMessage = textProblem(key, [...path, key]);
      return keyMessage
        ? [{ path: [...path, key].join("."), message: `has a name that ${keyMessage}` }]
        : textProblems(item, [...path, key]);
    });
  }
  return [];
}

function isMultiline(path: readonly (string | number)[]): boolean {
  const name = [...path].reverse().find((p) => typeof p === "string" && !/^\d+$/.test(p));
  return typeof name === "string" && MULTILINE_FIELDS.has(name);
}

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}
