/**
 * services/text_rule.ts applied to everything a request brings, in one
 * place before any route or schema: query parameters, JSON bodies (checked
 * after JSON.parse, where `\u0000` and lone `\ud800` escapes become real
 * characters) and form posts. A refusal is the usual 422 naming each field,
 * as problem+json for the API and in plain words on a page.
 *
 * The body is read as bytes first, so Hono caches the exact bytes: a route
 * that verifies a signature over the raw body (GitHub, Slack) still sees
 * them unchanged. The metric ingest path is left to its schema (every string
 * there is a pattern) because its larger body limit is set by its route, and
 * reading the body here would run before that limit.
 */
import type { HonoRequest, MiddlewareHandler } from "hono";
import { ValidationError } from "../../services/platform/errors.ts";
import { textProblems } from "../../services/platform/text_rule.ts";
import { METRICS_PATH } from "../api/v1/metrics.ts";
import type { AppEnv } from "../deps.ts";

/**
 * `next` has a stricter rule of its own (routes/safe_next.ts): anything odd
 * sends the user home instead of to an error page, as sign-in links should.
 */
const OWN_RULE = "next";

const FORMS = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

export function textRule(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const errors = textProblems(queryOf(c.req.url));
    if (errors.length === 0 && c.req.path !== METRICS_PATH && hasBody(c.req.raw)) {
      errors.push(...textProblems(await bodyOf(c.req)));
    }
    if (errors.length) throw new ValidationError(errors);
    await next();
  };
}

/** Most requests carry no query: then no URL is parsed (a request's URL never holds a fragment). */
function queryOf(url: string): Record<string, string | string[]> {
  const at = url.indexOf("?");
  return at < 0 ? {} : byName(new URLSearchParams(url.slice(at + 1)));
}

/** One value per name reports as `q`, several as `q.0`, `q.1`; uploaded files are not text. */
function byName(entries: URLSearchParams | FormData): Record<string, string | string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of entries) {
    if (typeof value === "string" && key !== OWN_RULE) (out[key] ??= []).push(value);
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
}

function hasBody(raw: Request): boolean {
  return raw.body !== null && raw.method !== "GET" && raw.method !== "HEAD";
}

/** The parsed body, or nothing when it is not JSON or a form (or does not parse: the route says so). */
async function bodyOf(req: HonoRequest): Promise<unknown> {
  const type = req.header("Content-Type") ?? "";
  const isJson = /\bjson\b/i.test(type);
  if (!isJson && !FORMS.test(type)) return undefined;
  await req.arrayBuffer();
  try {
    if (isJson) return await req.json();
    return byName(await req.formData());
  } catch {
    return undefined;
  }
}
