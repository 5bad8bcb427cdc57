import { text, type WidgetKind } from "../kind.ts";

export const table: WidgetKind = {
  label: "Table",
  expects: "any columns",
  render(data) {
    return (
      <div class="table-wrap">
        <table class="striped widget-table">
          <thead>
            <tr>{data.columns.map((c) => <th scope="col" key={c}>{c}</th>)}</tr>
          </thead>
          <tbody>
            {data.rows.map((r, i) => <tr key={i}>{r.map((c, j) => <td key={j}>{text(c)}</td>)}</tr>)}
          </tbody>
        </table>
      </div>
    );
  },
};
