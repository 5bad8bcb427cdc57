// Boots Swagger UI on our own OpenAPI document; lives in a file so CSP can forbid inline scripts.
// A signed-in browser calls the API with its session cookie, so Try-it-out adds the page's CSRF token to unsafe
// requests (the CSRF middleware refuses them without it); with a key from Authorize the token is simply not needed.
// deno-lint-ignore-file no-undef
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content;
SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  // A box that narrows the list to one tag: with 130 operations the page is long.
  filter: true,
  persistAuthorization: true,
  requestInterceptor: (request) => {
    const safe = ["GET", "HEAD", "OPTIONS"].includes((request.method || "GET").toUpperCase());
    if (csrfToken && !safe) request.headers["X-CSRF-Token"] = csrfToken;
    return request;
  },
});
