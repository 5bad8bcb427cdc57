/** The visual query builder's pages: a table, then dimensions, measures, a filter, sort and limit → the editor. */
import { type Context, Hono } from "hono";
import type { Principal } from "../../services/auth/permissions.ts";
import { BuildSchema } from "../../services/data_sources/builder.ts";
import { buildQuery, getDataSource, sourceSchema } from "../../services/data_sources/data_sources.ts";
import { BuilderPage } from "../../views/data_sources/builder_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formErrors, formFields, idParam, isShownInPlace, parseForm } from "../forms.ts";
import { html, requireUserPage } from "../render.ts";
import { builtQueryEditor } from "./saved_queries.tsx";

async function render(
  c: Context<AppEnv>,
  principal: Principal,
  id: string,
  table: string | null,
  errors?: Record<string, string>,
) {
  const { sql } = c.get("deps");
  const [row, schema] = await Promise.all([getDataSource(sql, principal, id), sourceSchema(sql, principal, id)]);
  const name = (s: { schema_name: string; table_name: string }) =>
    s.schema_name ? `${s.schema_name}.${s.table_name}` : s.table_name;
  const tables = [...new Set(schema.map(name))];
  const chosen = table && tables.includes(table) ? table : null;
  const columns = chosen ? schema.filter((s) => name(s) === chosen) : [];
  return html(
    c,
    <BuilderPage row={row} tables={tables} table={chosen} columns={columns} errors={errors} />,
    errors ? 422 : 200,
  );
}

/** The posted slots as the API's input: empty slots dropped, numbers as numbers. */
function buildInput(f: Record<string, string>) {
  const slots = (prefix: string, keys: string[], filled: string) =>
    [0, 1].map((i) => Object.fromEntries(keys.map((k) => [k, f[`${prefix}.${i}.${k}`] || undefined])))
      .filter((s) => s[filled]);
  const sort = f["sort.output"] ? { output: Number(f["sort.output"]), direction: f["sort.direction"] } : undefined;
  return {
    table: f.table ?? "",
    dimensions: slots("dimensions", ["column", "grain"], "column"),
    measures: slots("measures", ["fn", "column"], "fn"),
    filters: slots("filters", ["column", "op"], "column"),
    sort,
    limit: f.limit ? Number(f.limit) : undefined,
  };
}

export function queryBuilderPages() {
  const app = new Hono<AppEnv>();
  app.get(
    "/data-sources/:id/builder",
    (c) => render(c, requireUserPage(c), idParam(c, "No such data source"), c.req.query("table") ?? null),
  );
  app.post("/data-sources/:id/builder", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "No such data source");
    const fields = await formFields(c);
    try {
      const built = await buildQuery(c.get("deps").sql, principal, id, parseForm(BuildSchema, buildInput(fields)));
      return await builtQueryEditor(c, principal, { data_source_id: id, ...built });
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return await render(c, principal, id, fields.table ?? null, formErrors(error).errors);
    }
  });
  return app;
}
