import { assertEquals, assertStringIncludes } from "@std/assert";
import { validate } from "@readme/openapi-parser";
import { createTestApp } from "../helpers/app.ts";

const { app } = await createTestApp();

Deno.test("GET /openapi.json is a valid OpenAPI 3.1 document", async () => {
  const res = await app.request("/openapi.json");
  assertEquals(res.status, 200);
  const doc = await res.json();
  assertEquals(doc.openapi, "3.1.0");
  const result = await validate(structuredClone(doc));
  assertEquals(result.valid, true, JSON.stringify(result.valid ? [] : result.errors));
  assertEquals(Object.keys(doc.paths).includes("/readyz"), true);
  assertEquals(Object.keys(doc.components.schemas).includes("Problem"), true);
});

Deno.test("GET /docs serves the API reference UI from our own static files", async () => {
  const res = await app.request("/docs");
  assertEquals(res.status, 200);
  const page = await res.text();
  assertStringIncludes(page, "/static/vendor/swagger-ui/swagger-ui-bundle.js");
  assertEquals(/https?:\/\/(?!opsdeck)/.test(page), false, "no CDN links");
  const bundle = await app.request("/static/vendor/swagger-ui/swagger-ui-bundle.js");
  assertEquals(bundle.status, 200);
  assertStringIncludes(bundle.headers.get("Content-Type")!, "javascript");
  await bundle.body?.cancel();
});

Deno.test("htmx and the stylesheet are served from npm packages", async () => {
  for (const path of ["/static/vendor/htmx.min.js", "/static/vendor/pico.min.css", "/static/css/app.css"]) {
    const res = await app.request(path);
    assertEquals(res.status, 200, path);
    await res.body?.cancel();
  }
  assertEquals((await app.request("/static/vendor/../../deno.json")).status, 404);
});
