import { useContext } from "preact/hooks";
import type { DataModelRow } from "../../db/queries/data_models.ts";
import type { ModelField } from "../../services/data_models/model_sql.ts";
import type { ModelDefinition } from "../../services/data_models/schemas.ts";
import { CsrfField, type FieldErrors } from "../components/form_field.tsx";
import { ResultTable, type RunOutcome } from "../data_sources/_result_table.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import {
  FilterOpSelect,
  GrainSelect,
  MeasuresFieldset,
  OptionSelect,
  SortAndLimit,
} from "../data_sources/_builder_parts.tsx";

export interface ModelRunView {
  queryText?: string;
  outcome?: RunOutcome;
}

/** "Run": the generated SQL and its result, replaced in place by htmx (or the whole page without script). */
export function ModelRun({ view }: { view: ModelRunView }) {
  return (
    <div id="model-run">
      {view.queryText && (
        <details open>
          <summary>Generated SQL</summary>
          <pre><code>{view.queryText}</code></pre>
        </details>
      )}
      <ResultTable outcome={view.outcome} />
    </div>
  );
}

function fieldOptions(fields: ModelField[]): [string, string][] {
  return fields.map((f) => [f.name, `${f.name} (${f.calculated ? `calculated, ${f.type}` : f.type})`]);
}

export interface ModelPageProps {
  row: DataModelRow;
  sourceName: string;
  fields: ModelField[];
  /** Why the model does not fit its source's schema any more (a column dropped since). */
  problems: string[];
  canWrite: boolean;
  errors?: FieldErrors;
  run?: ModelRunView;
}

/**
 * A model and its builder: dimensions (with a time grain), measures, filters with their values, sort and limit.
 * "Run" shows the generated SQL and the first rows; "Open in the query editor" carries the SQL there to be saved.
 */
export function ModelPage({ row, sourceName, fields, problems, canWrite, errors = {}, run }: ModelPageProps) {
  const { csrfToken } = useContext(PageContext);
  const m = row as unknown as ModelDefinition;
  const options = fieldOptions(fields);
  return (
    <Layout title={`${row.name} · Data models`}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/data-models">Data models</a>
          </li>
          <li>{row.name}</li>
        </ul>
      </nav>
      <hgroup>
        <h1>{row.name}</h1>
        <p>
          On <a href={`/data-sources/${row.data_source_id}`}>{sourceName}</a>
          {row.description ? ` — ${row.description}` : ""}
        </p>
      </hgroup>
      {canWrite && (
        <p>
          <a href={`/data-models/${row.id}/edit`} role="button" class="secondary outline">Edit model</a>
        </p>
      )}
      <details>
        <summary>Tables, joins and calculated fields</summary>
        <ul>
          <li>
            Base: <code>{m.tables[0]?.table}</code> as <code>{m.tables[0]?.alias}</code>
          </li>
          {m.joins.map((j) => (
            <li key={j.alias}>
              {j.type} join <code>{m.tables.find((t) => t.alias === j.alias)?.table}</code> as <code>{j.alias}</code>
              {" on "}
              {j.on.map((p) => `${p.left} = ${p.right}`).join(" and ")}
            </li>
          ))}
          {m.calculated_fields.map((f) => (
            <li key={f.name}>
              <code>{f.name}</code> = <code>{f.expression}</code> ({f.type})
            </li>
          ))}
        </ul>
      </details>
      {problems.length > 0 && (
        <div role="alert" class="field-error">
          <p>This model no longer fits its source's schema:</p>
          <ul>{problems.map((p) => <li key={p}>{p}</li>)}</ul>
        </div>
      )}
      {fields.length > 0 && (
        <form method="post" action={`/data-models/${row.id}/run`} class="model-builder">
          <CsrfField token={csrfToken} />
          <fieldset>
            <legend>Group by</legend>
            {[0, 1].map((i) => (
              <div class="grid" key={i}>
                <OptionSelect name={`dimensions.${i}.field`} label="Field" options={options} empty="—" />
                <GrainSelect name={`dimensions.${i}.grain`} errors={errors} />
              </div>
            ))}
          </fieldset>
          <MeasuresFieldset
            errors={errors}
            of={(i) => (
              <OptionSelect name={`measures.${i}.field`} label="Of" options={options} empty="(rows, for count)" />
            )}
          />
          <fieldset>
            <legend>Filters (each value is a bound parameter)</legend>
            {[0, 1].map((i) => (
              <div class="grid" key={i}>
                <OptionSelect name={`filters.${i}.field`} label="Field" options={options} empty="no filter" />
                <FilterOpSelect name={`filters.${i}.op`} />
                <label>
                  Value
                  <input name={`values.filter_${i + 1}`} />
                </label>
              </div>
            ))}
          </fieldset>
          <SortAndLimit errors={errors} limit={100} />
          <div class="grid">
            <button type="submit" hx-post={`/data-models/${row.id}/run`} hx-target="#model-run" hx-swap="outerHTML">
              Run
            </button>
            <button type="submit" formaction={`/data-models/${row.id}/builder`} class="secondary">
              Open in the query editor
            </button>
          </div>
        </form>
      )}
      <ModelRun view={run ?? {}} />
    </Layout>
  );
}
