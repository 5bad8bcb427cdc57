/** Data source pages: list + add form, a source with test / read schema in place, edit, delete. */
import { type Context, Hono } from "hono";
import { can, type Principal } from "../../services/auth/permissions.ts";
import {
  createDataSource,
  deleteDataSource,
  getDataSource,
  introspectDataSource,
  listDataSources,
  sourceSchema,
  testDataSource,
  updateDataSource,
} from "../../services/data_sources/data_sources.ts";
import { listSavedQueries } from "../../services/data_sources/saved_queries.ts";
import { loadProfile } from "../../services/profile/profile.ts";
import type { SourceFormValues } from "../../views/data_sources/_source_form.tsx";
import { SchemaBrowser } from "../../views/data_sources/_schema.tsx";
import { SourceStatus } from "../../views/data_sources/_status.tsx";
import { DataSourcesPage } from "../../views/data_sources/data_sources_page.tsx";
import { SourcePage, type SourcePageProps } from "../../views/data_sources/source_page.tsx";
import { sourceDeps } from "../data_sources_deps.ts";
import type { AppEnv } from "../deps.ts";
import { formErrors, formFields, idParam, isShownInPlace, parseForm } from "../forms.ts";
import { retypeCsvColumns } from "../../services/data_sources/csv_files.ts";
import { CsvRetypeSchema as RetypeSchema } from "../../services/data_sources/schemas.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";
import { queryPages } from "./saved_queries.tsx";
import { queryBuilderPages } from "./query_builder.tsx";

/** The posted form as typed (for showing back) and as the API's input; a csv source needs only its name. */
function readForm(f: Record<string, string>) {
  if (f.kind === "csv") {
    return { values: { name: f.name }, input: { name: f.name ?? "", kind: "csv" as const, config: {} } };
  }
  const values: SourceFormValues = {
    name: f.name,
    host: f["config.host"],
    port: f["config.port"],
    database: f["config.database"],
    user: f["config.user"],
    ssl: f["config.ssl"],
    timeout_seconds: f["config.timeout_seconds"],
    row_limit: f["config.row_limit"],
  };
  const num = (v: string | undefined) => (v?.trim() ? Number(v) : undefined);
  const config = {
    host: values.host?.trim() || undefined,
    port: num(values.port),
    database: values.database?.trim() || undefined,
    user: values.user?.trim() || undefined,
    ssl: values.ssl || undefined,
    timeout_seconds: num(values.timeout_seconds),
    row_limit: num(values.row_limit),
    ...(f["config.password"] ? { password: f["config.password"] } : {}),
  };
  return { values, input: { name: f.name ?? "", kind: "postgresql" as const, config } };
}

async function renderList(c: Context<AppEnv>, principal: Principal, extra = {}, status = 200) {
  const { sql } = c.get("deps");
  const [rows, profile] = await Promise.all([listDataSources(sql, principal), loadProfile(sql, principal)]);
  return html(
    c,
    <DataSourcesPage
      rows={rows}
      timeZone={profile.timezone}
      canWrite={can(principal, "data_sources", "write")}
      {...extra}
    />,
    status,
  );
}

async function renderSource(
  c: Context<AppEnv>,
  principal: Principal,
  id: string,
  extra: Partial<SourcePageProps> = {},
  status = 200,
) {
  const { sql } = c.get("deps");
  const [row, columns, queries, profile] = await Promise.all([
    getDataSource(sql, principal, id),
    sourceSchema(sql, principal, id),
    can(principal, "saved_queries", "read") ? listSavedQueries(sql, principal, { dataSourceId: id }) : [],
    loadProfile(sql, principal),
  ]);
  return html(
    c,
    <SourcePage
      row={row}
      columns={columns}
      queries={queries}
      timeZone={profile.timezone}
      canWrite={can(principal, "data_sources", "write")}
      canDelete={can(principal, "data_sources", "delete")}
      {...extra}
    />,
    status,
  );
}

export function dataSourcePages() {
  const app = new Hono<AppEnv>();
  app.get("/data-sources", (c) => renderList(c, requireUserPage(c)));

  app.post("/data-sources", async (c) => {
    const principal = requireUserPage(c);
    const { values, input } = readForm(await formFields(c));
    try {
      const row = await createDataSource(c.get("deps").sql, principal, input, auditContext(c), sourceDeps(c));
      return c.redirect(`/data-sources/${row.id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return await renderList(c, principal, { values, ...formErrors(error) }, 422);
    }
  });

  app.get("/data-sources/:id", (c) => renderSource(c, requireUserPage(c), idParam(c, "No such data source")));

  app.post("/data-sources/:id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "No such data source");
    const { values, input } = readForm(await formFields(c));
    try {
      await updateDataSource(c.get("deps").sql, principal, id, input, auditContext(c), sourceDeps(c));
      return c.redirect(`/data-sources/${id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return await renderSource(c, principal, id, { values, ...formErrors(error) }, 422);
    }
  });

  app.post("/data-sources/:id/test", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "No such data source");
    const { sql } = c.get("deps");
    const r = await testDataSource(sql, principal, id, auditContext(c), sourceDeps(c));
    if (!isPartial(c)) return c.redirect(`/data-sources/${id}`, 303);
    const profile = await loadProfile(sql, principal);
    return html(c, <SourceStatus row={r.row} timeZone={profile.timezone} />, 200, { fragment: true });
  });

  app.post("/data-sources/:id/introspect", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "No such data source");
    try {
      const ctx = auditContext(c);
      const columns = await introspectDataSource(c.get("deps").sql, principal, id, ctx, sourceDeps(c));
      if (!isPartial(c)) return c.redirect(`/data-sources/${id}`, 303);
      const profile = await loadProfile(c.get("deps").sql, principal);
      return html(c, <SchemaBrowser columns={columns} lastSync={ctx.now} timeZone={profile.timezone} />, 200, {
        fragment: true,
      });
    } catch (error) {
      if (!(error instanceof Error) || !("status" in error) || error.status !== 502) throw error;
      if (!isPartial(c)) return await renderSource(c, principal, id, { notice: error.message }, 502);
      return html(
        c,
        <div id="schema-browser">
          <p role="alert" class="field-error">Could not read the schema: {error.message}</p>
        </div>,
        200,
        { fragment: true },
      );
    }
  });

  app.post("/data-sources/:id/csv-types", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "No such data source");
    const fields = await formFields(c);
    const types = Object.fromEntries(
      Object.entries(fields).filter(([k]) => k.startsWith("types.")).map(([k, v]) => [k.slice(6), v]),
    );
    try {
      const parsed = parseForm(RetypeSchema, { types });
      await retypeCsvColumns(c.get("deps").sql, principal, id, parsed.types, auditContext(c));
      return c.redirect(`/data-sources/${id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return await renderSource(c, principal, id, formErrors(error), 422);
    }
  });

  app.post("/data-sources/:id/delete", async (c) => {
    const principal = requireUserPage(c);
    await deleteDataSource(c.get("deps").sql, principal, idParam(c, "No such data source"), auditContext(c));
    return c.redirect("/data-sources", 303);
  });

  app.route("/", queryPages());
  app.route("/", queryBuilderPages());
  return app;
}
