/**
 * rest_api sources against a local JSON API on 127.0.0.1: headers sealed and
 * sent, a JSON path to the rows, parameters as URL query parameters (encoded),
 * the 5 MiB body cap, the timeout, non-JSON answers and the outbound policy.
 */
import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import { closeAllSources } from "../../services/data_sources/kinds/mod.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";

const TOKEN = "Bearer api-token-" + crypto.randomUUID();
const seen: { auth: string | null; url: URL }[] = [];
const ORDERS = [
  { id: 1, status: "paid", total: 10.5, note: "a" },
  { id: 2, status: "refunded", total: 3, note: null },
  { id: 3, status: "paid", total: 7.25, shipped: true },
];
const api = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
  const url = new URL(req.url);
  seen.push({ auth: req.headers.get("authorization"), url });
  if (req.headers.get("authorization") !== TOKEN) return Response.json({ error: "no" }, { status: 401 });
  if (url.pathname === "/huge") return new Response(`[${"1,".repeat(3 * 1024 * 1024)}1]`);
  if (url.pathname === "/html") return new Response("<html>hello</html>", { headers: { "content-type": "text/html" } });
  if (url.pathname === "/slow") {
    await new Promise((r) => setTimeout(r, 3000));
    return Response.json([]);
  }
  const status = url.searchParams.get("status");
  return Response.json({ data: { orders: ORDERS.filter((o) => !status || o.status === status) }, count: 3 });
});
const base = `http://127.0.0.1:${api.addr.port}`;

let now = new Date("2026-11-10T10:00:00Z");
const { app, db } = await createTestApp({
  config: loadConfig({ OPSDECK_SECRET: TEST_SECRET, OPSDECK_PROBE_ALLOW: "127.0.0.0/8" }),
  now: () => now,
});
const sql = db.sql;
const p = await genPersonas(sql);

async function call(method: string, path: string, body?: unknown, headers = p.alice.bearer) {
  return await app.request(path, body === undefined ? { method, headers } : jsonRequest(method, body, headers));
}

async function source(path: string, extra: Record<string, unknown> = {}) {
  const res = await call("POST", "/api/v1/data-sources", {
    name: `API ${path} ${crypto.randomUUID().slice(0, 4)}`,
    kind: "rest_api",
    config: { url: `${base}${path}`, headers: { Authorization: TOKEN }, ...extra },
  });
  assertEquals(res.status, 201, await res.clone().text());
  return await res.json();
}

Deno.test("rest_api sources", async (t) => {
  try {
    const orders = await source("/orders");

    await t.step("headers are sealed, never returned; test and introspection reach the API with them", async () => {
      assertEquals(orders.config.header_names, ["Authorization"]);
      assertFalse(JSON.stringify(orders).includes(TOKEN));
      const [row] = await sql`SELECT config, secret_ciphertext FROM data_sources WHERE id = ${orders.id}`;
      assertFalse(JSON.stringify(row.config).includes(TOKEN));
      assert(row.secret_ciphertext);
      const tested = await (await call("POST", `/api/v1/data-sources/${orders.id}/test`)).json();
      assertEquals([tested.ok, tested.message], [true, "HTTP 200, an object"]);
      assertEquals(seen.at(-1)!.auth, TOKEN);
      const schema = await (await call("POST", `/api/v1/data-sources/${orders.id}/introspect`)).json();
      assertEquals(schema.data.length, 0, "no top-level array in this answer");
    });

    await t.step("a saved JSON-path query runs; its parameters go out as encoded query parameters", async () => {
      const created = await call("POST", "/api/v1/saved-queries", {
        data_source_id: orders.id,
        name: "Orders",
        query_text: "$.data.orders",
        parameters: [{ name: "status", type: "enum", values: ["paid", "refunded", "a&b=c"] }],
        is_public: true,
      });
      assertEquals(created.status, 201, await created.clone().text());
      const id = (await created.json()).id;
      const run = await (await call("POST", `/api/v1/saved-queries/${id}/run`, { parameters: { status: "paid" } }))
        .json();
      assertEquals(run.columns, [
        { name: "id", type: "number" },
        { name: "status", type: "text" },
        { name: "total", type: "number" },
        { name: "note", type: "text" },
        { name: "shipped", type: "boolean" },
      ]);
      assertEquals(run.rows, [[1, "paid", 10.5, "a", null], [3, "paid", 7.25, null, true]]);
      await call("POST", `/api/v1/saved-queries/${id}/run`, { parameters: { status: "a&b=c" } });
      assertEquals(seen.at(-1)!.url.searchParams.get("status"), "a&b=c");
      assertEquals(seen.at(-1)!.url.pathname, "/orders");
      const wrong = await problem(
        await call("POST", `/api/v1/saved-queries/${id}/run`, { parameters: { status: "lost" } }),
        422,
      );
      assertEquals(wrong.errors[0].path, "parameters.status");
    });

    await t.step(
      "results are cached per (query, values) for the query's TTL, behind the same access checks",
      async () => {
        const res = await call("POST", "/api/v1/saved-queries", {
          data_source_id: orders.id,
          name: "Cached orders",
          query_text: "$.data.orders",
          parameters: [{ name: "status", type: "enum", values: ["paid", "refunded"] }],
          cache_ttl_seconds: 120,
        });
        const id = (await res.json()).id;
        const run = async (body: Record<string, unknown>, headers = p.alice.bearer) =>
          await call("POST", `/api/v1/saved-queries/${id}/run`, body, headers);
        const hits = () => seen.filter((r) => r.url.pathname === "/orders").length;
        const metrics = async () =>
          (await sql`SELECT count(*)::int AS n FROM query_metrics WHERE query_id = ${id}`)[0].n;
        const first = await (await run({ parameters: { status: "paid" } })).json();
        assertEquals(first.cached_at, undefined);
        const before = [hits(), await metrics()];
        now = new Date(now.getTime() + 60_000);
        const second = await (await run({ parameters: { status: "paid" } })).json();
        assertEquals(second.cached_at, "2026-11-10T10:00:00.000Z");
        assertEquals(second.rows, first.rows);
        assertEquals([hits(), await metrics()], before, "a cached answer neither calls the API nor counts as a run");
        await run({ parameters: { status: "refunded" } });
        await run({ parameters: { status: "paid" }, fresh: true });
        assertEquals(hits(), before[0] + 2);
        // private: another user is refused before the cache is looked at
        await problem(await run({ parameters: { status: "paid" } }, p.bob.bearer), 404);
        now = new Date(now.getTime() + 121_000);
        assertEquals((await (await run({ parameters: { status: "paid" } })).json()).cached_at, undefined);
        // a changed query is another entry
        await call("PATCH", `/api/v1/saved-queries/${id}`, { cache_ttl_seconds: 0 });
        await run({ parameters: { status: "paid" } });
        await run({ parameters: { status: "paid" } });
        assertEquals(hits(), before[0] + 5);
      },
    );

    await t.step("a path outside the safe subset, or to no array, is refused by name", async () => {
      const before = await sql`SELECT count(*)::int AS n FROM saved_queries`;
      for (const text of ["$..orders", "data.orders", "$.data[?(@.x)]"]) {
        const res = await call("POST", "/api/v1/saved-queries", {
          data_source_id: orders.id,
          name: "Bad",
          query_text: text,
          parameters: [],
        });
        assertEquals((await problem(res, 422)).errors[0].path, "query_text", text);
      }
      assertEquals((await sql`SELECT count(*)::int AS n FROM saved_queries`)[0].n, before[0].n);
      const notArray = await call("POST", `/api/v1/data-sources/${orders.id}/query`, {
        query_text: "$.count",
        parameters: [],
      });
      assertStringIncludes((await problem(notArray, 422)).detail, "is not an array");
    });

    await t.step("over 5 MiB, not JSON, too slow, or refused: a 502 a human can act on", async () => {
      const huge = await source("/huge");
      const res = await call("POST", `/api/v1/data-sources/${huge.id}/query`, { query_text: "$", parameters: [] });
      assertStringIncludes((await problem(res, 502)).detail, "more than 5 MiB");
      const html = await source("/html");
      const notJson = await call("POST", `/api/v1/data-sources/${html.id}/query`, { query_text: "$", parameters: [] });
      assertStringIncludes((await problem(notJson, 502)).detail, "not JSON");
      const slow = await source("/slow", { timeout_seconds: 1 });
      const started = performance.now();
      const late = await call("POST", `/api/v1/data-sources/${slow.id}/query`, { query_text: "$", parameters: [] });
      assertMatch((await problem(late, 502)).detail, /Could not reach the API: .*(time|deadline)/i);
      assert(performance.now() - started < 2900);
      const tested = await (await call("POST", `/api/v1/data-sources/${html.id}/test`)).json();
      assertEquals(tested.ok, false);
    });

    await t.step("a metadata address or a non-http URL is refused at create, naming config.url", async () => {
      const before = await sql`SELECT count(*)::int AS n FROM data_sources`;
      for (const url of ["http://169.254.169.254/latest/meta-data", "ftp://127.0.0.1/x", "file:///etc/passwd"]) {
        const res = await call("POST", "/api/v1/data-sources", { name: "Bad", kind: "rest_api", config: { url } });
        assertEquals((await problem(res, 422)).errors[0].path, "config.url", url);
      }
      const header = await call("POST", "/api/v1/data-sources", {
        name: "Bad",
        kind: "rest_api",
        config: { url: `${base}/orders`, headers: { "X-A": "one\r\nX-Injected: two" } },
      });
      assertEquals((await problem(header, 422)).errors[0].path, "config.headers.X-A");
      assertEquals((await sql`SELECT count(*)::int AS n FROM data_sources`)[0].n, before[0].n);
    });
  } finally {
    await closeAllSources();
    await api.shutdown();
  }
});
