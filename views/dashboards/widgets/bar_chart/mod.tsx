import { PALETTE, StackedBars } from "../../../components/svg_chart.tsx";
import { numericColumns, text, type WidgetKind } from "../kind.ts";

export const barChart: WidgetKind = {
  label: "Bar chart",
  expects: "a category column, then one or more number columns (stacked)",
  render(data, title) {
    const categories = data.rows.map((r) => text(r[0]));
    const dates = categories.every((c) => /^\d{4}-\d\d-\d\d/.test(c));
    return (
      <StackedBars
        categories={categories}
        width={600}
        height={220}
        labelOf={dates ? (c) => c.slice(5, 10) : (c) => c.slice(0, 12)}
        series={numericColumns(data).map((i, k) => ({
          label: data.columns[i],
          values: data.rows.map((r) => typeof r[i] === "number" ? r[i] as number : 0),
          className: "",
          fill: PALETTE[k % PALETTE.length],
        }))}
        summary={`${title}: ${categories.length} bars`}
      />
    );
  },
};
