import { assertEquals, assertExists, assertStringIncludes } from "@std/assert";
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

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;
const METHODS = ["get", "put", "post", "patch", "delete"];
async function operations(): Promise<{ doc: Json; ops: { method: string; path: string; op: Json }[] }> {
  const doc = await (await app.request("/openapi.json")).json();
  const ops = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json).filter(([method]) => METHODS.includes(method)).map(([method, op]) => ({
      method,
      path,
      op: op as Json,
    }))
  );
  return { doc, ops };
}

Deno.test("every operation has a unique camelCase operationId, tags and a security requirement", async () => {
  const { doc, ops } = await operations();
  const ids = ops.map(({ op }) => op.operationId);
  assertEquals(ids.filter((id) => !/^[a-z]+[A-Z][A-Za-z]*$/.test(id ?? "")), []);
  assertEquals(new Set(ids).size, ids.length);
  assertEquals(ops.filter(({ op }) => !op.tags?.length).map(({ path }) => path), []);
  assertEquals(ops.filter(({ op }) => !Array.isArray(op.security)).map(({ path }) => path), []);
  assertEquals(Object.keys(doc.components.securitySchemes).sort(), ["bearerToken", "csrfToken", "sessionCookie"]);
  const publicOps = ops.filter(({ op }) => op.security.length === 0).map(({ op }) => op.operationId).sort();
  assertEquals(publicOps, [
    "acceptInvitation",
    "createSession",
    "getLiveness",
    "getPrometheusMetrics",
    "getReadiness",
    "pingHeartbeatFail",
    "pingHeartbeatStart",
    "pingHeartbeatSuccess",
    "receiveGithubWebhook",
    "reportHeartbeatFail",
    "reportHeartbeatStart",
    "reportHeartbeatSuccess",
  ]);
  const post = ops.find(({ op }) => op.operationId === "createClient")!.op;
  assertEquals(post.security, [{ bearerToken: [] }, { sessionCookie: [], csrfToken: [] }]);
  const get = ops.find(({ op }) => op.operationId === "listClients")!.op;
  assertEquals(get.security, [{ bearerToken: [] }, { sessionCookie: [] }]);
});

Deno.test("every API operation declares its errors as problem+json and every response its headers", async () => {
  const { doc, ops } = await operations();
  const resolve = (response: Json): Json =>
    response.$ref ? doc.components.responses[response.$ref.split("/").pop()] : response;
  for (const { method, path, op } of ops) {
    const where = `${method.toUpperCase()} ${path}`;
    const codes = Object.keys(op.responses);
    assertEquals(codes, [...codes].sort(), `${where}: responses in order`);
    if (op.security.length) assertEquals(codes.includes("401"), true, `${where}: 401`);
    if (!path.startsWith("/api/")) continue;
    for (const code of ["429", "500", "503"]) assertEquals(codes.includes(code), true, `${where}: ${code}`);
    for (const [code, raw] of Object.entries(op.responses as Json)) {
      const response = resolve(raw);
      assertExists(response.headers?.["X-Request-Id"], `${where} ${code}: X-Request-Id`);
      if (code >= "400") {
        assertEquals(Object.keys(response.content ?? {}), ["application/problem+json"], `${where} ${code}`);
      }
      if (code === "201") assertExists(response.headers.Location, `${where}: Location on 201`);
      if (code === "429") {
        for (const h of ["Retry-After", "RateLimit", "RateLimit-Policy"]) assertExists(response.headers[h], h);
      }
      if (code === "503") assertExists(response.headers["Retry-After"], `${where}: Retry-After on 503`);
    }
  }
  const ingest = ops.find(({ op }) => op.operationId === "createDeployment")!.op;
  assertExists(ingest.responses["201"].headers["Idempotent-Replayed"]);
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
