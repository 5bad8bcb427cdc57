/**
 * The request's id: the caller's X-Request-Id when it is a sane one, else a
 * new UUID; in the access log, in problem answers and echoed as a header.
 * Hono's requestId sets the header before the handler runs, which takes every
 * answer off Hono's fast path; this sets it on the finished answer.
 */
import type { MiddlewareHandler } from "hono";
import { setOnAnswer } from "./response_headers.ts";

const HEADER = "X-Request-Id";
const SANE = /^[\w\-=]{1,255}$/;

export function requestId(): MiddlewareHandler {
  return async (c, next) => {
    const sent = c.req.header(HEADER);
    const id = sent && SANE.test(sent) ? sent : crypto.randomUUID();
    c.set("requestId", id);
    await next();
    setOnAnswer(c, HEADER, id);
  };
}
