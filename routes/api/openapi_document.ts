/**
 * The published OpenAPI document: what the routes declare, completed with what holds for every operation because of
 * the middleware in front of them, stated here once instead of in 110 route declarations:
 * - every response carries `X-Request-Id`; a 201 carries `Location`; 429 and 503 carry `Retry-After`, 429 also the
 *   `RateLimit` headers; an operation that takes `Idempotency-Key` says `Idempotent-Replayed` on its success;
 * - every API operation can fail with 429 (rate limit), 500 and 503 (database unavailable), one with input with
 *   400 and 422, one with a body with 413, one that needs credentials with 401;
 * - a cookie session needs `X-CSRF-Token` on unsafe methods.
 * The shared answers and headers live in `components` and are referenced, so each is declared once.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../deps.ts";

type Document = ReturnType<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>;
// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const ref = (kind: "headers" | "responses", name: string) => ({ $ref: `#/components/${kind}/${name}` });
const PROBLEM = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };
const UNSAFE = new Set(["post", "put", "patch", "delete"]);

const securitySchemes = {
  bearerToken: {
    type: "http",
    scheme: "bearer",
    description: "An API key (`odk_…`, from `POST /api/v1/api-keys`) or a session token (from " +
      "`POST /api/v1/sessions`).",
  },
  sessionCookie: {
    type: "apiKey",
    in: "cookie",
    name: "opsdeck_session",
    description: "The browser's session (`__Host-opsdeck_session` when Opsdeck is served over https). Unsafe " +
      "methods also need `X-CSRF-Token`.",
  },
  csrfToken: {
    type: "apiKey",
    in: "header",
    name: "X-CSRF-Token",
    description: "The session's CSRF token (pages carry it; `/docs` sends it for you). Only with the session cookie.",
  },
};

const headers = {
  "X-Request-Id": {
    description: "Identifies the request in the logs; echoes the caller's own `X-Request-Id` when it sent one.",
    schema: { type: "string", example: "4f9c2b1e-7a3d-4c5e-9b8a-1d2e3f4a5b6c" },
  },
  "Location": {
    description: "The created resource",
    schema: {
      type: "string",
      format: "uri-reference",
      example: "/api/v1/clients/6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
    },
  },
  "Idempotent-Replayed": {
    description: "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`",
    schema: { type: "string", enum: ["true"] },
  },
  "Retry-After": {
    description: "Seconds to wait before trying again",
    schema: { type: "integer", minimum: 0, example: 30 },
  },
  "RateLimit": {
    description: "What is left of the quota that refused the request (IETF RateLimit header fields)",
    schema: { type: "string", example: '"api";r=0;t=30' },
  },
  "RateLimit-Policy": {
    description: "The quota: requests per window, per API key or per client IP",
    schema: { type: "string", example: '"api";q=600;w=60' },
  },
};

const requestIdOnly = { "X-Request-Id": ref("headers", "X-Request-Id") };
const retryHeaders = { ...requestIdOnly, "Retry-After": ref("headers", "Retry-After") };
const rateLimitHeaders = {
  ...retryHeaders,
  "RateLimit": ref("headers", "RateLimit"),
  "RateLimit-Policy": ref("headers", "RateLimit-Policy"),
};

const shared = (description: string, responseHeaders: Json = requestIdOnly) => ({
  description,
  headers: responseHeaders,
  content: PROBLEM,
});

const responses = {
  BadRequest: shared("Malformed request: the body is not valid JSON, or a cursor this list did not issue"),
  Unauthorized: shared("Not signed in, or the API key or session is invalid, expired or revoked"),
  PayloadTooLarge: shared("Request body larger than the limit (1 MiB unless the operation says otherwise)"),
  ValidationFailed: shared("Validation failed; `errors` names each field"),
  TooManyRequests: shared("Rate limited; retry after `Retry-After` seconds", rateLimitHeaders),
  InternalError: shared("Unexpected error; `request_id` identifies it in the logs"),
  ServiceUnavailable: shared(
    "The database is unavailable or out of space; retry after `Retry-After` seconds",
    retryHeaders,
  ),
};

/** Status → shared answer, and when an operation can give it. */
const STANDARD: [string, keyof typeof responses, (op: Json, api: boolean) => boolean][] = [
  ["400", "BadRequest", (op, api) => api && hasInput(op)],
  ["401", "Unauthorized", (op) => (op.security?.length ?? 0) > 0],
  ["413", "PayloadTooLarge", (op, api) => api && op.requestBody !== undefined],
  ["422", "ValidationFailed", (op, api) => api && hasInput(op)],
  ["429", "TooManyRequests", (_op, api) => api],
  ["500", "InternalError", (_op, api) => api],
  ["503", "ServiceUnavailable", (_op, api) => api],
];

const hasInput = (op: Json) => op.requestBody !== undefined || (op.parameters?.length ?? 0) > 0;

export function completeDocument(doc: Document): Document {
  const out = structuredClone(doc) as Json;
  out.components = {
    ...out.components,
    securitySchemes,
    headers,
    responses,
  };
  for (const [path, item] of Object.entries(out.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      completeOperation(method, op, path.startsWith("/api/"));
    }
  }
  return out as Document;
}

function completeOperation(method: string, op: Json, api: boolean) {
  if (UNSAFE.has(method) && op.security) {
    op.security = op.security.map((requirement: Json) =>
      "sessionCookie" in requirement ? { ...requirement, csrfToken: [] } : requirement
    );
  }
  for (const [status, name, applies] of STANDARD) {
    if (op.responses[status] === undefined && applies(op, api)) op.responses[status] = ref("responses", name);
  }
  const idempotent = (op.parameters ?? []).some((p: Json) => p.in === "header" && /^idempotency-key$/i.test(p.name));
  const ordered: Json = {};
  for (const status of Object.keys(op.responses).sort()) {
    const response = op.responses[status];
    if (!("$ref" in response)) response.headers = { ...headersFor(status, idempotent, api), ...response.headers };
    ordered[status] = response;
  }
  op.responses = ordered;
}

function headersFor(status: string, idempotent: boolean, api: boolean): Json {
  if (status === "201") {
    return {
      ...requestIdOnly,
      "Location": ref("headers", "Location"),
      ...(idempotent ? { "Idempotent-Replayed": ref("headers", "Idempotent-Replayed") } : {}),
    };
  }
  if (status.startsWith("2") && idempotent) {
    return { ...requestIdOnly, "Idempotent-Replayed": ref("headers", "Idempotent-Replayed") };
  }
  if (api && status === "429") return rateLimitHeaders;
  if (api && status === "503") return retryHeaders;
  return requestIdOnly;
}
