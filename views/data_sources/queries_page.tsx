import type { SavedQueryRow } from "../../db/queries/saved_queries.ts";
import { Layout } from "../layouts/layout.tsx";
import { timeIn } from "../components/time.tsx";

/** Saved queries the user may see: shared ones and their own. */
export function QueriesPage(
  { rows, sourceNames, timeZone, canWrite }: {
    rows: SavedQueryRow[];
    sourceNames: Map<string, string>;
    timeZone: string | null;
    canWrite: boolean;
  },
) {
  return (
    <Layout title="Saved queries">
      <hgroup>
        <h1>Saved queries</h1>
        <p>
          Shared queries and your own, on your <a href="/data-sources">data sources</a>.{" "}
          <a href="/queries/stats">Slowest and most run</a>
        </p>
      </hgroup>
      {canWrite && <a href="/queries/new" role="button">New query</a>}
      {rows.length === 0 ? <p class="empty-state">No saved queries yet.</p> : (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Source</th>
                <th scope="col">Shared</th>
                <th scope="col">Changed</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((q) => (
                <tr key={q.id}>
                  <td>
                    <a href={`/queries/${q.id}`}>{q.name}</a>
                  </td>
                  <td>{sourceNames.get(q.data_source_id) ?? "—"}</td>
                  <td>{q.is_public ? "yes" : "private"}</td>
                  <td>{timeIn(q.updated_at, timeZone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
