/** The data-source pages without a browser: forms post, errors show in place, runs render a table. */
import { assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import { loadConfig } from "../../services/platform/config.ts";
import { closeAllSources } from "../../services/data_sources/kinds/mod.ts";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { startSourcePostgres } from "../helpers/source_postgres.ts";

const source = await startSourcePostgres();
const { app, db } = await createTestApp({
  config: loadConfig({ OPSDECK_SECRET: TEST_SECRET, OPSDECK_PROBE_ALLOW: "127.0.0.0/8" }),
});
const p = await genPersonas(db.sql);

const form = (fields: Record<string, string>, extra: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { ...p.alice.cookie, "Content-Type": "application/x-www-form-urlencoded", ...extra },
  body: new URLSearchParams(fields).toString(),
});
const sourceFields = {
  name: "Shop",
  kind: "postgresql",
  "config.host": source.host,
  "config.port": String(source.port),
  "config.database": source.database,
  "config.user": source.user,
  "config.password": source.password,
  "config.ssl": "disable",
  "config.timeout_seconds": "10",
  "config.row_limit": "10000",
};

Deno.test("data source pages", async (t) => {
  try {
    await t.step(
      "an invalid source form comes back with inline errors, password not echoed, nothing stored",
      async () => {
        const res = await app.request("/data-sources", form({ ...sourceFields, "config.timeout_seconds": "120" }));
        assertEquals(res.status, 422);
        const page = await res.text();
        assertStringIncludes(page, 'id="config.timeout_seconds-error"');
        assertFalse(page.includes(source.password));
        const [{ n }] = await db.sql`SELECT count(*)::int AS n FROM data_sources WHERE kind <> 'opsdeck'`;
        assertEquals(n, 0);
      },
    );

    let id = "";
    await t.step("a valid form creates the source and redirects to it", async () => {
      const res = await app.request("/data-sources", form(sourceFields));
      assertEquals(res.status, 303);
      id = res.headers.get("Location")!.split("/").pop()!;
      const page = await (await app.request(`/data-sources/${id}`, { headers: p.alice.cookie })).text();
      assertStringIncludes(page, "Test connection");
      assertStringIncludes(page, "The schema has not been read yet.");
    });

    await t.step("test connection answers an htmx request with the status fragment", async () => {
      const res = await app.request(`/data-sources/${id}/test`, form({}, { "HX-Request": "true" }));
      assertEquals(res.status, 200);
      const fragment = await res.text();
      assertStringIncludes(fragment, 'id="source-status"');
      assertStringIncludes(fragment, "connected");
      assertFalse(fragment.includes("<html"));
    });

    await t.step("Read schema swaps in the tables together with when they were read", async () => {
      const res = await app.request(`/data-sources/${id}/introspect`, form({}, { "HX-Request": "true" }));
      assertEquals(res.status, 200);
      const fragment = await res.text();
      assertStringIncludes(fragment, 'id="schema-browser"');
      assertMatch(fragment, /Last read <time datetime="[^"]+"/);
      assertStringIncludes(fragment, "orders");
      const page = await (await app.request(`/data-sources/${id}`, { headers: p.alice.cookie })).text();
      assertMatch(page, /Last read <time datetime="[^"]+"/);
      assertFalse(page.includes("Last read —"));
    });

    await t.step("Run renders the result table in place; a bad value is said in plain words", async () => {
      const fields = {
        data_source_id: id,
        query_text: "SELECT status, count(*)::int AS orders FROM orders WHERE total >= {{min}} GROUP BY status",
        parameters: "min number",
        values: "min=100",
      };
      const res = await app.request("/queries/run", form(fields, { "HX-Request": "true" }));
      const fragment = await res.text();
      assertEquals(res.status, 200, fragment);
      assertStringIncludes(fragment, "<table");
      assertStringIncludes(fragment, "<td>paid</td>");
      const bad = await (await app.request(
        "/queries/run",
        form({ ...fields, values: "min=lots" }, {
          "HX-Request": "true",
        }),
      )).text();
      assertStringIncludes(bad, "parameters.min: must be a number");
      const write = await (await app.request(
        "/queries/run",
        form({ ...fields, query_text: "DELETE FROM orders" }, {
          "HX-Request": "true",
        }),
      )).text();
      assertStringIncludes(write, "must be a SELECT");
      const missing = await (await app.request(
        "/queries/run",
        form({ ...fields, query_text: "SELECT * FROM nope" }, {
          "HX-Request": "true",
        }),
      )).text();
      assertStringIncludes(missing, "relation &quot;nope&quot; does not exist");
    });

    await t.step("the performance page counts executions (failed ones too, refused ones never ran)", async () => {
      const page = await (await app.request("/queries/stats?order=most_run", { headers: p.alice.cookie })).text();
      assertStringIncludes(page, "from the editor");
      const api = await (await app.request("/api/v1/query-metrics?order=most_run", { headers: p.alice.bearer })).json();
      assertEquals(api.data.length, 1);
      assertEquals(api.data[0].runs, 2);
      assertEquals(api.data[0].errors, 1);
    });

    await t.step("client users cannot open the pages", async () => {
      for (const path of ["/data-sources", `/data-sources/${id}`, "/queries", "/queries/stats"]) {
        assertEquals((await app.request(path, { headers: p.carol.cookie })).status, 404, path);
      }
    });
  } finally {
    await closeAllSources();
    await source.stop();
  }
});
