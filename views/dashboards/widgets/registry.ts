/** Widget type → its kind. The record type makes a type without a kind (or the reverse) a compile error. */
import type { WidgetType } from "../../../services/dashboards/schemas.ts";
import type { WidgetKind } from "./kind.ts";
import { lineChart } from "./line_chart/mod.tsx";
import { barChart } from "./bar_chart/mod.tsx";
import { pieChart } from "./pie_chart/mod.tsx";
import { table } from "./table/mod.tsx";
import { metricCard } from "./metric_card/mod.tsx";
import { checkStatus } from "./check_status/mod.tsx";
import { uptime } from "./uptime/mod.tsx";

export const WIDGET_KINDS: Record<WidgetType, WidgetKind> = {
  line_chart: lineChart,
  bar_chart: barChart,
  pie_chart: pieChart,
  table: table,
  metric_card: metricCard,
  check_status: checkStatus,
  uptime: uptime,
};
