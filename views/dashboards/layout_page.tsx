import { Csrf } from "./_csrf.tsx";
import type { WidgetRow } from "../../db/queries/dashboards.ts";
import type { FieldErrors } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";

/** Positions as numbers: the keyboard and no-JS way to move and resize (columns 0–11, width 1–12). */
export function LayoutPage(
  { dashboardId, name, widgets, errors }: {
    dashboardId: string;
    name: string;
    widgets: WidgetRow[];
    errors?: FieldErrors;
  },
) {
  const cell = (w: WidgetRow, i: number, key: "x" | "y" | "w" | "h", value: number, min: number, max: number) => {
    const path = `positions.${i}.position.${key}`;
    return (
      <td>
        <input
          type="number"
          name={`${key}.${w.id}`}
          value={String(value)}
          min={min}
          max={max}
          aria-label={`${w.title}: ${key}`}
          aria-invalid={errors?.[path] ? "true" : undefined}
        />
        {errors?.[path] && <small class="field-error">{errors[path]}</small>}
      </td>
    );
  };
  return (
    <Layout title={`Arrange ${name}`}>
      <hgroup>
        <h1>Arrange widgets</h1>
        <p>
          <a href={`/dashboards/${dashboardId}`}>{name}</a>: 12 columns; x is the column (0–11), w the width. Tiles that
          overlap move down.
        </p>
      </hgroup>
      <form method="post" action={`/dashboards/${dashboardId}/layout`}>
        <Csrf />
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Widget</th>
                <th scope="col">x</th>
                <th scope="col">y</th>
                <th scope="col">w</th>
                <th scope="col">h</th>
                <th scope="col">Remove</th>
              </tr>
            </thead>
            <tbody>
              {widgets.map((w, i) => (
                <tr key={w.id}>
                  <th scope="row">{w.title}</th>
                  {cell(w, i, "x", w.pos_x, 0, 11)}
                  {cell(w, i, "y", w.pos_y, 0, 10000)}
                  {cell(w, i, "w", w.pos_w, 1, 12)}
                  {cell(w, i, "h", w.pos_h, 1, 24)}
                  <td>
                    <input type="checkbox" name="remove" value={w.id} aria-label={`Remove ${w.title}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <button type="submit">Save layout</button>
      </form>
    </Layout>
  );
}
