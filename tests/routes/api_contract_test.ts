/** The HTTP contract the OpenAPI document promises: 405 with Allow, Location on every 201. */
import { assert, assertEquals, assertExists, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, GOOD_PASSWORD } from "../helpers/fixtures.ts";
import { jsonRequest } from "../helpers/http.ts";
import { exampleFor } from "../auth/example_body.ts";
import { genProject } from "../helpers/catalog.ts";

const { app, db } = await createTestApp();
const p = await genPersonas(db.sql);
// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;
const doc: Json = await (await app.request("/openapi.json")).json();

Deno.test("a wrong method on an existing API path is 405 with Allow; an unknown path stays 404", async () => {
  for (
    const [method, path, allow] of [
      ["PUT", "/api/v1/clients", "GET, HEAD, POST"],
      ["DELETE", "/api/v1/clients", "GET, HEAD, POST"],
      ["POST", `/api/v1/clients/${p.clients.acme.id}`, "GET, HEAD, PATCH, DELETE"],
      ["PATCH", "/api/v1/sessions/current", "DELETE"],
      ["DELETE", "/api/v1/heartbeats/hb_0123456789abcdef", "GET, HEAD, POST"],
    ]
  ) {
    const res = await app.request(path, { method, headers: { ...p.alice.bearer, Accept: "application/json" } });
    assertEquals(res.status, 405, `${method} ${path}`);
    assertEquals(res.headers.get("Allow"), allow, `${method} ${path}`);
    assertEquals(res.headers.get("Content-Type"), "application/problem+json");
    assertExists(res.headers.get("X-Request-Id"));
    const body = await res.json();
    assertEquals(body.status, 405);
    assertStringIncludes(body.detail, allow);
  }
  const unknown = await app.request("/api/v1/no-such-thing", { method: "PUT", headers: p.alice.bearer });
  assertEquals(unknown.status, 404);
  await unknown.body?.cancel();
});

const project = await genProject(db.sql, p.tenant.id, p.clients.acme.id);
/** Example bodies name made-up projects and clients; point them at real ones. */
function withRealIds(body: unknown): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const out = { ...body } as Json;
  if ("project_id" in out) out.project_id = project.id;
  if ("client_id" in out) out.client_id = p.clients.acme.id;
  return out;
}

/** Every operation that declares a 201, called with a body built from its schema; the ones that create send Location. */
Deno.test("every 201 carries a Location that names the created resource", async () => {
  const created: string[] = [];
  const components = doc.components.schemas;
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    if (path.includes("{")) continue;
    const op = (item as Json).post;
    if (!op?.responses["201"]) continue;
    const media = op.requestBody?.content?.["application/json"];
    const body = withRealIds(media?.example ?? (media ? exampleFor(media.schema, components) : undefined));
    const headers = path === "/api/v1/sessions" ? {} : p.alice.bearer;
    const login = { email: p.alice.user.email, password: GOOD_PASSWORD };
    const res = await app.request(path, jsonRequest("POST", path === "/api/v1/sessions" ? login : body, headers));
    await res.body?.cancel();
    if (res.status !== 201) {
      console.log(`POST ${path}: ${res.status}`);
      continue;
    }
    const location = res.headers.get("Location");
    assertExists(location, `POST ${path}: Location`);
    assert(location.startsWith("/api/v1/"), `POST ${path}: ${location}`);
    created.push(path);
    const readable = Object.keys(doc.paths).find((p) =>
      new RegExp(`^${p.replace(/\{\w+\}/g, "[^/]+")}$`).test(location)
    );
    if (readable && doc.paths[readable].get && path !== "/api/v1/sessions") {
      const read = await app.request(location, { headers: p.alice.bearer });
      assertEquals(read.status, 200, `GET ${location}`);
      await read.body?.cancel();
    }
  }
  console.log(`201 with Location: ${created.join(", ")}`);
  assert(created.length >= 12, `only ${created.length} creates answered 201: ${created}`);
});

Deno.test("a reissued invitation, a webhook secret and a catalog import also say where", async () => {
  const invite = await app.request(
    "/api/v1/users",
    jsonRequest("POST", { email: `new-${crypto.randomUUID()}@example.com`, role: "employee" }, p.alice.bearer),
  );
  assertEquals(invite.status, 201);
  const user = await invite.json();
  assertEquals(invite.headers.get("Location"), `/api/v1/users/${user.id}`);
  const again = await app.request(`/api/v1/users/${user.id}/invitation`, jsonRequest("POST", {}, p.alice.bearer));
  assertEquals(again.status, 201);
  assertEquals(again.headers.get("Location"), `/api/v1/users/${user.id}`);
  await again.body?.cancel();

  const secret = await app.request("/api/v1/github-webhook/secret", { method: "POST", headers: p.alice.bearer });
  assertEquals(secret.status, 201);
  assertEquals(secret.headers.get("Location"), "/api/v1/github-webhook");
  await secret.body?.cancel();

  const csv = "client,project,slug\nLocation Co,Locator,locator\n";
  const imported = await app.request("/api/v1/imports/catalog?dry_run=false", {
    method: "POST",
    headers: { ...p.alice.bearer, "Content-Type": "text/csv" },
    body: csv,
  });
  assertEquals(imported.status, 201, await imported.clone().text());
  assertEquals(imported.headers.get("Location"), "/api/v1/projects");
  await imported.body?.cancel();
});
