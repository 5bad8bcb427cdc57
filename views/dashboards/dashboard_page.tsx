import { Csrf } from "./_csrf.tsx";
import type { WidgetRow } from "../../db/queries/dashboards.ts";
import type { LoadedDashboard } from "../../services/dashboards/access.ts";
import { BUILTIN_LABELS } from "../../services/dashboards/data/builtin.ts";
import { BUILTIN_QUERIES, type Filters, WIDGET_TYPES } from "../../services/dashboards/schemas.ts";
import type { FieldErrors } from "../components/form_field.tsx";
import { FieldError, FormField, invalid } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { FilterBar, type ProjectOption } from "./_filters.tsx";
import { WidgetTile } from "./_widget.tsx";
import { WIDGET_KINDS } from "./widgets/registry.ts";

export interface DashboardPageProps {
  dashboard: LoadedDashboard;
  widgets: WidgetRow[];
  filters: Filters;
  query: string;
  projects: ProjectOption[] | null;
  savedQueries: { id: string; name: string }[];
  views30d: number | null;
  canEdit: boolean;
  canShare: boolean;
  values?: Record<string, string>;
  errors?: FieldErrors;
  error?: string;
}

export const DASHBOARD_HEAD = (
  <>
    <link rel="stylesheet" href="/static/vendor/gridstack/gridstack.min.css" />
    <link rel="stylesheet" href="/static/css/dashboards.css" />
    <script src="/static/vendor/gridstack/gridstack-all.js" defer></script>
    <script src="/static/js/dashboards.js" defer></script>
  </>
);

export function DashboardGrid(
  { dashboardId, widgets, query, refreshSeconds, editable }: {
    dashboardId: string;
    widgets: WidgetRow[];
    query: string;
    refreshSeconds: number;
    editable: boolean;
  },
) {
  return (
    <div class="dash-grid" data-dashboard={dashboardId} data-editable={editable ? "true" : undefined}>
      {widgets.map((w) => (
        <WidgetTile key={w.id} widget={w} dashboardId={dashboardId} query={query} refreshSeconds={refreshSeconds} />
      ))}
    </div>
  );
}

/** One dashboard: filters, the grid (each widget its own request), and for editors the widget form. */
export function DashboardPage(props: DashboardPageProps) {
  const { dashboard: d, widgets, filters, query, canEdit, canShare, values, errors, error } = props;
  return (
    <Layout title={d.name} head={DASHBOARD_HEAD}>
      <hgroup>
        <h1>{d.name}</h1>
        <p>
          {d.description}
          {d.tags.length > 0 && <small class="muted">{` · ${d.tags.join(", ")}`}</small>}
        </p>
      </hgroup>
      <nav aria-label="Dashboard" class="dash-actions">
        <ul>
          {canEdit && (
            <li>
              <a href={`/dashboards/${d.id}/layout`}>Arrange widgets</a>
            </li>
          )}
          {canShare && (
            <li>
              <a href={`/dashboards/${d.id}/share`}>Share</a>
            </li>
          )}
          <li>
            <a href={`/dashboards/${d.id}/versions`}>Versions (v{d.version})</a>
          </li>
          <li>
            <a href={`/dashboards/${d.id}/reports`}>Reports</a>
          </li>
          <li>
            <a href={`/api/v1/dashboards/${d.id}/export`} download>Export JSON</a>
          </li>
          {props.views30d !== null && (
            <li>
              <small class="muted">{props.views30d} views in 30 days</small>
            </li>
          )}
        </ul>
      </nav>
      <FilterBar action={`/dashboards/${d.id}`} filters={filters} projects={props.projects} />
      {widgets.length === 0 ? <p class="empty-state">No widgets yet.</p> : (
        <DashboardGrid
          dashboardId={d.id}
          widgets={widgets}
          query={query}
          refreshSeconds={d.refresh_seconds}
          editable={canEdit}
        />
      )}
      {canEdit && (
        <section id="add-widget">
          <h2>Add a widget</h2>
          {error && <p class="field-error" role="alert">{error}</p>}
          <form method="post" action={`/dashboards/${d.id}/widgets`}>
            <Csrf />
            <FormField name="title" label="Title" value={values?.title} errors={errors} required maxLength={200} />
            <label>
              Kind
              <select name="type" {...invalid("type", errors)}>
                {WIDGET_TYPES.map((t) => (
                  <option key={t} value={t} selected={values?.type === t}>{WIDGET_KINDS[t].label}</option>
                ))}
              </select>
              <FieldError name="type" errors={errors} />
            </label>
            <label>
              Data
              <select name="source" {...invalid("saved_query_id", errors)}>
                <optgroup label="Opsdeck">
                  {BUILTIN_QUERIES.map((q) => (
                    <option key={q} value={q} selected={values?.source === q}>{BUILTIN_LABELS[q]}</option>
                  ))}
                </optgroup>
                {props.savedQueries.length > 0 && (
                  <optgroup label="Saved queries">
                    {props.savedQueries.map((q) => (
                      <option key={q.id} value={`saved:${q.id}`} selected={values?.source === `saved:${q.id}`}>
                        {q.name}
                      </option>
                    ))}
                  </optgroup>
                )}
              </select>
              <FieldError name="saved_query_id" errors={errors} />
            </label>
            <FormField
              name="metric"
              label="Metric name (for “a metric over time”)"
              value={values?.metric}
              errors={errors}
              maxLength={100}
            />
            <FieldError name="widgets" errors={errors} />
            <button type="submit">Add widget</button>
          </form>
        </section>
      )}
    </Layout>
  );
}
