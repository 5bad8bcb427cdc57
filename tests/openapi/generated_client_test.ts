/**
 * Scripts are first-class users: a client generated from /openapi.json by openapi-typescript, used through
 * openapi-fetch, type-checks and drives create → list → page through a served app with an API key.
 * The typed script lives in FLOW below and is checked against the freshly generated types.
 */
import { assertEquals } from "@std/assert";
import openapiTS, { astToString } from "openapi-typescript";
import { serveTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { createKey } from "../helpers/api_keys.ts";

const FLOW = `import createClient from "openapi-fetch";
import type { paths } from "./opsdeck_api.ts";

const api = createClient<paths>({
  baseUrl: Deno.env.get("OPSDECK_URL")!,
  headers: { Authorization: \`Bearer \${Deno.env.get("OPSDECK_KEY")}\` },
});

const created: { id: string; location: string | null }[] = [];
for (const name of ["Generated One", "Generated Two", "Generated Three"]) {
  const { data, error, response } = await api.POST("/api/v1/clients", { body: { name } });
  if (error) throw new Error(\`create \${name}: \${error.status} \${error.detail}\`);
  created.push({ id: data.id, location: response.headers.get("Location") });
}

const seen: string[] = [];
let cursor: string | undefined;
let pages = 0;
do {
  const { data, error } = await api.GET("/api/v1/clients", { params: { query: { limit: 2, q: "Generated", cursor } } });
  if (error) throw new Error(\`list: \${error.status} \${error.detail}\`);
  seen.push(...data.data.map((client) => client.name));
  cursor = data.next_cursor ?? undefined;
  pages++;
} while (cursor);

const missing = await api.GET("/api/v1/clients/{id}", { params: { path: { id: crypto.randomUUID() } } });
console.log(JSON.stringify({ created, seen, pages, missing: missing.error?.status }));
`;

Deno.test("a client generated with openapi-typescript type-checks and pages through clients with an API key", async () => {
  const served = await serveTestApp();
  // Inside the project, so the script resolves openapi-fetch through deno.json like the rest of the code.
  await Deno.mkdir("tmp", { recursive: true });
  const dir = await Deno.makeTempDir({ dir: "tmp", prefix: "openapi-client-" });
  try {
    const p = await genPersonas(served.db.sql);
    const { key } = await createKey(served.app, p.alice.bearer, { scopes: ["clients:read", "clients:write"] });
    const document = await (await fetch(`${served.url}/openapi.json`)).json();
    await Deno.writeTextFile(`${dir}/opsdeck_api.ts`, astToString(await openapiTS(document)));
    await Deno.writeTextFile(`${dir}/flow.ts`, FLOW);

    const check = await new Deno.Command(Deno.execPath(), {
      args: ["check", `${dir}/opsdeck_api.ts`, `${dir}/flow.ts`],
    }).output();
    assertEquals(check.code, 0, new TextDecoder().decode(check.stderr));

    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net=127.0.0.1", "--allow-env=OPSDECK_URL,OPSDECK_KEY", `${dir}/flow.ts`],
      env: { OPSDECK_URL: served.url, OPSDECK_KEY: key },
    }).output();
    assertEquals(run.code, 0, new TextDecoder().decode(run.stderr));
    const result = JSON.parse(new TextDecoder().decode(run.stdout));
    assertEquals(result.seen, ["Generated One", "Generated Three", "Generated Two"]);
    assertEquals(result.pages, 2);
    assertEquals(result.missing, 404);
    for (const { id, location } of result.created) assertEquals(location, `/api/v1/clients/${id}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await served.stop();
  }
});
