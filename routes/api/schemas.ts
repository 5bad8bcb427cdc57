/** Schemas shared by every API route's OpenAPI declaration. */
import { z } from "@hono/zod-openapi";

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

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

/** The error responses every route can give, to spread into `responses`. */
export const errorResponses = {
  400: problem("Malformed request (for example, invalid JSON or a bad cursor)"),
  413: problem("Request body larger than 1 MiB"),
  422: problem("Validation failed; `errors` names each field"),
  500: problem("Unexpected error; `request_id` identifies it in the logs"),
} as const;

export const notFoundResponse = { 404: problem("Not found, or not visible to the caller") } as const;
