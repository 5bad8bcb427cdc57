import type { WidgetRow } from "../../db/queries/dashboards.ts";
import type { Dataset, WidgetType } from "../../services/dashboards/schemas.ts";
import { WIDGET_KINDS } from "./widgets/registry.ts";

/** A widget's body: its drawing, "no data", or its own error (the rest of the dashboard is not held up). */
export function WidgetBody({ widget, data }: { widget: WidgetRow; data: Dataset | { error: string } }) {
  if ("error" in data) return <p class="widget-error" role="alert">{data.error}</p>;
  if (data.rows.length === 0) return <p class="muted widget-empty">No data in this range.</p>;
  return WIDGET_KINDS[widget.type as WidgetType].render(data, widget.title);
}

/** One tile: its title and a body that loads by its own request (and refreshes on the dashboard's interval). */
export function WidgetTile(
  { widget, dashboardId, query, refreshSeconds, body }: {
    widget: WidgetRow;
    dashboardId: string;
    query: string;
    refreshSeconds: number;
    /** Rendered in place (public link, export): no request of its own. */
    body?: Dataset | { error: string };
  },
) {
  const src = `/dashboards/${dashboardId}/widgets/${widget.id}?${query}`;
  return (
    <div
      class="grid-stack-item dash-tile"
      gs-id={widget.id}
      gs-x={String(widget.pos_x)}
      gs-y={String(widget.pos_y)}
      gs-w={String(widget.pos_w)}
      gs-h={String(widget.pos_h)}
      style={`grid-column: ${widget.pos_x + 1} / span ${widget.pos_w}; grid-row: ${
        widget.pos_y + 1
      } / span ${widget.pos_h}`}
    >
      <article class="grid-stack-item-content widget" aria-labelledby={`w-${widget.id}`}>
        <header>
          <h2 id={`w-${widget.id}`} class="widget-title">{widget.title}</h2>
        </header>
        {body
          ? (
            <div class="widget-body">
              <WidgetBody widget={widget} data={body} />
            </div>
          )
          : (
            <div
              class="widget-body"
              hx-get={src}
              hx-trigger={`load, every ${refreshSeconds}s`}
              hx-swap="innerHTML"
            >
              <p class="muted widget-loading" aria-busy="true">Loading…</p>
              <noscript>
                <a href={src}>Show this widget</a>
              </noscript>
            </div>
          )}
      </article>
    </div>
  );
}
