/**
 * The OpenAPI document and a reference UI served from npm's swagger-ui-dist. A signed-in browser's session and CSRF
 * token let Try-it-out call the API as that user (static/js/api_docs.js sends the token); Authorize takes an API key.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { completeDocument } from "./api/openapi_document.ts";
import type { AppEnv } from "./deps.ts";
import { csrfTokenFor } from "./middleware/csrf.ts";

export const OPENAPI_INFO = {
  title: "Opsdeck API",
  version: "1.0.0",
  description: "Clients, projects, deployments, health checks, metrics, alerts and the audit trail of an Opsdeck " +
    "installation. Errors are RFC 9457 `application/problem+json`; lists are cursor-paginated " +
    "(`?limit=`, `?cursor=`, `{ data, next_cursor }`). Conventions: docs/api.md.",
};

export function mountDocs(app: OpenAPIHono<AppEnv>) {
  // Built on first request, after every route is registered; the routes never change afterwards.
  let document: string | undefined;
  app.get("/openapi.json", (c) => {
    document ??= JSON.stringify(completeDocument(app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: OPENAPI_INFO,
      servers: [{ url: "/" }],
    })));
    return c.body(document, 200, { "Content-Type": "application/json" });
  });
  app.get("/docs", async (c) => {
    const sessionId = c.get("principal")?.sessionId;
    const csrf = sessionId && c.get("authVia") === "cookie" ? await csrfTokenFor(c.get("deps").secret, sessionId) : "";
    return c.html(`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="csrf-token" content="${csrf}">
  <title>API reference · Opsdeck</title>
  <link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/static/js/api_docs.js"></script>
</body>
</html>`);
  });
}
