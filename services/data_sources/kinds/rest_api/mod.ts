/**
 * REST API sources: one JSON endpoint fetched with GET through safeRequest
 * (the outbound policy checks every hop and connects to the address it
 * checked), headers sealed as the secret, a 5 MiB body cap and the source's
 * timeout. A saved query's text is a JSON path (the HTTP checks' safe subset)
 * to the array of rows; its parameters travel as URL query parameters, encoded,
 * never spliced into the path.
 */
import { z } from "@hono/zod-openapi";
import { parseJsonPath } from "../../../checks/assertions.ts";
import { OutboundError, safeRequest } from "../../../platform/net/http_client.ts";
import { limitFields } from "../limits.ts";
import { type DataSourceKind, type OpenSource, type QueryResult, SourceError } from "../types.ts";
import { rowsAt, tabulate } from "./rows.ts";

/** The largest body read; a bigger answer is refused rather than cut (a cut JSON document does not parse). */
export const REST_BODY_CAP = 5 * 1024 * 1024;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;

export const RestApiConfigSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "must be an http or https URL" }).max(2000)
    .openapi({ example: "https://api.example.com/v1/orders" }),
  headers: z.record(
    z.string().regex(HEADER_NAME, "must be a header name"),
    z.string().max(4000).regex(/^[^\r\n]*$/, "must be one line"),
  ).optional().openapi({
    description: "Secret: sent with every request (e.g. Authorization), stored encrypted, never returned",
    example: { Authorization: "Bearer …" },
  }),
  ...limitFields,
}).openapi("RestApiSourceConfig");
type RestInput = z.infer<typeof RestApiConfigSchema>;

async function fetchJson(source: OpenSource, timeoutMs: number, query: [string, string][] = []): Promise<unknown> {
  const url = new URL(String(source.config.url));
  for (const [name, value] of query) url.searchParams.set(name, value);
  let res;
  try {
    res = await safeRequest({
      url: url.toString(),
      headers: { Accept: "application/json", ...source.secret },
      policy: source.policy,
      timeoutMs,
      maxBodyBytes: REST_BODY_CAP,
    });
  } catch (error) {
    if (error instanceof OutboundError) throw new SourceError(`Could not reach the API: ${error.message}`);
    throw error;
  }
  if (res.truncated) throw new SourceError("The API answered more than 5 MiB; ask it for less (a page, a filter)");
  if (res.status < 200 || res.status > 299) throw new SourceError(`The API answered HTTP ${res.status}`);
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(res.body));
  } catch {
    throw new SourceError("The API's answer is not JSON");
  }
}

export const restApiKind: DataSourceKind = {
  kind: "rest_api",
  dialect: null,
  configSchema: RestApiConfigSchema,
  connects: true,
  split(parsed) {
    const c = parsed as RestInput;
    return {
      config: {
        url: c.url,
        header_names: Object.keys(c.headers ?? {}),
        timeout_seconds: c.timeout_seconds,
        row_limit: c.row_limit,
      },
      secret: c.headers,
    };
  },
  target(config) {
    const u = new URL(String(config.url));
    return { host: u.hostname.replace(/^\[|\]$/g, ""), port: Number(u.port) || (u.protocol === "https:" ? 443 : 80) };
  },
  async test(source) {
    const body = await fetchJson(source, Number(source.config.timeout_seconds ?? 10) * 1000);
    const shape = Array.isArray(body) ? `an array of ${body.length}` : typeof body === "object" ? "an object" : "JSON";
    return { serverVersion: `HTTP 200, ${shape}` };
  },
  async introspect(source) {
    // The rows' path is the query's; the schema shows the top-level array (or each top-level array field).
    const body = await fetchJson(source, Number(source.config.timeout_seconds ?? 10) * 1000);
    const arrays: [string, unknown[]][] = Array.isArray(body)
      ? [["$", body]]
      : body && typeof body === "object"
      ? Object.entries(body).filter((e): e is [string, unknown[]] => Array.isArray(e[1])).map(([k, v]) => [`$.${k}`, v])
      : [];
    return arrays.flatMap(([path, rows]) =>
      tabulate(rows.slice(0, 100), Infinity, Infinity).columns.map((c, i) => ({
        schema_name: "",
        table_name: path,
        column_name: c.name,
        ordinal: i + 1,
        data_type: c.type,
        is_nullable: true,
        column_default: null,
      }))
    );
  },
  async run(source, text, params, limits, names = []): Promise<QueryResult> {
    const path = parseJsonPath(text);
    if (!path) throw new SourceError(`${text} is not a supported JSON path`);
    const query = names.map((name, i): [string, string] => {
      const v = params[i];
      return [name, v instanceof Date ? v.toISOString() : String(v)];
    });
    const body = await fetchJson(source, limits.timeoutMs, query);
    return tabulate(rowsAt(body, path, text), limits.maxRows, limits.maxBytes);
  },
  // no connections are kept
  close: () => Promise.resolve(),
};
