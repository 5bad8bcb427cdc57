/** /insights/activity (admins): product use per user over 30 days, and the latest events for a user or resource. */
import type { ActivityQuery } from "../../services/insights/schemas.ts";
import { Layout } from "../layouts/layout.tsx";

export interface ActivityView {
  summary: { user_id: string; user_label: string; events: number; sessions: number; last_at: string }[];
  recent: {
    user_id: string;
    session_id: string | null;
    activity_type: string;
    resource_type: string;
    resource_id: string | null;
    at: string;
  }[];
}

export function ActivityPage({ data, query }: { data: ActivityView; query: ActivityQuery }) {
  const labels = new Map(data.summary.map((s) => [s.user_id, s.user_label]));
  return (
    <Layout title="Product activity">
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/insights">Insights</a>
          </li>
          <li>Product activity</li>
        </ul>
      </nav>
      <h1>Product activity</h1>
      <p class="muted">
        Last 30 days{query.user_id && ` · one user`}
        {query.resource_type && ` · ${query.resource_type}`}
        {query.resource_id && ` ${query.resource_id}`}
        {(query.user_id || query.resource_type) && (
          <>
            {" · "}
            <a href="/insights/activity">everyone</a>
          </>
        )}
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Events</th>
              <th scope="col">Sessions</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {data.summary.map((s) => (
              <tr key={s.user_id}>
                <td>
                  <a href={`/insights/activity?user_id=${s.user_id}`}>{s.user_label}</a>
                </td>
                <td>{s.events}</td>
                <td>{s.sessions}</td>
                <td>{s.last_at.slice(0, 16).replace("T", " ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Latest</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">User</th>
              <th scope="col">What</th>
              <th scope="col">Resource</th>
            </tr>
          </thead>
          <tbody>
            {data.recent.map((r, i) => (
              <tr key={i}>
                <td>{r.at.slice(0, 19).replace("T", " ")}</td>
                <td>{labels.get(r.user_id) ?? r.user_id.slice(0, 8)}</td>
                <td>{r.activity_type.replace("_", " ")}</td>
                <td>
                  <a href={`/insights/activity?resource_type=${r.resource_type}`}>{r.resource_type}</a>
                  {r.resource_id && (
                    <>
                      {" "}
                      <a href={`/insights/activity?resource_type=${r.resource_type}&resource_id=${r.resource_id}`}>
                        {r.resource_id.slice(0, 8)}
                      </a>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
