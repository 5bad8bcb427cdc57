/** The OpenAPI document and a reference UI served from npm's swagger-ui-dist. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./deps.ts";

export const OPENAPI_INFO = {
  title: "Opsdeck API",
  version: "1.0.0",
  description: "Clients, projects, deployments, health checks, metrics, alerts and the audit trail of an Opsdeck " +
    "installation. Errors are RFC 9457 `application/problem+json`; lists are cursor-paginated " +
    "(`?limit=`, `?cursor=`, `{ data, next_cursor }`).",
};

export function mountDocs(app: OpenAPIHono<AppEnv>) {
  app.doc31("/openapi.json", { openapi: "3.1.0", info: OPENAPI_INFO, servers: [{ url: "/" }] });
  app.get("/docs", (c) =>
    c.html(`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>API reference · Opsdeck</title>
  <link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/static/js/api_docs.js"></script>
</body>
</html>`));
}
