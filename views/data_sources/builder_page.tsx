import { useContext } from "preact/hooks";
import type { DataSourceRow, SchemaColumnRow } from "../../db/queries/data_sources.ts";
import { CsrfField, FieldError, type FieldErrors } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";

export interface BuilderPageProps {
  row: DataSourceRow;
  tables: string[];
  table: string | null;
  columns: SchemaColumnRow[];
  errors?: FieldErrors;
}

const FNS = ["count", "count_distinct", "sum", "avg", "min", "max"];
const OPS: [string, string][] = [["eq", "="], ["ne", "≠"], ["gt", ">"], ["gte", "≥"], ["lt", "<"], ["lte", "≤"]];

function ColumnSelect({ name, label, columns, empty }: {
  name: string;
  label: string;
  columns: SchemaColumnRow[];
  empty: string;
}) {
  return (
    <label>
      {label}
      <select name={name}>
        <option value="">{empty}</option>
        {columns.map((c) => <option key={c.column_name} value={c.column_name}>{c.column_name} ({c.data_type})</option>)}
      </select>
    </label>
  );
}

/**
 * The visual query builder: pick a table (a plain GET, so it works without JavaScript), then dimensions, measures, a
 * filter, sort and limit from its introspected columns; "Build" opens the query editor with the generated SQL.
 */
export function BuilderPage({ row, tables, table, columns, errors = {} }: BuilderPageProps) {
  const { csrfToken } = useContext(PageContext);
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
                <ColumnSelect name={`dimensions.${i}.column`} label="Column" columns={columns} empty="—" />
                <label>
                  Time grain
                  <select name={`dimensions.${i}.grain`}>
                    <option value="">none</option>
                    {["day", "week", "month"].map((g) => <option key={g} value={g}>{g}</option>)}
                  </select>
                </label>
                <FieldError name={`dimensions.${i}.grain`} errors={errors} />
              </div>
            ))}
          </fieldset>
          <fieldset>
            <legend>Measures</legend>
            {[0, 1].map((i) => (
              <div class="grid" key={i}>
                <label>
                  Function
                  <select name={`measures.${i}.fn`}>
                    <option value="">—</option>
                    {FNS.map((f) => <option key={f} value={f}>{f.replace("_", " ")}</option>)}
                  </select>
                </label>
                <ColumnSelect name={`measures.${i}.column`} label="Of" columns={columns} empty="(rows, for count)" />
              </div>
            ))}
            <FieldError name="measures" errors={errors} />
          </fieldset>
          <fieldset>
            <legend>Filter (its value is a parameter of the saved query)</legend>
            <div class="grid">
              <ColumnSelect name="filters.0.column" label="Column" columns={columns} empty="no filter" />
              <label>
                Is
                <select name="filters.0.op">
                  {OPS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
                </select>
              </label>
            </div>
          </fieldset>
          <div class="grid">
            <label>
              Sort by output column
              <input type="number" name="sort.output" min="1" max="20" />
            </label>
            <FieldError name="sort.output" errors={errors} />
            <label>
              Direction
              <select name="sort.direction">
                <option value="desc">descending</option>
                <option value="asc">ascending</option>
              </select>
            </label>
            <label>
              Limit
              <input type="number" name="limit" min="1" max="10000" value="1000" />
            </label>
          </div>
          <button type="submit">Build</button>
        </form>
      )}
    </Layout>
  );
}
