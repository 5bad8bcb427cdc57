import { numericColumns, type WidgetKind } from "../kind.ts";

/** One figure: the sum of the first number column (a count by status adds up; a series shows its last value). */
export const metricCard: WidgetKind = {
  label: "Metric card",
  expects: "a number column (summed), or a time series (its latest value)",
  render(data) {
    const i = numericColumns(data)[0] ?? (data.columns.length === 1 ? 0 : undefined);
    const values = i === undefined ? [] : data.rows.map((r) => r[i]).filter((v): v is number => typeof v === "number");
    const series = /bucket|time|date|day/i.test(data.columns[0] ?? "");
    const value = values.length === 0 ? null : series ? values[values.length - 1] : values.reduce((a, b) => a + b, 0);
    return (
      <p class="metric-value widget-figure">
        {value === null ? "—" : Number.isInteger(value) ? value : value.toFixed(2)}
        {i !== undefined && <small class="muted">{` ${data.columns[i]}`}</small>}
      </p>
    );
  },
};
