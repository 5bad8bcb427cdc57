import type { DataSourceRow } from "../../db/queries/data_sources.ts";
import { useContext } from "preact/hooks";
import { CsrfField, type FieldErrors } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";
import { Layout } from "../layouts/layout.tsx";
import { timeIn } from "../components/time.tsx";
import { SourceForm, type SourceFormValues } from "./_source_form.tsx";

export interface DataSourcesPageProps {
  rows: DataSourceRow[];
  timeZone: string | null;
  canWrite: boolean;
  values?: SourceFormValues;
  errors?: FieldErrors;
}

/** The organisation's data sources and, for those who may, the form to add one. */
export function DataSourcesPage({ rows, timeZone, canWrite, values, errors }: DataSourcesPageProps) {
  const { csrfToken } = useContext(PageContext);
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
        <section>
          <h2>Add a PostgreSQL source</h2>
          <p>
            <small>
              Give it a login that may only read. Queries run in a read-only transaction with a statement timeout and a
              row limit either way.
            </small>
          </p>
          <SourceForm action="/data-sources" values={values} errors={errors} editing={false} />
        </section>
      )}
      {canWrite && (
        <section>
          <h2>Add a CSV file</h2>
          <form method="post" action="/data-sources" class="inline-form">
            <CsrfField token={csrfToken} />
            <input type="hidden" name="kind" value="csv" />
            <label>
              Call it <input name="name" required maxLength={200} placeholder="Orders export" />
            </label>
            <button type="submit">Add, then upload the file</button>
          </form>
        </section>
      )}
    </Layout>
  );
}
