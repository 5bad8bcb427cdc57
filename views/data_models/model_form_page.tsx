import { useContext } from "preact/hooks";
import type { DataSourceRow, SchemaColumnRow } from "../../db/queries/data_sources.ts";
import { FIELD_TYPES, type ModelDefinition } from "../../services/data_models/schemas.ts";
import { CsrfField, FieldError, type FieldErrors, FormField, invalid } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";

/** What the form holds: the definition as typed (possibly refused), with a name and description. */
export interface ModelFormValues extends ModelDefinition {
  name: string;
  description: string | null;
}

export interface ModelFormPageProps {
  source: DataSourceRow;
  schema: SchemaColumnRow[];
  modelId?: string;
  values: ModelFormValues;
  errors?: FieldErrors;
}

const tableName = (c: SchemaColumnRow) => c.schema_name ? `${c.schema_name}.${c.table_name}` : c.table_name;

/** One slot more than is filled (at least `min`), so the form grows by saving. */
const slots = (filled: number, min: number) => Array.from({ length: Math.max(filled + 1, min) }, (_, i) => i);

/**
 * A model's tables, joins and calculated fields as a plain form (no script needed): the first table is the base,
 * each other table is joined on a column pair written `alias.column`, suggested from the source's schema.
 */
export function ModelFormPage({ source, schema, modelId, values, errors = {} }: ModelFormPageProps) {
  const { csrfToken } = useContext(PageContext);
  const tables = [...new Set(schema.map(tableName))];
  const suggestions = schema.map((c) => `${c.table_name}.${c.column_name}`);
  const title = modelId ? `Edit ${values.name}` : "New data model";
  const e = (name: string) => ({ errors, name });
  return (
    <Layout title={title}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/data-models">Data models</a>
          </li>
          {modelId && (
            <li>
              <a href={`/data-models/${modelId}`}>{values.name}</a>
            </li>
          )}
          <li>{modelId ? "Edit" : "New"}</li>
        </ul>
      </nav>
      <hgroup>
        <h1>{title}</h1>
        <p>
          On <a href={`/data-sources/${source.id}`}>{source.name}</a>. Columns are written{" "}
          <code>alias.column</code>; an empty alias is the table's name.
        </p>
      </hgroup>
      {tables.length === 0 && <p class="empty-state">Read the source's schema first: a model uses its tables.</p>}
      <form method="post" action={modelId ? `/data-models/${modelId}` : "/data-models"} class="model-form">
        <CsrfField token={csrfToken} />
        <input type="hidden" name="data_source_id" value={source.id} />
        <FieldError {...e("data_source_id")} />
        <div class="grid">
          <FormField name="name" label="Name" value={values.name} errors={errors} maxLength={200} required />
          <FormField name="description" label="Description" value={values.description ?? ""} errors={errors} />
        </div>
        <datalist id="model-columns">
          {suggestions.map((s) => <option key={s} value={s} />)}
        </datalist>
        <fieldset>
          <legend>Tables (the first is the base table)</legend>
          {slots(values.tables.length, 2).map((i) => (
            <div class="grid" key={i}>
              <label>
                Table {i + 1}
                <select name={`tables.${i}.table`} {...invalid(`tables.${i}.table`, errors)}>
                  <option value="">{i === 0 ? "choose the base table" : "—"}</option>
                  {tables.map((t) => <option key={t} value={t} selected={values.tables[i]?.table === t}>{t}</option>)}
                </select>
                <FieldError {...e(`tables.${i}.table`)} />
              </label>
              <FormField
                name={`tables.${i}.alias`}
                label="Alias"
                value={values.tables[i]?.alias ?? ""}
                errors={errors}
                placeholder="the table's name"
              />
            </div>
          ))}
        </fieldset>
        <fieldset>
          <legend>Joins (each table after the first, on a column of a table before it)</legend>
          {slots(values.joins.length, Math.max(values.tables.length - 1, 1)).map((i) => {
            const j = values.joins[i];
            return (
              <div key={i}>
                <div class="grid">
                  <FormField
                    name={`joins.${i}.alias`}
                    label="Join table (alias)"
                    value={j?.alias ?? ""}
                    errors={errors}
                  />
                  <label>
                    Kind
                    <select name={`joins.${i}.type`}>
                      <option value="inner" selected={j?.type !== "left"}>inner: rows with a match</option>
                      <option value="left" selected={j?.type === "left"}>left: keep rows without a match</option>
                    </select>
                  </label>
                </div>
                {(j?.on.length ? j.on : [undefined]).map((pair, k) => (
                  <div class="grid" key={k}>
                    <label>
                      On column
                      <input
                        name={`joins.${i}.on.${k}.left`}
                        list="model-columns"
                        value={pair?.left ?? ""}
                        placeholder="orders.customer_id"
                        {...invalid(`joins.${i}.on.${k}.left`, errors)}
                      />
                      <FieldError {...e(`joins.${i}.on.${k}.left`)} />
                    </label>
                    <label>
                      equals
                      <input
                        name={`joins.${i}.on.${k}.right`}
                        list="model-columns"
                        value={pair?.right ?? ""}
                        placeholder="customers.id"
                        {...invalid(`joins.${i}.on.${k}.right`, errors)}
                      />
                      <FieldError {...e(`joins.${i}.on.${k}.right`)} />
                    </label>
                  </div>
                ))}
              </div>
            );
          })}
        </fieldset>
        <fieldset>
          <legend>Calculated fields</legend>
          <p>
            <small>
              An SQL expression over the model's columns: arithmetic, comparisons, CASE, CAST, and the functions abs,
              ceil, floor, round, greatest, least, coalesce, nullif, lower, upper, length, trim, concat, date_trunc. No
              subqueries, no other functions.
            </small>
          </p>
          {slots(values.calculated_fields.length, 1).map((i) => {
            const f = values.calculated_fields[i];
            return (
              <div class="grid" key={i}>
                <FormField name={`calculated_fields.${i}.name`} label="Name" value={f?.name ?? ""} errors={errors} />
                <label>
                  Expression
                  <input
                    name={`calculated_fields.${i}.expression`}
                    value={f?.expression ?? ""}
                    placeholder="orders.total * 0.8"
                    spellcheck={false}
                    {...invalid(`calculated_fields.${i}.expression`, errors)}
                  />
                  <FieldError {...e(`calculated_fields.${i}.expression`)} />
                </label>
                <label>
                  Type
                  <select name={`calculated_fields.${i}.type`}>
                    {FIELD_TYPES.map((t) => (
                      <option key={t} value={t} selected={(f?.type ?? "number") === t}>{t}</option>
                    ))}
                  </select>
                </label>
              </div>
            );
          })}
        </fieldset>
        <button type="submit">Save model</button>
      </form>
      {modelId && (
        <form method="post" action={`/data-models/${modelId}/delete`}>
          <CsrfField token={csrfToken} />
          <button type="submit" class="secondary outline">Delete this model</button>
        </form>
      )}
    </Layout>
  );
}

/** Before the form: which SQL source the model is over (a plain GET). */
export function ChooseSourcePage({ sources }: { sources: DataSourceRow[] }) {
  return (
    <Layout title="New data model">
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/data-models">Data models</a>
          </li>
          <li>New</li>
        </ul>
      </nav>
      <h1>New data model</h1>
      {sources.length === 0
        ? <p class="empty-state">Add a PostgreSQL, MySQL or CSV source first.</p>
        : (
          <form method="get" action="/data-models/new" class="inline-form">
            <label>
              Data source
              <select name="data_source_id">
                {sources.map((s) => <option key={s.id} value={s.id}>{s.name} ({s.kind})</option>)}
              </select>
            </label>
            <button type="submit">Next</button>
          </form>
        )}
    </Layout>
  );
}
