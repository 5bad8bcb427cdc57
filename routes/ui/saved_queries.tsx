/** Saved query pages: list, the editor (run in place, save), delete. */
import { type Context, Hono } from "hono";
import { can, type Principal } from "../../services/auth/permissions.ts";
import { listDataSources } from "../../services/data_sources/data_sources.ts";
import { parameterLines, parseParameterLines, parseValueLines } from "../../services/data_sources/parameter_text.ts";
import type { Parameter } from "../../services/data_sources/parameters.ts";
import {
  createSavedQuery,
  deleteSavedQuery,
  getSavedQuery,
  listSavedQueries,
  runAdHoc,
  updateSavedQuery,
} from "../../services/data_sources/saved_queries.ts";
import { AppError } from "../../services/platform/errors.ts";
import { loadProfile } from "../../services/profile/profile.ts";
import { ResultTable, type RunOutcome } from "../../views/data_sources/_result_table.tsx";
import { QueriesPage } from "../../views/data_sources/queries_page.tsx";
import { QueryStatsPage } from "../../views/data_sources/query_stats_page.tsx";
import { queryStats } from "../../services/data_sources/query_stats.ts";
import { QueryEditorPage, type QueryFormValues } from "../../views/data_sources/query_editor_page.tsx";
import { sourceDeps } from "../data_sources_deps.ts";
import type { AppEnv } from "../deps.ts";
import { formErrors, formFields, idParam, isShownInPlace } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

/** Rows shown by "Run" on the page: a preview, not an export. */
const PREVIEW_ROWS = 100;

function readForm(f: Record<string, string>): QueryFormValues {
  return {
    data_source_id: f.data_source_id,
    name: f.name,
    description: f.description,
    query_text: f.query_text,
    parameters: f.parameters,
    values: f.values,
    is_public: f.is_public === "true",
  };
}

function toInput(v: QueryFormValues) {
  return {
    name: v.name ?? "",
    description: v.description?.trim() || undefined,
    query_text: v.query_text ?? "",
    parameters: parseParameterLines(v.parameters ?? ""),
    is_public: v.is_public ?? false,
  };
}

/** The editor with a query from the builder (routes/ui/query_builder.tsx), not yet saved. */
export function builtQueryEditor(
  c: Context<AppEnv>,
  principal: Principal,
  built: { data_source_id: string; query_text: string; parameters: Parameter[] },
) {
  const values = { ...built, parameters: parameterLines(built.parameters) };
  return renderEditor(c, principal, { values });
}

async function renderEditor(
  c: Context<AppEnv>,
  principal: Principal,
  view: { queryId?: string; values: QueryFormValues; errors?: Record<string, string>; outcome?: RunOutcome },
  status = 200,
) {
  const sources = await listDataSources(c.get("deps").sql, principal);
  return html(
    c,
    <QueryEditorPage
      sources={sources}
      canWrite={can(principal, "saved_queries", "write")}
      {...view}
    />,
    status,
  );
}

/** Runs what the editor holds; a refusal or a source problem is the outcome shown, in plain words. */
async function run(c: Context<AppEnv>, principal: Principal, v: QueryFormValues): Promise<RunOutcome> {
  try {
    const result = await runAdHoc(c.get("deps").sql, principal, v.data_source_id ?? "", {
      query_text: v.query_text ?? "",
      parameters: parseParameterLines(v.parameters ?? ""),
      values: parseValueLines(v.values ?? ""),
      limit: PREVIEW_ROWS,
    }, sourceDeps(c));
    return { result };
  } catch (error) {
    if (!(error instanceof AppError) || (error.status !== 422 && error.status !== 502 && error.status !== 404)) {
      throw error;
    }
    const fields = error.errors?.map((e) => `${e.path}: ${e.message}`).join("; ");
    return { error: fields || error.message };
  }
}

export function queryPages() {
  const app = new Hono<AppEnv>();

  app.get("/queries", async (c) => {
    const principal = requireUserPage(c);
    const { sql } = c.get("deps");
    const [rows, sources, profile] = await Promise.all([
      listSavedQueries(sql, principal),
      listDataSources(sql, principal),
      loadProfile(sql, principal),
    ]);
    return html(
      c,
      <QueriesPage
        rows={rows}
        sourceNames={new Map(sources.map((s) => [s.id, s.name]))}
        timeZone={profile.timezone}
        canWrite={can(principal, "saved_queries", "write")}
      />,
    );
  });

  app.get("/queries/stats", async (c) => {
    const principal = requireUserPage(c);
    const { sql, now } = c.get("deps");
    const order = c.req.query("order") === "most_run" ? "most_run" : "slowest";
    const to = now();
    const [rows, queries] = await Promise.all([
      queryStats(sql, principal, { from: new Date(to.getTime() - 7 * 86_400_000), to, order, limit: 50 }),
      listSavedQueries(sql, principal),
    ]);
    return html(c, <QueryStatsPage rows={rows} order={order} names={new Map(queries.map((q) => [q.id, q.name]))} />);
  });

  app.get("/queries/new", (c) => {
    const principal = requireUserPage(c);
    return renderEditor(c, principal, { values: { data_source_id: c.req.query("source") } });
  });

  app.post("/queries/run", async (c) => {
    const principal = requireUserPage(c);
    const values = readForm(await formFields(c));
    const outcome = await run(c, principal, values);
    if (isPartial(c)) return html(c, <ResultTable outcome={outcome} />, 200, { fragment: true });
    return await renderEditor(c, principal, { values, outcome }, "error" in outcome ? 422 : 200);
  });

  app.post("/queries", async (c) => {
    const principal = requireUserPage(c);
    const values = readForm(await formFields(c));
    try {
      const input = { ...toInput(values), data_source_id: values.data_source_id ?? "" };
      const row = await createSavedQuery(c.get("deps").sql, principal, input, auditContext(c));
      return c.redirect(`/queries/${row.id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return await renderEditor(c, principal, { values, ...formErrors(error) }, 422);
    }
  });

  app.get("/queries/:id", async (c) => {
    const principal = requireUserPage(c);
    const row = await getSavedQuery(c.get("deps").sql, principal, idParam(c, "No such saved query"));
    const parameters = row.parameters as Parameter[];
    return await renderEditor(c, principal, {
      queryId: row.id,
      values: {
        data_source_id: row.data_source_id,
        name: row.name,
        description: row.description ?? undefined,
        query_text: row.query_text,
        parameters: parameterLines(parameters),
        values: parameters.filter((p) => p.default !== undefined).map((p) => `${p.name}=${p.default}`).join("\n"),
        is_public: row.is_public,
      },
    });
  });

  app.post("/queries/:id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "No such saved query");
    const values = readForm(await formFields(c));
    try {
      await updateSavedQuery(c.get("deps").sql, principal, id, toInput(values), auditContext(c));
      return c.redirect(`/queries/${id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return await renderEditor(c, principal, { queryId: id, values, ...formErrors(error) }, 422);
    }
  });

  app.post("/queries/:id/delete", async (c) => {
    const principal = requireUserPage(c);
    await deleteSavedQuery(c.get("deps").sql, principal, idParam(c, "No such saved query"), auditContext(c));
    return c.redirect("/queries", 303);
  });
  return app;
}
