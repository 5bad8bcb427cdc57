/**
 * A wrong method on an API path that exists answers 405 with `Allow` (RFC 9110 §15.5.6) instead of 404, so a
 * script learns it has the right URL and the wrong verb. Built from the app's own route table on first use.
 */
import type { Context, Hono } from "hono";
import { AppError } from "../services/platform/errors.ts";
import type { AppEnv } from "./deps.ts";
import { notFound, problemResponse } from "./problem.ts";

const ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

interface ApiPath {
  pattern: URLPattern;
  methods: Set<string>;
}

export function notFoundOrWrongMethod(app: Hono<AppEnv>) {
  let paths: ApiPath[] | undefined;
  return (c: Context<AppEnv>): Response => {
    if (!c.req.path.startsWith("/api/")) return notFound(c);
    paths ??= apiPaths(app);
    const allowed = new Set(
      paths.filter((p) => p.pattern.test({ pathname: c.req.path })).flatMap((p) => [...p.methods]),
    );
    if (allowed.size === 0 || allowed.has(c.req.method)) return notFound(c);
    const allow = ORDER.filter((method) => allowed.has(method)).join(", ");
    return problemResponse(
      c,
      new AppError(
        405,
        "Method not allowed",
        `${c.req.method} is not allowed on ${c.req.path}; use ${allow}`,
        undefined,
        {
          Allow: allow,
        },
      ),
    );
  };
}

function apiPaths(app: Hono<AppEnv>): ApiPath[] {
  const byPath = new Map<string, Set<string>>();
  for (const route of app.routes) {
    if (route.method === "ALL" || !route.path.startsWith("/api/")) continue;
    const methods = byPath.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    // Hono answers HEAD with the GET handler.
    if (route.method === "GET") methods.add("HEAD");
    byPath.set(route.path, methods);
  }
  return [...byPath].map(([path, methods]) => ({ pattern: new URLPattern({ pathname: path }), methods }));
}
