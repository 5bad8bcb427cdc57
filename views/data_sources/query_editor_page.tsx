import { useContext } from "preact/hooks";
import type { DataSourceRow } from "../../db/queries/data_sources.ts";
import { CsrfField, FieldError, type FieldErrors, FormField, invalid } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { ResultTable, type RunOutcome } from "./_result_table.tsx";
import { QueryShapes } from "./_shapes.tsx";

/** The editor's fields as typed; `parameters` and `values` one per line (docs/data-sources.md). */
export interface QueryFormValues {
  data_source_id?: string;
  name?: string;
  description?: string;
  query_text?: string;
  parameters?: string;
  values?: string;
  is_public?: boolean;
}

export interface QueryEditorProps {
  sources: Pick<DataSourceRow, "id" | "name" | "kind">[];
  /** The saved query being edited; absent for a new one. */
  queryId?: string;
  values: QueryFormValues;
  errors?: FieldErrors;
  outcome?: RunOutcome;
  canWrite: boolean;
}

/** Write SQL with {{parameters}}, run it (first 100 rows in place), save it. */
export function QueryEditorPage({ sources, queryId, values, errors, outcome, canWrite }: QueryEditorProps) {
  const { csrfToken } = useContext(PageContext);
  const title = queryId ? values.name ?? "Query" : "New query";
  return (
    <Layout title={`${title} · Queries`}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/queries">Saved queries</a>
          </li>
          <li>{title}</li>
        </ul>
      </nav>
      <h1>{title}</h1>
      <form method="post" action={queryId ? `/queries/${queryId}` : "/queries"} class="query-editor">
        <CsrfField token={csrfToken} />
        <label>
          Data source
          <select name="data_source_id" disabled={!!queryId} {...invalid("data_source_id", errors)}>
            {sources.map((s) => (
              <option key={s.id} value={s.id} selected={s.id === values.data_source_id}>{s.name}</option>
            ))}
          </select>
          <FieldError name="data_source_id" errors={errors} />
        </label>
        {queryId && <input type="hidden" name="data_source_id" value={values.data_source_id} />}
        <label>
          SQL (one SELECT; <code>{"{{name}}"}</code> for a parameter)
          <textarea name="query_text" rows={8} spellcheck={false} class="sql" {...invalid("query_text", errors)}>
            {values.query_text}
          </textarea>
          <FieldError name="query_text" errors={errors} />
        </label>
        {sources.some((s) => s.kind === "opsdeck") && (
          <details>
            <summary>On the built-in Opsdeck source: a query shape's name instead of SQL</summary>
            <QueryShapes />
          </details>
        )}
        <div class="grid">
          <label>
            Parameters, one per line: <code>name type</code> (text, integer, number, boolean, timestamp) or{" "}
            <code>name enum a,b,c</code>
            <textarea name="parameters" rows={3} spellcheck={false} {...invalid("parameters", errors)}>
              {values.parameters}
            </textarea>
            <FieldError name="parameters" errors={errors} />
          </label>
          <label>
            Values to run with, one per line: <code>name=value</code>
            <textarea name="values" rows={3} spellcheck={false} {...invalid("values", errors)}>
              {values.values}
            </textarea>
            <FieldError name="values" errors={errors} />
          </label>
        </div>
        <button
          type="submit"
          formaction="/queries/run"
          hx-post="/queries/run"
          hx-target="#query-result"
          hx-swap="outerHTML"
          class="secondary"
        >
          Run
        </button>
        <ResultTable outcome={outcome} />
        {canWrite && (
          <fieldset>
            <FormField name="name" label="Name" value={values.name} errors={errors} maxLength={200} />
            <FormField name="description" label="Description" value={values.description} errors={errors} />
            <label>
              <input type="checkbox" name="is_public" value="true" checked={values.is_public} role="switch" />
              Share with everyone in the organisation
            </label>
            <button type="submit">Save query</button>
          </fieldset>
        )}
      </form>
      {queryId && canWrite && (
        <form method="post" action={`/queries/${queryId}/delete`}>
          <CsrfField token={csrfToken} />
          <button type="submit" class="secondary outline">Delete this query</button>
        </form>
      )}
    </Layout>
  );
}
