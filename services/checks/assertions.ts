/**
 * Response assertions of HTTP checks: plain-substring keywords (no user
 * regex that could hang the process) and a small, safe JSON-path subset:
 * `$.a.b`, `$.a[0].b`, `$['key with spaces']`. Each returns null when the
 * assertion holds, or a short detail saying what was found instead.
 */

type Segment = string | number;

const DETAIL_MAX = 80;

/** The segments of a JSON path, or null when it is outside the supported subset. */
export function parseJsonPath(path: string): Segment[] | null {
  if (!path.startsWith("$") || path.length > 500) return null;
  const segments: Segment[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\.([A-Za-z_$][\w$-]*)/.exec(rest))) segments.push(m[1]);
    else if ((m = /^\[(\d{1,9})\]/.exec(rest))) segments.push(Number(m[1]));
    else if ((m = /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest)) || (m = /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest))) {
      segments.push(m[1].replace(/\\(.)/g, "$1"));
    } else return null;
    i += m[0].length;
  }
  return segments;
}

/** Why a JSON path is not accepted, for forms and the API; null when it is fine. */
export function jsonPathProblem(path: string): string | null {
  return parseJsonPath(path) ? null : "must be a JSON path such as $.status, $.items[0].state or $['key']";
}

/** The value as text: strings unquoted, everything else as compact JSON. */
export function jsonText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function checkJsonPath(body: string, path: string, expected: string | null): string | null {
  const segments = parseJsonPath(path);
  if (!segments) return `${path} is not a supported JSON path`;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return "the response is not JSON";
  }
  for (const segment of segments) {
    const container = value as Record<string | number, unknown> | null;
    const present = typeof segment === "number"
      ? Array.isArray(container) && segment < container.length
      : container !== null && typeof container === "object" && !Array.isArray(container) &&
        Object.hasOwn(container, segment);
    if (!present) return `${path} not found`;
    value = container![segment];
  }
  if (expected === null) return null;
  const actual = jsonText(value);
  return actual === expected ? null : `${path} is ${quote(actual)}, expected ${quote(expected)}`;
}

export function checkKeyword(body: string, keyword: string, invert: boolean): string | null {
  const found = body.includes(keyword);
  if (found === !invert) return null;
  return invert ? `keyword ${quote(keyword)} found` : `keyword ${quote(keyword)} not found`;
}

/** Accepted status codes; none listed means any 2xx. */
export function checkStatus(status: number, expected: number[]): string | null {
  if (expected.length === 0) return status >= 200 && status < 300 ? null : `expected a 2xx status, got ${status}`;
  if (expected.includes(status)) return null;
  const list = expected.length === 1
    ? String(expected[0])
    : `${expected.slice(0, -1).join(", ")} or ${expected[expected.length - 1]}`;
  return `expected status ${list}, got ${status}`;
}

function quote(text: string): string {
  const short = text.length > DETAIL_MAX ? text.slice(0, DETAIL_MAX - 1) + "…" : text;
  return JSON.stringify(short);
}
