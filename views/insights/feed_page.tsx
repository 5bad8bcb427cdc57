/** /insights/feed: audits and events as one timeline, filterable by source, type and project. */
import type { FeedQuery } from "../../services/insights/schemas.ts";
import { Layout } from "../layouts/layout.tsx";

export interface FeedEntry {
  source: "audit" | "event";
  id: string;
  at: string;
  type: string;
  description: string;
  link: string | null;
}

export function FeedPage({ entries, query }: { entries: FeedEntry[]; query: FeedQuery }) {
  return (
    <Layout title="Activity feed">
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/insights">Insights</a>
          </li>
          <li>Activity feed</li>
        </ul>
      </nav>
      <h1>Activity feed</h1>
      <form method="get" action="/insights/feed" class="deployment-filters">
        <label>
          Show
          <select name="source">
            {(["all", "audit", "event"] as const).map((s) => (
              <option key={s} value={s} selected={s === query.source}>
                {s === "all" ? "Changes and events" : s === "audit" ? "Changes (audit)" : "Events"}
              </option>
            ))}
          </select>
        </label>
        <label>
          Type starts with
          <input name="type" value={query.type ?? ""} placeholder="alert." />
        </label>
        <button type="submit">Filter</button>
      </form>
      {entries.length === 0 ? <p class="muted">Nothing yet.</p> : (
        <ol class="activity-feed">
          {entries.map((e) => (
            <li key={`${e.source}:${e.id}`}>
              <time datetime={e.at}>{e.at.slice(0, 16).replace("T", " ")}</time>{" "}
              <span class="badge badge-closed">{e.source}</span>{" "}
              {e.link ? <a href={e.link}>{e.description}</a> : e.description}
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
}
