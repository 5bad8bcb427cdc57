/**
 * The add/edit source form for every kind, without a browser: the fields come from the kind's settings schema,
 * "Test connection" tries unsaved settings against a real MariaDB and a local JSON API, errors are in plain words and
 * nothing is stored, and an edit with empty secrets keeps the stored ones.
 */
import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import { closeAllSources } from "../../services/data_sources/kinds/mod.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest } from "../helpers/http.ts";
import { startSourceMariaDb } from "../helpers/source_mariadb.ts";

const TOKEN = "Bearer form-token-" + crypto.randomUUID();
const api = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
  if (req.headers.get("authorization") !== TOKEN) return Response.json({ error: "no" }, { status: 401 });
  return Response.json({ data: [{ id: 1, total: 3 }, { id: 2, total: 4 }] });
});
const apiUrl = `http://127.0.0.1:${api.addr.port}/orders`;
const maria = await startSourceMariaDb();
const { app, db } = await createTestApp({
  config: loadConfig({ OPSDECK_SECRET: TEST_SECRET, OPSDECK_PROBE_ALLOW: "127.0.0.0/8" }),
});
const p = await genPersonas(db.sql);

const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: "POST",
    headers: { ...p.alice.cookie, "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
const partial = { "HX-Request": "true" };
const mysqlFields = {
  name: "Warehouse",
  kind: "mysql",
  "config.host": maria.host,
  "config.port": String(maria.port),
  "config.database": maria.database,
  "config.user": maria.user,
  "config.password": maria.password,
};
// sources added here (every tenant also has its built-in opsdeck one)
const sourceCount = async () =>
  (await db.sql`SELECT count(*)::int AS n FROM data_sources WHERE kind <> 'opsdeck'`)[0].n;

Deno.test("source forms for every kind", async (t) => {
  try {
    await t.step("each kind's form shows that kind's settings, from its schema", async () => {
      const page = async (kind: string) =>
        await (await app.request(`/data-sources?kind=${kind}`, { headers: p.alice.cookie })).text();
      const mysql = await page("mysql");
      for (const name of ["config.host", "config.port", "config.database", "config.user", "config.password"]) {
        assertStringIncludes(mysql, `name="${name}"`);
      }
      assertStringIncludes(mysql, 'value="3306"');
      assertMatch(mysql, /<option value="require"[^>]*>require<\/option>/);
      assertFalse(mysql.includes('name="config.url"'));
      const rest = await page("rest_api");
      assertStringIncludes(rest, 'name="config.url"');
      assertMatch(rest, /<textarea name="config.headers"/);
      assertFalse(rest.includes('name="config.host"'));
      const csv = await page("csv");
      assertStringIncludes(csv, 'name="config.row_limit"');
      assertFalse(csv.includes("Test these settings"));
    });

    await t.step("test connection on unsaved MySQL settings reaches MariaDB; nothing is stored", async () => {
      const ok = await (await post("/data-sources/test-settings", mysqlFields, partial)).text();
      assertMatch(ok, /Connected: .*MariaDB/);
      const bad = await (await post(
        "/data-sources/test-settings",
        { ...mysqlFields, "config.password": "wrong" },
        partial,
      )).text();
      assertStringIncludes(bad, "Could not connect:");
      assertFalse(bad.includes("wrong"));
      const typo = await (await post(
        "/data-sources/test-settings",
        { ...mysqlFields, "config.port": "33o6", "config.timeout_seconds": "0" },
        partial,
      )).text();
      assertStringIncludes(typo, "port: must be a whole number");
      assertStringIncludes(typo, "timeout_seconds: must be at least 1");
      assertEquals(await sourceCount(), 0);
    });

    let restId = "";
    await t.step("a REST source added from the form, tested with its sealed headers", async () => {
      const bad = await post("/data-sources", { name: "Orders API", kind: "rest_api", "config.url": "ftp://x" });
      assertEquals(bad.status, 422);
      assertStringIncludes(await bad.text(), "must be an http or https URL");
      const badHeaders = await post("/data-sources", {
        name: "Orders API",
        kind: "rest_api",
        "config.url": apiUrl,
        "config.headers": "no colon here",
      });
      assertEquals(badHeaders.status, 422);
      assertStringIncludes(await badHeaders.text(), "must be lines of Name: value");
      assertEquals(await sourceCount(), 0);

      const fields = {
        name: "Orders API",
        kind: "rest_api",
        "config.url": apiUrl,
        "config.headers": `Authorization: ${TOKEN}`,
      };
      assertStringIncludes(
        await (await post("/data-sources/test-settings", fields, partial)).text(),
        "Connected: HTTP 200",
      );
      const res = await post("/data-sources", fields);
      assertEquals(res.status, 303);
      restId = res.headers.get("location")!.split("/").pop()!;
      const page = await (await app.request(`/data-sources/${restId}`, { headers: p.alice.cookie })).text();
      assertStringIncludes(page, `value="${apiUrl}"`);
      assertFalse(page.includes(TOKEN));
    });

    await t.step("an edit with the headers left empty keeps the stored ones", async () => {
      const res = await post(`/data-sources/${restId}`, {
        name: "Orders API v2",
        kind: "rest_api",
        "config.url": apiUrl,
      });
      assertEquals(res.status, 303);
      const tested =
        await (await app.request(`/api/v1/data-sources/${restId}/test`, jsonRequest("POST", {}, p.alice.cookie)))
          .json();
      assertEquals(tested.ok, true, tested.message);
      const again = await post("/data-sources/test-settings", { source_id: restId, "config.url": apiUrl }, partial);
      assertStringIncludes(await again.text(), "Connected: HTTP 200");
    });

    await t.step(
      "a MySQL source added from the form; its edit form shows the settings without the password",
      async () => {
        const res = await post("/data-sources", mysqlFields);
        assertEquals(res.status, 303);
        const id = res.headers.get("location")!.split("/").pop()!;
        const page = await (await app.request(`/data-sources/${id}`, { headers: p.alice.cookie })).text();
        assertStringIncludes(page, `value="${maria.host}"`);
        assertFalse(page.includes(maria.password));
        const audits = await db.sql`SELECT action FROM audits WHERE resource_id = ${id}`;
        assertEquals(audits.map((a) => a.action), ["data_source.create"]);
      },
    );

    await t.step("the API tests unsaved settings too; bad settings are a 422 naming the field", async () => {
      const config = { host: maria.host, port: maria.port, database: maria.database, user: maria.user };
      const call = (body: unknown) =>
        app.request("/api/v1/data-sources/test-settings", jsonRequest("POST", body, p.alice.cookie));
      const ok = await (await call({ kind: "mysql", config: { ...config, password: maria.password } })).json();
      assertEquals(ok.ok, true);
      assertMatch(ok.message, /MariaDB/);
      const refused = await (await call({ kind: "mysql", config: { ...config, password: "nope" } })).json();
      assertEquals(refused.ok, false);
      const bad = await call({ kind: "mysql", config: { ...config, port: "x" } });
      assertEquals(bad.status, 422);
      assertEquals((await bad.json()).errors, [{ path: "config.port", message: "must be a whole number" }]);
      const bob = await app.request(
        "/api/v1/data-sources/test-settings",
        jsonRequest("POST", { kind: "mysql", config }, p.carol.cookie),
      );
      assert(bob.status === 403 || bob.status === 404, String(bob.status));
    });
  } finally {
    await closeAllSources();
    await maria.stop();
    await api.shutdown();
  }
});
