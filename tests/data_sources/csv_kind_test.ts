/**
 * csv sources: a file streamed into its own schema in Opsdeck's PostgreSQL,
 * types inferred then editable, queried with SQL as a role that reads only
 * that schema; non-UTF-8 text, 50 MB + 1 byte and formula cells.
 */
import { assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { closeAllSources } from "../../services/data_sources/kinds/mod.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";

const { app, db } = await createTestApp({ config: loadConfig({ OPSDECK_SECRET: TEST_SECRET }) });
const sql = db.sql;
const p = await genPersonas(sql);

async function call(method: string, path: string, body?: unknown, headers = p.alice.bearer) {
  return await app.request(path, body === undefined ? { method, headers } : jsonRequest(method, body, headers));
}

async function newSource(name: string): Promise<string> {
  const res = await call("POST", "/api/v1/data-sources", { name, kind: "csv", config: {} });
  assertEquals(res.status, 201, await res.clone().text());
  return (await res.json()).id;
}

function upload(id: string, body: BodyInit, headers = p.alice.bearer) {
  return app.request(`/api/v1/data-sources/${id}/csv`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "text/csv" },
    body,
    // @ts-ignore: a streamed body needs half duplex
    duplex: "half",
  });
}

const FILE = [
  "name,amount,paid,at,note",
  'Ada,10.5,true,2026-01-02T10:00:00Z,"likes ""quotes"", commas"',
  'Bob,3,false,2026-01-03,"two',
  'lines"',
  'Cy,,TRUE,,"=HYPERLINK(""http://evil.example"")"',
  "",
].join("\r\n");

const run = async (id: string, query_text: string, format = "json") =>
  await call("POST", `/api/v1/data-sources/${id}/query?format=${format}`, { query_text, parameters: [] });

Deno.test("csv sources", async (t) => {
  const shop = await newSource("Orders export");
  const other = await newSource("Other export");
  try {
    await t.step("a file is imported with its types inferred, audited, and shown as the schema", async () => {
      const res = await upload(shop, FILE);
      assertEquals(res.status, 200, await res.clone().text());
      const body = await res.json();
      assertEquals(body.rows, 3);
      assertEquals(body.columns, [
        { name: "name", type: "text" },
        { name: "amount", type: "number" },
        { name: "paid", type: "boolean" },
        { name: "at", type: "timestamp" },
        { name: "note", type: "text" },
      ]);
      assertEquals(body.source.status, "connected");
      const schema = await (await call("GET", `/api/v1/data-sources/${shop}/schema`)).json();
      assertEquals(schema.data.map((c: { column_name: string }) => c.column_name), [
        "name",
        "amount",
        "paid",
        "at",
        "note",
      ]);
      const [audit] = await sql`SELECT action FROM audits WHERE resource_id = ${shop} ORDER BY created_at DESC LIMIT 1`;
      assertEquals(audit.action, "data_source.import");
    });

    await t.step("queried with SQL and bound parameters; formula cells stay data and export safely", async () => {
      const created = await call("POST", "/api/v1/saved-queries", {
        data_source_id: shop,
        name: "Paid",
        query_text: "SELECT name, amount, note FROM data WHERE paid AND coalesce(amount, 0) >= {{min}} ORDER BY name",
        parameters: [{ name: "min", type: "number" }],
      });
      assertEquals(created.status, 201, await created.clone().text());
      const id = (await created.json()).id;
      const result = await (await call("POST", `/api/v1/saved-queries/${id}/run`, { parameters: { min: 0 } })).json();
      assertEquals(result.rows, [
        ["Ada", "10.5", 'likes "quotes", commas'],
        ["Cy", null, '=HYPERLINK("http://evil.example")'],
      ]);
      const csv = await (await call("POST", `/api/v1/saved-queries/${id}/run?format=csv`, { parameters: { min: 0 } }))
        .text();
      assertStringIncludes(csv, `"'=HYPERLINK(""http://evil.example"")"`);
      const multi = await (await run(shop, "SELECT note FROM data WHERE name = 'Bob'")).json();
      assertEquals(multi.rows, [["two\r\nlines"]]);
    });

    await t.step("the query's role reads its own schema only", async () => {
      await upload(other, "secret\nother tenant's number\n");
      const otherSchema = `csv_${other.replaceAll("-", "")}`;
      for (
        const text of [`SELECT * FROM ${otherSchema}.data`, "SELECT email FROM public.users", "SELECT 1 FROM audits"]
      ) {
        const res = await run(shop, text);
        const body = await problem(res, 422);
        assertEquals(body.errors[0].path, "query_text");
        assertMatch(body.errors[0].message, /permission denied|does not exist/);
      }
      assertEquals((await (await run(shop, "SELECT count(*)::int FROM data")).json()).rows, [[3]]);
    });

    await t.step("types can be changed when every value converts; nothing changes otherwise", async () => {
      const bad = await call("PATCH", `/api/v1/data-sources/${shop}/csv/columns`, { types: { amount: "integer" } });
      assertEquals((await problem(bad, 422)).errors[0].path, "types.amount");
      const unknown = await call("PATCH", `/api/v1/data-sources/${shop}/csv/columns`, { types: { nope: "text" } });
      assertEquals((await problem(unknown, 422)).errors[0].path, "types.nope");
      const ok = await call("PATCH", `/api/v1/data-sources/${shop}/csv/columns`, { types: { paid: "text" } });
      assertEquals(ok.status, 200);
      assertEquals((await ok.json()).columns[2], { name: "paid", type: "text" });
      assertEquals((await (await run(shop, "SELECT paid FROM data ORDER BY name")).json()).rows, [
        ["true"],
        ["false"],
        ["true"],
      ]);
    });

    await t.step("pages: add a csv source by name, see its upload form and types, change a type", async () => {
      const form = (fields: Record<string, string>): RequestInit => ({
        method: "POST",
        headers: { ...p.alice.cookie, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      });
      const added = await app.request("/data-sources", form({ kind: "csv", name: "Page export" }));
      assertEquals(added.status, 303);
      const page = await (await app.request(`/data-sources/${shop}`, { headers: p.alice.cookie })).text();
      assertStringIncludes(page, 'id="csv-upload"');
      assertStringIncludes(page, "/static/js/csv_upload.js");
      assertStringIncludes(page, "3 rows from an uploaded file");
      assertStringIncludes(page, 'name="types.amount"');
      const refused = await app.request(`/data-sources/${shop}/csv-types`, form({ "types.amount": "integer" }));
      assertEquals(refused.status, 422);
      assertStringIncludes(await refused.text(), "cannot be integer");
      const saved = await app.request(`/data-sources/${shop}/csv-types`, form({ "types.amount": "text" }));
      assertEquals(saved.status, 303);
      const js = await app.request("/static/js/csv_upload.js");
      assertEquals(js.status, 200);
      await js.body?.cancel();
    });

    await t.step("a non-UTF-8 file is 422 on file and the previous data stays", async () => {
      const latin1 = new Uint8Array([...new TextEncoder().encode("name\n"), 0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x0a]);
      const res = await upload(shop, latin1);
      const body = await problem(res, 422);
      assertEquals(body.errors[0].path, "file");
      assertStringIncludes(body.errors[0].message, "UTF-8");
      assertEquals((await (await run(shop, "SELECT count(*)::int FROM data")).json()).rows, [[3]]);
    });

    await t.step("50 MB + 1 byte is refused (413) while streaming, and the previous data stays", async () => {
      // 1 MiB of 1 KiB rows: the cap, not the row count, is what is tested
      const chunk = new TextEncoder().encode(("x".repeat(1023) + "\n").repeat(1024));
      let sent = 0;
      const total = 50 * 1024 * 1024 + 1;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) {
            controller.enqueue(new TextEncoder().encode("n\n"));
            sent += 2;
          }
          const left = total - sent;
          if (left <= 0) return controller.close();
          const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
          controller.enqueue(piece);
          sent += piece.length;
        },
      });
      await problem(await upload(shop, stream), 413);
      assertEquals((await (await run(shop, "SELECT count(*)::int FROM data")).json()).rows, [[3]]);
    });

    await t.step("bad files and other kinds are refused by name", async () => {
      assertEquals((await problem(await upload(shop, ""), 422)).errors[0].path, "file");
      assertEquals((await problem(await upload(shop, 'a,b\n"open,1\n'), 422)).errors[0].path, "file");
      assertEquals((await problem(await upload(shop, "a,b\n1,2,3\n"), 422)).errors[0].path, "file");
      await problem(await upload(shop, FILE, p.carol.bearer), 404);
    });

    await t.step("deleting the source drops its schema and role", async () => {
      assertEquals((await call("DELETE", `/api/v1/data-sources/${shop}`)).status, 204);
      const name = `csv_${shop.replaceAll("-", "")}`;
      const left = await sql`
        SELECT (SELECT count(*)::int FROM pg_namespace WHERE nspname = ${name}) +
               (SELECT count(*)::int FROM pg_roles WHERE rolname = ${name}) AS n`;
      assertEquals(left[0].n, 0);
    });
  } finally {
    await closeAllSources();
  }
});
