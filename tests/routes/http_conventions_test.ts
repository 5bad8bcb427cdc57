import { assertEquals, assertExists, assertStringIncludes } from "@std/assert";
import { createRoute, z } from "@hono/zod-openapi";
import { buildTestApp, createTestApp } from "../helpers/app.ts";
import { createLogger, lineSink } from "../../services/platform/logger.ts";
import { genTenant, genUser, signIn } from "../helpers/fixtures.ts";

const { app, logs, db } = await createTestApp();
const admin = await signIn(db.sql, await genUser(db.sql, (await genTenant(db.sql)).id, { role: "admin" }));
app.get("/test/boom", () => {
  throw new Error("secret internals at /srv/opsdeck/x.ts:12");
});
const EchoBody = z.object({
  name: z.string().min(1).max(20),
  environments: z.array(z.object({ name: z.string(), url: z.url() })),
  blob: z.string().optional(),
});
app.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/test/echo",
    request: { body: { content: { "application/json": { schema: EchoBody } }, required: true } },
    responses: { 200: { description: "echo", content: { "application/json": { schema: EchoBody } } } },
  }),
  (c) => c.json(c.req.valid("json"), 200),
);

Deno.test("GET /healthz answers 200 ok; HEAD too; another method still takes the full path (404 problem)", async () => {
  const res = await app.request("/healthz");
  assertEquals(res.status, 200);
  assertEquals(await res.json(), { status: "ok" });
  const head = await app.request("/healthz", { method: "HEAD" });
  assertEquals([head.status, await head.text()], [200, ""]);
  const post = await app.request("/healthz", { method: "POST" });
  await post.body?.cancel();
  assertEquals(post.status, 404);
  assertEquals(post.headers.get("Content-Type"), "application/problem+json");
  assertEquals(post.headers.get("Content-Security-Policy") !== null, true);
});

Deno.test("with probes not logged, GET /healthz is answered before Hono with the same id, headers and counts", async () => {
  const lines: string[] = [];
  const quiet = await buildTestApp(db.sql, { logger: createLogger("info", lineSink((l) => lines.push(l))) });
  const res = await quiet.app.request("/healthz", { headers: { "X-Request-Id": "probe-7" } });
  assertEquals([res.status, await res.json()], [200, { status: "ok" }]);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  assertEquals(res.headers.get("X-Request-Id"), "probe-7");
  assertEquals(res.headers.get("X-Content-Type-Options"), "nosniff");
  const odd = await quiet.app.request("/healthz", { headers: { "X-Request-Id": "not sane\u0001" } });
  await odd.body?.cancel();
  assertEquals(odd.headers.get("X-Request-Id")?.length, 36);
  const head = await quiet.app.request("/healthz", { method: "HEAD" });
  assertEquals([head.status, await head.text()], [200, ""]);
  const text = await (await quiet.app.request("/metrics")).text();
  assertStringIncludes(text, 'opsdeck_http_requests_total{method="GET",route="/healthz",status="200"} 2');
  assertStringIncludes(text, 'opsdeck_http_requests_total{method="HEAD",route="/healthz",status="200"} 1');
  assertStringIncludes(text, 'opsdeck_http_request_duration_seconds_count{route="/healthz"} 3');
  assertEquals(lines.filter((l) => l.includes("/healthz")), []);
});

Deno.test("GET /readyz reports the database up and every migration applied", async () => {
  const res = await app.request("/readyz");
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.ready, true);
  assertEquals(body.database, "up");
  assertStringIncludes(body.migrations, "migrations applied");
});

Deno.test("an unknown route is a 404 problem+json naming the path", async () => {
  const res = await app.request("/api/v1/nothing-here", { headers: { Accept: "application/json" } });
  assertEquals(res.status, 404);
  assertEquals(res.headers.get("Content-Type"), "application/problem+json");
  const body = await res.json();
  assertEquals(body.title, "Not found");
  assertEquals(body.status, 404);
  assertStringIncludes(body.detail, "/api/v1/nothing-here");
  assertExists(body.request_id);
});

Deno.test("an unknown page asked for by a browser is an HTML error page", async () => {
  const res = await app.request("/no-such-page", { headers: { Accept: "text/html" } });
  assertEquals(res.status, 404);
  assertStringIncludes(res.headers.get("Content-Type")!, "text/html");
  assertStringIncludes(await res.text(), "404 · Not found");
});

Deno.test("malformed JSON is a 400 problem", async () => {
  const res = await app.request("/api/v1/test/echo", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{not json",
  });
  assertEquals(res.status, 400);
  assertEquals(res.headers.get("Content-Type"), "application/problem+json");
  assertEquals((await res.json()).detail, "The request body is not valid JSON");
});

Deno.test("body validation failures are 422 naming each nested field", async () => {
  const res = await app.request("/api/v1/test/echo", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      name: "x".repeat(21),
      environments: [{ name: "prod", url: "https://ok.example" }, { name: "stg", url: "nope" }],
    }),
  });
  assertEquals(res.status, 422);
  const body = await res.json();
  assertEquals(body.errors.map((e: { path: string }) => e.path).sort(), ["environments.1.url", "name"]);
});

Deno.test("query validation failures are 422 with field paths", async () => {
  const res = await app.request("/api/v1/system/migrations?limit=0", { headers: admin.bearer });
  assertEquals(res.status, 422);
  assertEquals(res.headers.get("Content-Type"), "application/problem+json");
  const body = await res.json();
  assertEquals(body.title, "Validation failed");
  assertEquals(body.errors[0].path, "limit");
  assertStringIncludes(body.detail, "limit:");
});

Deno.test("a body over 1 MiB is refused with 413 before it is read whole", async () => {
  const res = await app.request("/api/v1/test/echo", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: "big", environments: [], blob: "x".repeat(1024 * 1024) }),
  });
  assertEquals(res.status, 413);
  assertEquals(res.headers.get("Content-Type"), "application/problem+json");
  assertStringIncludes((await res.json()).detail, "1 MiB");
});

Deno.test("an unexpected error is a 500 with a request id and no internals", async () => {
  const res = await app.request("/test/boom");
  assertEquals(res.status, 500);
  const body = await res.json();
  assertEquals(body.title, "Internal server error");
  assertEquals(body.request_id, res.headers.get("X-Request-Id"));
  const text = JSON.stringify(body);
  assertEquals(text.includes("secret internals"), false);
  assertEquals(text.includes(".ts:"), false);
  const logged = logs.find((l) => l.msg === "unhandled error" && l.request_id === body.request_id);
  assertStringIncludes(String(logged?.error), "secret internals");
});

Deno.test("every request gets an X-Request-Id and one JSON access-log line", async () => {
  const res = await app.request("/healthz", { headers: { "X-Request-Id": "ci-run-42" } });
  assertEquals(res.headers.get("X-Request-Id"), "ci-run-42");
  const lines = logs.filter((l) => l.msg === "request" && l.request_id === "ci-run-42");
  assertEquals(lines.length, 1);
  assertEquals(lines[0].route, "/healthz");
  assertEquals(lines[0].status, 200);
  assertEquals(typeof lines[0].duration_ms, "number");
});

Deno.test("list routes page with opaque cursors until next_cursor is null", async () => {
  const [{ count }] = await db.sql<{ count: number }[]>`SELECT count(*)::int AS count FROM schema_migrations`;
  const seen: number[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: Response = await app.request(
      `/api/v1/system/migrations?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      { headers: admin.bearer },
    );
    assertEquals(res.status, 200);
    const page = await res.json();
    seen.push(...page.data.map((m: { version: number }) => m.version));
    cursor = page.next_cursor;
    pages++;
  } while (cursor && pages < 100);
  assertEquals(seen.length, count);
  assertEquals(seen, [...seen].sort((a, b) => a - b));
  const bad = await app.request("/api/v1/system/migrations?cursor=garbage!", { headers: admin.bearer });
  assertEquals(bad.status, 400);
});

Deno.test("GET /metrics exposes request counts by route and status, latency buckets and pool gauges", async () => {
  await app.request("/healthz");
  const res = await app.request("/metrics");
  assertEquals(res.status, 200);
  assertStringIncludes(res.headers.get("Content-Type")!, "text/plain");
  const text = await res.text();
  assertStringIncludes(text, 'opsdeck_http_requests_total{method="GET",route="/healthz",status="200"}');
  assertStringIncludes(text, 'opsdeck_http_request_duration_seconds_bucket{route="/healthz",le="0.005"}');
  assertStringIncludes(text, 'opsdeck_db_pool_connections{state="active"}');
  assertStringIncludes(text, "opsdeck_db_pool_max 5");
});
