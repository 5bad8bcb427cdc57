import { useContext } from "preact/hooks";
import type { DataSourceRow, SchemaColumnRow } from "../../db/queries/data_sources.ts";
import { CsrfField, FieldError, type FieldErrors } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { FilterOpSelect, GrainSelect, MeasuresFieldset, OptionSelect, SortAndLimit } from "./_builder_parts.tsx";

export interface BuilderPageProps {
  row: DataSourceRow;
  tables: string[];
  table: string | null;
  columns: SchemaColumnRow[];
  errors?: FieldErrors;
}

function columnOptions(columns: SchemaColumnRow[]): [string, string][] {
  return columns.map((c) => [c.column_name, `${c.column_name} (${c.data_type})`]);
}

/**
 * The visual query builder: pick a table (a plain GET, so it works without JavaScript), then dimensions, measures, a
 * filter, sort and limit from its introspected columns; "Build" opens the query editor with the generated SQL.
 */
export function BuilderPage({ row, tables, table, columns, errors = {} }: BuilderPageProps) {
  const { csrfToken } = useContext(PageContext);
  const options = columnOptions(columns);
  return (
    <Layout title={`Build a query · ${row.name}`}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/data-sources">Data sources</a>
          </li>
          <li>
            <a href={`/data-sources/${row.id}`}>{row.name}</a>
          </li>
          <li>Build a query</li>
        </ul>
      </nav>
      <h1>Build a query</h1>
      {tables.length === 0 && <p class="empty-state">Read the source's schema first: the builder offers its tables.</p>}
      <form method="get" action={`/data-sources/${row.id}/builder`} class="inline-form">
        <label>
          Table
          <select name="table">
            {tables.map((t) => <option key={t} value={t} selected={t === table}>{t}</option>)}
          </select>
        </label>
        <button type="submit" class="outline">Choose</button>
      </form>
      {table && (
        <form method="post" action={`/data-sources/${row.id}/builder`}>
          <CsrfField token={csrfToken} />
          <input type="hidden" name="table" value={table} />
          <FieldError name="table" errors={errors} />
          <fieldset>
            <legend>Group by</legend>
            {[0, 1].map((i) => (
              <div class="grid" key={i}>
                <OptionSelect name={`dimensions.${i}.column`} label="Column" options={options} empty="—" />
                <GrainSelect name={`dimensions.${i}.grain`} errors={errors} />
              </div>
            ))}
          </fieldset>
          <MeasuresFieldset
            errors={errors}
            of={(i) => (
              <OptionSelect name={`measures.${i}.column`} label="Of" options={options} empty="(rows, for count)" />
            )}
          />
          <fieldset>
            <legend>Filter (its value is a parameter of the saved query)</legend>
            <div class="grid">
              <OptionSelect name="filters.0.column" label="Column" options={options} empty="no filter" />
              <FilterOpSelect name="filters.0.op" />
            </div>
          </fieldset>
          <SortAndLimit errors={errors} limit={1000} />
          <button type="submit">Build</button>
        </form>
      )}
    </Layout>
  );
}
