/** /search: the nav's search box lands here; results grouped by kind, each a link. */
import type { z } from "@hono/zod-openapi";
import type { SearchResultSchema } from "../../services/search/search.ts";
import { Layout } from "../layouts/layout.tsx";

const KIND_LABEL = {
  project: "Projects",
  check: "Checks",
  client: "Clients",
  deployment: "Deployments",
  alert: "Alerts",
};

export function SearchPage({ q, result, error }: {
  q: string;
  result: z.infer<typeof SearchResultSchema> | null;
  error?: string;
}) {
  const kinds = Object.keys(KIND_LABEL) as (keyof typeof KIND_LABEL)[];
  return (
    <Layout title="Search">
      <h1>Search</h1>
      <form method="get" action="/search" role="search">
        <input
          type="search"
          id="global-search-q"
          name="q"
          value={q}
          aria-label="Search projects, checks, clients, deployments and alerts"
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? "q-error" : undefined}
          maxLength={200}
        />
        {error && <small id="q-error" class="field-error">{error}</small>}
      </form>
      {result && result.data.length === 0 && <p class="empty-state">Nothing matches “{q}”.</p>}
      {result && kinds.map((kind) => {
        const hits = result.data.filter((h) => h.kind === kind);
        return hits.length > 0 && (
          <section key={kind} aria-labelledby={`search-${kind}`}>
            <h2 id={`search-${kind}`}>{KIND_LABEL[kind]}</h2>
            <ul>
              {hits.map((h) => (
                <li key={h.id}>
                  <a href={h.path}>{h.label}</a> {h.detail && <small class="muted">{h.detail}</small>}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </Layout>
  );
}
