/**
 * Every error leaves through here: RFC 9457 problem+json for the API and
 * machine clients, a small HTML page for browsers, a fragment for htmx.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { z } from "zod";
import {
  AppError,
  BadRequestError,
  type FieldError,
  PayloadTooLargeError,
  ValidationError,
} from "../services/platform/errors.ts";
import type { Logger } from "../services/platform/logger.ts";
import { type DatabaseTroubles, unavailableError } from "../services/system/database_troubles.ts";
import { renderPage } from "../views/render.tsx";
import { ErrorPage } from "../views/errors/error_page.tsx";
import { getCookie } from "hono/cookie";
import { h } from "preact";
import { PageContext, type PageContextValue } from "../views/page_context.ts";
import type { Principal } from "../services/auth/permissions.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  request_id?: string;
  errors?: FieldError[];
}

/** zod issues → our field errors: `environments.1.url` style paths. */
export function fieldErrorsFromZod(issues: z.core.$ZodIssue[]): FieldError[] {
  return issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

/**
 * Turns any thrown value into an AppError: database troubles (down, frozen,
 * full, read-only) become a 503 with Retry-After; unknown errors a 500.
 */
export function toAppError(error: unknown, troubles?: DatabaseTroubles): AppError {
  if (error instanceof AppError) return error;
  const unavailable = troubles ? troubles.toError(error) : unavailableError(error);
  if (unavailable) return unavailable;
  if (error instanceof HTTPException) {
    if (error.status === 413) return new PayloadTooLargeError(BODY_LIMIT_BYTES);
    if (error.status === 400) return new BadRequestError(describeBadRequest(error.message));
    return new AppError(error.status, error.message || "Error", error.message || "Request failed");
  }
  return new AppError(
    500,
    "Internal server error",
    "Something went wrong on our side; the request id identifies it in the logs",
  );
}

/** Hono's JSON validator says "Malformed JSON in request body"; keep it plain. */
function describeBadRequest(message: string): string {
  return /json/i.test(message) ? "The request body is not valid JSON" : message || "Bad request";
}

export function problemBody(c: Context, error: AppError): Problem {
  return {
    type: error.type,
    title: error.title,
    status: error.status,
    detail: error.message,
    instance: c.req.path,
    request_id: c.get("requestId"),
    ...(error.errors ? { errors: error.errors } : {}),
  };
}

export function problemResponse(c: Context, error: AppError): Response {
  const headers = new Headers({ "Content-Type": PROBLEM_CONTENT_TYPE, ...error.headers });
  const requestId = c.get("requestId");
  if (requestId) headers.set("X-Request-Id", requestId);
  if (wantsHtml(c)) {
    headers.set("Content-Type", "text/html; charset=utf-8");
    const isFragment = c.req.header("HX-Request") === "true";
    // The signed-in reader keeps the app's navigation on an error page (issue 12); the theme comes from its cookie.
    const theme = getCookie(c, "opsdeck_theme");
    const context: PageContextValue = {
      theme: theme === "light" || theme === "dark" ? theme : "auto",
      path: c.req.path,
      principal: (c.get("principal") as Principal | null | undefined) ?? null,
    };
    const page = h(PageContext.Provider, { value: context }, ErrorPage({ error, requestId }));
    return new Response(renderPage(page, { fragment: isFragment }), {
      status: error.status,
      headers,
    });
  }
  return new Response(JSON.stringify(problemBody(c, error)), { status: error.status, headers });
}

/** Browsers get pages; API paths, scripts and JSON clients get problem+json. */
function wantsHtml(c: Context): boolean {
  const path = c.req.path;
  if (path.startsWith("/api/") || path.startsWith("/hooks/") || path === "/openapi.json") return false;
  return (c.req.header("Accept") ?? "").includes("text/html");
}

/** Thrown by page handlers to send the browser elsewhere (303, or HX-Redirect for htmx). */
export class RedirectError extends Error {
  constructor(readonly location: string) {
    super(`redirect to ${location}`);
  }
}

export function onError(logger: Logger) {
  return (error: Error, c: Context) => {
    if (error instanceof RedirectError) {
      if (c.req.header("HX-Request") === "true") return c.body(null, 200, { "HX-Redirect": error.location });
      return c.redirect(error.location, 303);
    }
    const appError = toAppError(error, c.get("deps")?.troubles);
    if (appError.status === 503) {
      logger.warn("database unavailable", {
        request_id: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        error: error.message,
        code: (error as { code?: string }).code,
      });
    } else if (appError.status >= 500) {
      logger.error("unhandled error", {
        request_id: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        error: error.message,
        stack: error.stack,
      });
    }
    return problemResponse(c, appError);
  };
}

export function notFound(c: Context): Response {
  return problemResponse(c, new AppError(404, "Not found", `No route for ${c.req.method} ${c.req.path}`));
}

/** The OpenAPIHono defaultHook: a failed zod parse becomes a 422 naming each field. */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError; target?: string },
  c: Context,
) {
  if (!result.success) {
    return problemResponse(c, new ValidationError(fieldErrorsFromZod(result.error.issues)));
  }
}
