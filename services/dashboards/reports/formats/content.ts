/** What every report format renders: the dashboard's widgets with their data, under its filters and range. */
import type { Dataset, Filters } from "../../schemas.ts";

export interface ReportContent {
  title: string;
  filters: Filters;
  from: Date;
  to: Date;
  generatedAt: Date;
  widgets: { title: string; type: string; data: Dataset | { error: string } }[];
}
