import { PieChart } from "../../../components/svg_chart.tsx";
import { numericColumns, text, type WidgetKind } from "../kind.ts";

export const pieChart: WidgetKind = {
  label: "Pie chart",
  expects: "a label column and a number column",
  render(data, title) {
    const value = numericColumns(data)[0];
    const slices = data.rows.map((r) => ({
      label: text(r[0]),
      value: value === undefined ? 0 : Number(r[value] ?? 0),
    }));
    return <PieChart slices={slices} summary={`${title}: ${slices.map((s) => `${s.label} ${s.value}`).join(", ")}`} />;
  },
};
