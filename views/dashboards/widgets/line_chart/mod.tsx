import { LineChart } from "../../../components/svg_chart.tsx";
import { numericColumns, text, type WidgetKind } from "../kind.ts";

export const lineChart: WidgetKind = {
  label: "Line chart",
  expects: "a category (time) column, then one or more number columns",
  render(data, title) {
    const series = numericColumns(data).map((i) => ({
      label: data.columns[i],
      values: data.rows.map((r) => typeof r[i] === "number" ? r[i] as number : null),
    }));
    return (
      <LineChart
        categories={data.rows.map((r) => text(r[0]))}
        series={series}
        summary={`${title}: ${data.rows.length} points of ${series.map((s) => s.label).join(", ")}`}
      />
    );
  },
};
