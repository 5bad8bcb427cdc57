import type { QueryStatRow } from "../../services/data_sources/query_stats.ts";
import { Layout } from "../layouts/layout.tsx";

/** Slowest or most-run queries of the last 7 days, from one metrics row per run. */
export function QueryStatsPage(
  { rows, order, names }: { rows: QueryStatRow[]; order: "slowest" | "most_run"; names: Map<string, string> },
) {
  return (
    <Layout title="Query performance">
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/queries">Saved queries</a>
          </li>
          <li>Performance</li>
        </ul>
      </nav>
      <h1>Query performance, last 7 days</h1>
      <nav class="tabs" aria-label="Order">
        <a href="/queries/stats" aria-current={order === "slowest" ? "page" : undefined}>Slowest</a>
        <a href="/queries/stats?order=most_run" aria-current={order === "most_run" ? "page" : undefined}>Most run</a>
      </nav>
      {rows.length === 0 ? <p class="empty-state">No queries have run in the last 7 days.</p> : (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Query</th>
                <th scope="col">Runs</th>
                <th scope="col">Failed</th>
                <th scope="col">p95 ms</th>
                <th scope="col">Max ms</th>
                <th scope="col">Rows</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.query_id}:${r.data_source_id}`}>
                  <td>
                    {r.query_id
                      ? <a href={`/queries/${r.query_id}`}>{names.get(r.query_id) ?? "(deleted or private)"}</a>
                      : <span>from the editor</span>}
                  </td>
                  <td>{r.runs}</td>
                  <td>{r.errors}</td>
                  <td>{r.p95_ms}</td>
                  <td>{r.max_ms}</td>
                  <td>{r.rows}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
