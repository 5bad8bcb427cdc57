// Boots Swagger UI on our own OpenAPI document; lives in a file so CSP can forbid inline scripts.
// deno-lint-ignore-file no-undef
SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
