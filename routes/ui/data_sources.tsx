/** Data source pages: list + add form, a source with test / read schema in place, edit, delete. */
import { type Context, Hono } from "hono";
import { can, type Principal } from "../../services/auth/permissions.ts";
import {
  createDataSource,
  deleteDataSource,
  getDataSource,
  introspectDataSource,
  kindOf,
  listDataSources,
  sourceSchema,
  testDataSource,
  updateDataSource,
} from "../../services/data_sources/data_sources.ts";
import { listSavedQueries } from "../../services/data_sources/saved_queries.ts";
import { loadProfile } from "../../services/profile/profile.ts";
import { SettingsTestResult, type SourceFormValues } from "../../views/data_sources/_source_form.tsx";
import type { FieldErrors } from "../../views/components/form_field.tsx";
import { ADDABLE_KIND_NAMES, type KindName } from "../../services/data_sources/kinds/mod.ts";
import { settingFields, settingsFromForm, settingsToForm } from "../../services/data_sources/kinds/settings_fields.ts";
import { testSettings } from "../../services/data_sources/test_settings.ts";
import { isUuid } from "../../services/platform/ids.ts";
import { SchemaBrowser } from "../../views/data_sources/_schema.tsx";
import { SourceStatus } from "../../views/data_sources/_status.tsx";
import { DataSourcesPage, type DataSourcesPageProps } from "../../views/data_sources/data_sources_page.tsx";
import { SourcePage, type SourcePageProps } from "../../views/data_sources/source_page.tsx";
import { sourceDeps } from "../data_sources_deps.ts";
import type { AppEnv } from "../deps.ts";
import { formErrors, formFields, idParam, isShownInPlace, parseForm } from "../forms.ts";
import { retypeCsvColumns } from "../../services/data_sources/csv_files.ts";
import { type CreateDataSourceInput, CsvRetypeSchema as RetypeSchema } from "../../services/data_sources/schemas.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";
import { queryPages } from "./saved_queries.tsx";
import { queryBuilderPages } from "./query_builder.tsx";

/** The add form's kind: the one asked for, else PostgreSQL. */
function formKind(asked: string | undefined): KindName {
  return ADDABLE_KIND_NAMES.includes(asked as KindName) ? asked as KindName : "postgresql";
}

function settingsOfKind(kind: string) {
  const k = kindOf(kind);
  return { fields: settingFields(k), testable: k.connects };
}

/** The posted form as typed (for showing back) and as the API's input, its settings read by the kind's fields. */
function readForm(f: Record<string, string>, kind: string) {
  // secret controls are never filled back in (the view leaves password boxes and header lines empty)
  const values: SourceFormValues = Object.fromEntries(
    Object.entries(f).filter(([k]) => k === "name" || k.startsWith("config.")),
  );
  const config = settingsFromForm(settingFields(kindOf(kind)), f);
  return { values, input: { name: f.name ?? "", kind: kind as CreateDataSourceInput["kind"], config } };
}

async function renderList(
  c: Context<AppEnv>,
  principal: Principal,
  extra: Pick<DataSourcesPageProps, "values" | "errors" | "tested"> & { kind?: string } = {},
  status = 200,
) {
  const { sql } = c.get("deps");
  const kind = formKind(extra.kind ?? c.req.query("kind"));
  const [rows, profile] = await Promise.all([listDataSources(sql, principal), loadProfile(sql, principal)]);
  return html(
    c,
    <DataSourcesPage
      rows={rows}
      timeZone={profile.timezone}
      canWrite={can(principal, "data_sources", "write")}
      form={{ kind, kinds: ADDABLE_KIND_NAMES, ...settingsOfKind(kind) }}
      {...extra}
    />,
    status,
  );
}

async function renderSource(
  c: Context<AppEnv>,
  principal: Principal,
  id: string,
  extra: Pick<SourcePageProps, "values" | "errors" | "tested" | "notice"> = {},
  status = 200,
) {
  const { sql } = c.get("deps");
  const [row, columns, queries, profile] = await Promise.all([
    getDataSource(sql, principal, id),
    sourceSchema(sql, principal, id),
    can(principal, "saved_queries", "read") ? listSavedQueries(sql, principal, { dataSourceId: id }) : [],
    loadProfile(sql, principal),
  ]);
  const settings = settingsOfKind(row.kind);
  const kind = kindOf(row.kind);
  return html(
    c,
    <SourcePage
      row={row}
      columns={columns}
      queries={queries}
      timeZone={profile.timezone}
      canWrite={can(principal, "data_sources", "write")}
      canDelete={can(principal, "data_sources", "delete")}
      settings={settings}
      queries_as={kind.checkQuery ? "shapes" : kind.dialect ? "sql" : "json_path"}
      {...extra}
      values={extra.values ?? { name: row.name, ...settingsToForm(settings.fields, row.config) }}
    />,
    status,
  );
}

export function dataSourcePages() {
  const app = new Hono<AppEnv>();
  app.get("/data-sources", (c) => renderList(c, requireUserPage(c)));

  app.post("/data-sources", async (c) => {
    const principal = requireUserPage(c);
    const fields = await formFields(c);
    const kind = formKind(fields.kind);
    const { values, input } = readForm(fields, kind);
    try {
      const row = await createDataSource(c.get("deps").sql, principal, input, auditContext(c), sourceDeps(c));
      return c.redirect(`/data-sources/${row.id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return await renderList(c, principal, { kind, values, errors: formErrors(error).errors }, 422);
    }
  });

  app.post("/data-sources/test-settings", async (c) => {
    const principal = requireUserPage(c);
    const fields = await formFields(c);
    const sourceId = fields.source_id && isUuid(fields.source_id) ? fields.source_id : undefined;
    const { sql } = c.get("deps");
    const kind = sourceId ? (await getDataSource(sql, principal, sourceId)).kind : formKind(fields.kind);
    const { values, input } = readForm(fields, kind);
    let tested: { ok: boolean; message: string } | undefined;
    let errors: FieldErrors | undefined;
    try {
      tested = await testSettings(sql, principal, { kind, config: input.config, sourceId }, sourceDeps(c));
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      errors = formErrors(error).errors;
    }
    if (isPartial(c)) return html(c, <SettingsTestResult {...tested} errors={errors} />, 200, { fragment: true });
    const extra = { values, errors, tested };
    return sourceId
      ? await renderSource(c, principal, sourceId, extra)
      : await renderList(c, principal, { kind, ...extra });
  });

  app.get("/data-sources/:id", (c) => renderSource(c, requireUserPage(c), idParam(c, "No such data source")));

  app.post("/data-sources/:id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "No such data source");
    const fields = await formFields(c);
    const { values, input } = readForm(fields, (await getDataSource(c.get("deps").sql, principal, id)).kind);
    try {
      await updateDataSource(c.get("deps").sql, principal, id, input, auditContext(c), sourceDeps(c));
      return c.redirect(`/data-sources/${id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return await renderSource(c, principal, id, { values, errors: formErrors(error).errors }, 422);
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
