import { numericColumns, text, type WidgetKind } from "../kind.ts";

/** Uptime per row as a percentage bar. */
export const uptime: WidgetKind = {
  label: "Uptime",
  expects: "a name column and a percentage column",
  render(data) {
    const i = numericColumns(data)[0];
    return (
      <ul class="widget-uptime">
        {data.rows.map((r, k) => {
          const pct = i === undefined || r[i] === null ? null : Number(r[i]);
          return (
            <li key={k}>
              <span>{text(r[0])}</span>
              <meter min={0} max={100} low={99} optimum={100} value={pct ?? 0} />
              <strong>{pct === null ? "—" : `${pct.toFixed(2)}%`}</strong>
            </li>
          );
        })}
      </ul>
    );
  },
};
