import type { DataModelRow } from "../../db/queries/data_models.ts";
import { timeIn } from "../components/time.tsx";
import { Layout } from "../layouts/layout.tsx";

/** The tenant's data models; each opens in the builder. */
export function ModelsPage({ rows, sourceNames, timeZone, canWrite }: {
  rows: DataModelRow[];
  sourceNames: Map<string, string>;
  timeZone: string | null;
  canWrite: boolean;
}) {
  return (
    <Layout title="Data models">
      <hgroup>
        <h1>Data models</h1>
        <p>
          Tables joined once, with calculated fields, to build queries from on your{" "}
          <a href="/data-sources">data sources</a>.
        </p>
      </hgroup>
      {canWrite && (
        <p>
          <a href="/data-models/new" role="button">New model</a>
        </p>
      )}
      {rows.length === 0 ? <p class="empty-state">No data models yet.</p> : (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Source</th>
                <th scope="col">Tables</th>
                <th scope="col">Changed</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.id}>
                  <td>
                    <a href={`/data-models/${m.id}`}>{m.name}</a>
                  </td>
                  <td>{sourceNames.get(m.data_source_id) ?? "—"}</td>
                  <td>{m.tables.length}</td>
                  <td>{timeIn(m.updated_at, timeZone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
