/** Metrics over the API: batch ingest (Idempotency-Key aware), aggregated queries, the types of a project. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { bodyLimit } from "hono/body-limit";
import { PayloadTooLargeError, ValidationError } from "../../../services/platform/errors.ts";
import { ingestMetrics, MAX_REPORTED_ERRORS } from "../../../services/metrics/ingest.ts";
import { listTypes, queryMetrics } from "../../../services/metrics/query.ts";
import {
  type IngestInput,
  IngestResultSchema,
  IngestSchema,
  MAX_POINTS,
  plainlyValidBatch,
  QuerySchema,
  SeriesSchema,
  TypesQuerySchema,
  TypesSchema,
} from "../../../services/metrics/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { problemResponse } from "../../problem.ts";
import { notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

/** 10,000 points with RFC 3339 times are ~1.3 MB of JSON, over the app-wide 1 MiB; long type names need more. */
export const METRICS_BODY_LIMIT_BYTES = 4 * 1024 * 1024;
export const METRICS_PATH = "/api/v1/metrics";

const TAGS = ["Metrics"];

const ingestRoute = createRoute({
  method: "post",
  path: METRICS_PATH,
  operationId: "ingestMetrics",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Ingest a batch of metric points",
  description: `Needs \`metrics:write\`. Up to ${MAX_POINTS.toLocaleString("en")} points per request (a larger ` +
    "array is a 422 naming `points`; a body over 4 MiB a 413). Every point is validated before anything is " +
    "stored: a 422 names each bad field as `points[17].value` (the first " + MAX_REPORTED_ERRORS + " of them) and " +
    "nothing is written. A project the caller cannot see is reported exactly like an unknown one. A point is " +
    "identified by (project_id, type, recorded_at): sending it again replaces its value (last write wins), so " +
    "re-sent batches never duplicate. `recorded_at` defaults to the time the batch arrives and may be at most an " +
    "hour ahead. Send `Idempotency-Key` to have a retry replay the first answer.",
  request: {
    headers: z.object({
      "idempotency-key": z.string().optional().openapi({
        param: { in: "header" },
        description: "A unique string per batch. A retry with the same key and body gets the first answer again " +
          "(with `Idempotent-Replayed: true`); the same key with another body is a 422. Keys are kept 24 hours.",
        example: "collector-7-batch-000123",
      }),
    }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: IngestSchema,
          example: {
            points: [
              {
                project_id: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19",
                type: "cpu.load",
                value: 0.42,
                recorded_at: "2025-03-01T09:30:00Z",
              },
              { project_id: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19", type: "queue.depth", value: 17 },
            ],
          },
        },
      },
    },
  },
  responses: {
    200: {
      description: "Stored (or, for a retry with the same Idempotency-Key, the first answer replayed)",
      content: { "application/json": { schema: IngestResultSchema } },
    },
    403: problem("Your role or key may read metrics but not write them"),
    ...notFoundResponse,
    413: problem("Request body larger than 4 MiB"),
  },
});

const queryRoute = createRoute({
  method: "get",
  path: METRICS_PATH,
  operationId: "queryMetrics",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Aggregate a metric per step",
  description: "Needs `metrics:read`. Buckets of `step` aligned to the epoch (so the same range gives the same " +
    "buckets), each with `count`, `avg`, `min`, `max` and `p95`; `value` repeats the one named by `agg`. Only " +
    "buckets holding points are returned. Defaults: the last 24 hours, a step giving at most 300 buckets. Ranges " +
    "up to 90 days; an explicit step may give up to 5,000 buckets. `type=check.latency_ms` with `check_id` " +
    "aggregates a health check's result latencies instead of stored points.",
  request: { query: QuerySchema },
  responses: {
    200: { description: "The series", content: { "application/json": { schema: SeriesSchema } } },
    404: problem("The project or check is unknown or not visible to the caller"),
  },
});

const typesRoute = createRoute({
  method: "get",
  path: `${METRICS_PATH}/types`,
  operationId: "listMetricTypes",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "The metric types of a project",
  description: "Needs `metrics:read`. The types with stored points, alphabetically, then `check.latency_ms` once " +
    "per HTTP/TCP health check of the project (with its `check_id`) when the caller may read checks.",
  request: { query: TypesQuerySchema },
  responses: {
    200: { description: "The types", content: { "application/json": { schema: TypesSchema } } },
    404: problem("The project is unknown or not visible to the caller"),
  },
});

/** `points.17.value` → `points[17].value`, the spelling the docs promise; at most 100 errors. */
function bracketPathsHook(result: { success: true } | { success: false; error: z.ZodError }, c: Context) {
  if (result.success) return;
  const errors = result.error.issues.slice(0, MAX_REPORTED_ERRORS).map((issue) => ({
    path: issue.path.map((part, i) => typeof part === "number" ? `[${part}]` : `${i ? "." : ""}${String(part)}`)
      .join(""),
    message: issue.message,
  }));
  return problemResponse(c, new ValidationError(errors));
}

const JSON_TYPE = /^application\/([a-z-\.]+\+)?json(;\s*[a-zA-Z0-9\-]+\=([^;]+))*$/i;

/**
 * The batch as the route's schema would give it: 415 for a body that is not
 * JSON, 400 for JSON that does not parse (as @hono/zod-openapi answers), then
 * the schema's verdict: plainlyValidBatch's for the common batch, the
 * schema's own (with bracketPathsHook's errors) for any other.
 */
async function ingestBody(c: Context<AppEnv>): Promise<IngestInput | Response> {
  const type = c.req.header("Content-Type");
  if (type ? !JSON_TYPE.test(type) : c.req.raw.body !== null) {
    throw new HTTPException(415, { message: "Unsupported Media Type" });
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new HTTPException(400, { message: "Malformed JSON in request body" });
  }
  if (plainlyValidBatch(body)) return body;
  const parsed = IngestSchema.safeParse(body);
  return parsed.success ? parsed.data : bracketPathsHook(parsed, c)!;
}

export function metricsApi() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: bracketPathsHook });
  app.use(METRICS_PATH, signedIn);
  app.use(`${METRICS_PATH}/*`, signedIn);
  app.post(
    METRICS_PATH,
    bodyLimit({
      maxSize: METRICS_BODY_LIMIT_BYTES,
      onError: (c) => problemResponse(c, new PayloadTooLargeError(METRICS_BODY_LIMIT_BYTES)),
    }),
  );
  // Documented as declared; validated by ingestBody, whose answers are the schema's at a fraction of its cost.
  app.openAPIRegistry.registerPath(ingestRoute);
  app.post(METRICS_PATH, async (c) => {
    const input = await ingestBody(c);
    if (input instanceof Response) return input;
    const result = await ingestMetrics(
      c.get("deps").sql,
      requirePrincipal(c),
      input,
      auditContext(c),
      { idempotencyKey: c.req.header("Idempotency-Key"), path: c.req.path },
    );
    if (result.replayed) c.header("Idempotent-Replayed", "true");
    return c.json(result.body, 200);
  });
  app.openapi(queryRoute, async (c) => {
    const { sql, now } = c.get("deps");
    return c.json(await queryMetrics(sql, requirePrincipal(c), c.req.valid("query"), now()), 200);
  });
  app.openapi(typesRoute, async (c) => {
    return c.json(await listTypes(c.get("deps").sql, requirePrincipal(c), c.req.valid("query").project_id), 200);
  });
  return app;
}
