/**
 * The request's id: the caller's X-Request-Id when it is a sane one, else a
 * new UUID; in the access log, in problem answers and echoed as a header.
 * Hono's requestId sets the header before the handler runs, which takes every
 * answer off Hono's fast path; this sets it on the finished answer.
 */
import type { MiddlewareHandler } from "hono";
import { setOnAnswer } from "./response_headers.ts";

export const HEADER = "X-Request-Id";
const SANE = /^[\w\-=]{1,255}$/;

/** The caller's id when it is a sane one, else a new UUID. */
export function requestIdFrom(sent: string | null | undefined): string {
  return sent && SANE.test(sent) ? sent : crypto.randomUUID();
}

export function requestId(): MiddlewareHandler {
  return async (c, next) => {
    const id = requestIdFrom(c.req.header(HEADER));
    c.set("requestId", id);
    await next();
    setOnAnswer(c, HEADER, id);
  };
}
