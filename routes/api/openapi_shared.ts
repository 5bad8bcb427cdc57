/**
 * What the API route declarations share: the problem+json error model, who may call, the `{id}` path parameter,
 * JSON bodies, and the `Location` of a created resource. What holds for every operation by construction (the
 * `X-Request-Id` header, the errors the middleware produces) is added to the whole document once, in
 * ./openapi_document.ts.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";

export const ProblemSchema = z.object({
  type: z.string().openapi({ example: "https://opsdeck.dev/problems/validation-failed" }),
  title: z.string().openapi({ example: "Validation failed" }),
  status: z.number().int().openapi({ example: 422 }),
  detail: z.string().openapi({ example: "name: Required" }),
  instance: z.string().optional().openapi({ example: "/api/v1/clients" }),
  request_id: z.string().optional(),
  errors: z.array(z.object({
    path: z.string().openapi({ example: "environments.0.url" }),
    message: z.string().openapi({ example: "Invalid URL" }),
  })).optional(),
}).openapi("Problem");

/** An error this operation gives for its own reason: its own description, the shared body. */
export const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

export const notFoundResponse = { 404: problem("Not found, or not visible to the caller") } as const;

/**
 * Security requirements. Scripts send `Authorization: Bearer` (an API key or a session token); browsers send the
 * session cookie, and on unsafe methods also `X-CSRF-Token` (added to the document per method).
 */
export const SIGNED_IN: Record<string, string[]>[] = [{ bearerToken: [] }, { sessionCookie: [] }];
/**
 * No credentials: the body, URL or a signature carries the secret (sign-in, invitations, heartbeat pings, the GitHub
 * webhook), or there is none (liveness, readiness, Prometheus metrics).
 */
export const PUBLIC: Record<string, string[]>[] = [];

export const IdParam = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" }, example: "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b" }),
});

/** A required JSON request body, with an example when the schema's own examples do not make a valid one. */
export const jsonBody = <T extends z.ZodType>(schema: T, example?: unknown) => ({
  required: true,
  content: { "application/json": { schema, example } },
});

/** A JSON answer in the given shape. */
export const jsonAnswer = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { "application/json": { schema } },
});

/** The `Location` of a resource created by a POST to its collection (RFC 9110: relative references are fine). */
export const locationOf = (c: Context, id: string) => ({ Location: `${c.req.path}/${id}` });
