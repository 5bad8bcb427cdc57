/** Data model pages: list, new/edit (tables, joins, calculated fields), and the model's builder with Run. */
import { type Context, Hono } from "hono";
import { can, type Principal } from "../../services/auth/permissions.ts";
import {
  buildModelQuery,
  createDataModel,
  deleteDataModel,
  getDataModel,
  getDataModelWithFields,
  listDataModels,
  runModelQuery,
  updateDataModel,
} from "../../services/data_models/data_models.ts";
import {
  CreateDataModelSchema,
  ModelBuildSchema,
  RunModelSchema,
  UpdateDataModelSchema,
} from "../../services/data_models/schemas.ts";
import { getDataSource, kindOf, listDataSources, sourceSchema } from "../../services/data_sources/data_sources.ts";
import { AppError } from "../../services/platform/errors.ts";
import { loadProfile } from "../../services/profile/profile.ts";
import { ChooseSourcePage, ModelFormPage, type ModelFormValues } from "../../views/data_models/model_form_page.tsx";
import { ModelPage, ModelRun, type ModelRunView } from "../../views/data_models/model_page.tsx";
import { ModelsPage } from "../../views/data_models/models_page.tsx";
import { sourceDeps } from "../data_sources_deps.ts";
import type { AppEnv } from "../deps.ts";
import { formErrors, formFields, idParam, isShownInPlace, parseForm } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";
import { builtQueryEditor } from "./saved_queries.tsx";

type Slot = Record<string, string>;

/** `tables.0.alias`-style fields as lists of slots, in slot order, empty slots kept (callers drop them). */
function slotsOf(f: Record<string, string>, prefix: string): Slot[] {
  const out: Slot[] = [];
  for (const [key, value] of Object.entries(f)) {
    const m = key.match(new RegExp(`^${prefix}\\.(\\d+)\\.(.+)$`));
    if (m && Number(m[1]) < 50) (out[Number(m[1])] ??= {})[m[2]] = value.trim();
  }
  return [...out].map((s) => s ?? {});
}

/** The posted model form as the API's input. */
function modelInput(f: Record<string, string>): ModelFormValues & { data_source_id: string } {
  const tables = slotsOf(f, "tables").filter((t) => t.table)
    .map((t) => ({ alias: t.alias || t.table.split(".").pop()!, table: t.table }));
  const joins = slotsOf(f, "joins").filter((j) => j.alias || j["on.0.left"]).map((j) => ({
    alias: j.alias,
    type: (j.type === "left" ? "left" : "inner") as "left" | "inner",
    on: slotsOf(j, "on").filter((p) => p.left || p.right).map((p) => ({ left: p.left ?? "", right: p.right ?? "" })),
  }));
  const calculated_fields = slotsOf(f, "calculated_fields").filter((c) => c.name || c.expression)
    .map((c) => ({ name: c.name ?? "", expression: c.expression ?? "", type: (c.type || "number") as "number" }));
  return {
    data_source_id: f.data_source_id ?? "",
    name: f.name ?? "",
    description: f.description?.trim() || null,
    tables,
    joins,
    calculated_fields,
  };
}

/** The posted builder form: empty slots dropped, each kept filter's value renamed to its filter_N. */
function buildInput(f: Record<string, string>) {
  const values: Record<string, string> = {};
  const filters = slotsOf(f, "filters").flatMap((s, i) => {
    if (!s.field) return [];
    const value = f[`values.filter_${i + 1}`];
    return [{ field: s.field, op: s.op, value }];
  }).map((s, k) => {
    if (s.value) values[`filter_${k + 1}`] = s.value;
    return { field: s.field, op: s.op };
  });
  return {
    dimensions: slotsOf(f, "dimensions").filter((d) => d.field)
      .map((d) => ({ field: d.field, grain: d.grain || undefined })),
    measures: slotsOf(f, "measures").filter((m) => m.fn).map((m) => ({ fn: m.fn, field: m.field || undefined })),
    filters,
    sort: f["sort.output"] ? { output: Number(f["sort.output"]), direction: f["sort.direction"] } : undefined,
    limit: f.limit ? Number(f.limit) : undefined,
    values,
  };
}

async function renderForm(
  c: Context<AppEnv>,
  principal: Principal,
  sourceId: string,
  view: { modelId?: string; values: ModelFormValues; errors?: Record<string, string> },
) {
  const { sql } = c.get("deps");
  const [source, schema] = await Promise.all([
    getDataSource(sql, principal, sourceId),
    sourceSchema(sql, principal, sourceId),
  ]);
  return html(c, <ModelFormPage source={source} schema={schema} {...view} />, view.errors ? 422 : 200);
}

async function renderModel(c: Context<AppEnv>, principal: Principal, id: string, run?: ModelRunView, status = 200) {
  const { sql } = c.get("deps");
  const { row, model, problems } = await getDataModelWithFields(sql, principal, id);
  const source = await getDataSource(sql, principal, row.data_source_id);
  return html(
    c,
    <ModelPage
      row={row}
      sourceName={source.name}
      fields={model?.fields ?? []}
      problems={(problems ?? []).map((p) => `${p.path}: ${p.message}`)}
      canWrite={can(principal, "data_models", "write")}
      run={run}
    />,
    status,
  );
}

export function dataModelPages() {
  const app = new Hono<AppEnv>();

  app.get("/data-models", async (c) => {
    const principal = requireUserPage(c);
    const { sql } = c.get("deps");
    const [rows, sources, profile] = await Promise.all([
      listDataModels(sql, principal),
      listDataSources(sql, principal),
      loadProfile(sql, principal),
    ]);
    return html(
      c,
      <ModelsPage
        rows={rows}
        sourceNames={new Map(sources.map((s) => [s.id, s.name]))}
        timeZone={profile.timezone}
        canWrite={can(principal, "data_models", "write")}
      />,
    );
  });

  app.get("/data-models/new", async (c) => {
    const principal = requireUserPage(c);
    const sourceId = c.req.query("data_source_id");
    if (sourceId) {
      const values = { name: "", description: null, tables: [], joins: [], calculated_fields: [] };
      return await renderForm(c, principal, sourceId, { values });
    }
    const sources = (await listDataSources(c.get("deps").sql, principal)).filter((s) => kindOf(s.kind).dialect);
    return html(c, <ChooseSourcePage sources={sources} />);
  });

  app.post("/data-models", async (c) => {
    const principal = requireUserPage(c);
    const values = modelInput(await formFields(c));
    try {
      const { row } = await createDataModel(
        c.get("deps").sql,
        principal,
        parseForm(CreateDataModelSchema, values),
        auditContext(c),
      );
      return c.redirect(`/data-models/${row.id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return await renderForm(c, principal, values.data_source_id, { values, errors: formErrors(error).errors });
    }
  });

  app.get("/data-models/:id", (c) => renderModel(c, requireUserPage(c), idParam(c, "No such data model")));

  app.get("/data-models/:id/edit", async (c) => {
    const principal = requireUserPage(c);
    const row = await getDataModel(c.get("deps").sql, principal, idParam(c, "No such data model"));
    const values = row as unknown as ModelFormValues;
    return await renderForm(c, principal, row.data_source_id, { modelId: row.id, values });
  });

  app.post("/data-models/:id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "No such data model");
    const { sql } = c.get("deps");
    const row = await getDataModel(sql, principal, id);
    const { data_source_id: _, ...values } = modelInput(await formFields(c));
    try {
      await updateDataModel(sql, principal, id, parseForm(UpdateDataModelSchema, values), auditContext(c));
      return c.redirect(`/data-models/${id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      const errors = formErrors(error).errors;
      return await renderForm(c, principal, row.data_source_id, { modelId: id, values, errors });
    }
  });

  app.post("/data-models/:id/delete", async (c) => {
    const principal = requireUserPage(c);
    await deleteDataModel(c.get("deps").sql, principal, idParam(c, "No such data model"), auditContext(c));
    return c.redirect("/data-models", 303);
  });

  app.post("/data-models/:id/run", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "No such data model");
    let view: ModelRunView;
    try {
      const input = parseForm(RunModelSchema, buildInput(await formFields(c)));
      const { built, result } = await runModelQuery(c.get("deps").sql, principal, id, input, sourceDeps(c));
      view = { queryText: built.query_text, outcome: { result } };
    } catch (error) {
      if (!(error instanceof AppError) || ![422, 502].includes(error.status)) throw error;
      const fields = error.errors?.map((e) => `${e.path}: ${e.message}`).join("; ");
      view = { outcome: { error: fields || error.message } };
    }
    if (isPartial(c)) return html(c, <ModelRun view={view} />, 200, { fragment: true });
    return await renderModel(c, principal, id, view, "error" in view.outcome! ? 422 : 200);
  });

  app.post("/data-models/:id/builder", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "No such data model");
    try {
      const { values: _, ...build } = buildInput(await formFields(c));
      const built = await buildModelQuery(c.get("deps").sql, principal, id, parseForm(ModelBuildSchema, build));
      return await builtQueryEditor(c, principal, built);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      const fields = error.errors?.map((e) => `${e.path}: ${e.message}`).join("; ");
      return await renderModel(c, principal, id, { outcome: { error: fields || error.message } }, 422);
    }
  });
  return app;
}
