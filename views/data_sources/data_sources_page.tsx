import type { DataSourceRow } from "../../db/queries/data_sources.ts";
import type { FieldErrors } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { timeIn } from "../components/time.tsx";
import { KIND_LABELS, SourceForm, type SourceFormValues } from "./_source_form.tsx";
import type { SettingField } from "../../services/data_sources/kinds/settings_fields.ts";

export interface DataSourcesPageProps {
  rows: DataSourceRow[];
  timeZone: string | null;
  canWrite: boolean;
  /** The kind the add form is for, its settings, and whether it can be tested before it is saved. */
  form: { kind: string; kinds: string[]; fields: SettingField[]; testable: boolean };
  values?: SourceFormValues;
  errors?: FieldErrors;
  /** "Test connection" without JavaScript: its outcome. */
  tested?: { ok: boolean; message: string };
}

/** The organisation's data sources and, for those who may, the form to add one. */
export function DataSourcesPage({ rows, timeZone, canWrite, form, values, errors, tested }: DataSourcesPageProps) {
  return (
    <Layout title="Data sources">
      <hgroup>
        <h1>Data sources</h1>
        <p>
          Your own databases, read with read-only queries. <a href="/queries">Saved queries</a>
          {" · "}
          <a href="/data-models">Data models</a>
        </p>
      </hgroup>
      {rows.length === 0 ? <p class="empty-state">No data sources yet.</p> : (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Schema read</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>
                    <a href={`/data-sources/${row.id}`}>{row.name}</a>
                  </td>
                  <td>{row.kind}</td>
                  <td>{row.status}</td>
                  <td>{timeIn(row.last_sync, timeZone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canWrite && (
        <section id="add">
          <h2>Add a data source</h2>
          <form method="get" action="/data-sources#add" class="inline-form">
            <label>
              Kind{" "}
              <select
                name="kind"
                hx-get="/data-sources"
                hx-trigger="change"
                hx-target="#source-form"
                hx-select="#source-form"
                hx-swap="outerHTML"
                hx-push-url="true"
              >
                {form.kinds.map((k) => (
                  <option key={k} value={k} selected={k === form.kind}>{KIND_LABELS[k] ?? k}</option>
                ))}
              </select>
            </label>{" "}
            <button type="submit" class="outline">Show its settings</button>
          </form>
          <p>
            <small>
              Give a database source a login that may only read. Queries run in a read-only transaction with a statement
              timeout and a row limit either way. A CSV file is uploaded once the source is added.
            </small>
          </p>
          <SourceForm
            action="/data-sources"
            kind={form.kind}
            fields={form.fields}
            values={values}
            errors={errors}
            editing={false}
            testable={form.testable}
            tested={tested}
          />
        </section>
      )}
    </Layout>
  );
}
