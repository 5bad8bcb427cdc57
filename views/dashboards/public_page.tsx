import type { PublicView } from "../../services/dashboards/public_view.ts";
import { Layout } from "../layouts/layout.tsx";
import { FilterBar } from "./_filters.tsx";
import { WidgetTile } from "./_widget.tsx";
import { DASHBOARD_HEAD } from "./dashboard_page.tsx";

/** What a public link shows: the title and the widgets, nothing else of the tenant. */
export function PublicDashboardPage({ view, action, query }: { view: PublicView; action: string; query: string }) {
  const d = view.dashboard;
  return (
    <Layout title={d.name} head={DASHBOARD_HEAD}>
      <hgroup>
        <h1>{d.name}</h1>
        <p>{d.description}</p>
      </hgroup>
      <FilterBar action={action} filters={view.filters} projects={null} editable={d.public_editable} />
      <div class="dash-grid">
        {view.widgets.map((w) => (
          <WidgetTile
            key={w.id}
            widget={w}
            dashboardId={d.id}
            query={query}
            refreshSeconds={d.refresh_seconds}
            body={view.data.get(w.id) ?? { error: "No data" }}
          />
        ))}
      </div>
      <p>
        <small class="muted">Updated {view.generatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC</small>
      </p>
    </Layout>
  );
}
