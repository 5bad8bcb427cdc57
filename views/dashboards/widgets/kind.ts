/**
 * What a widget kind is: a folder here with a `mod.tsx` exporting a `WidgetKind`,
 * and one line in registry.ts. A kind draws a dataset (columns + rows) as
 * server-rendered markup or SVG; everything it prints is escaped by Preact.
 */
import type { VNode } from "preact";
import type { Dataset } from "../../../services/dashboards/schemas.ts";

export interface WidgetKind {
  label: string;
  /** What the rows should look like, for the widget form. */
  expects: string;
  render(data: Dataset, title: string): VNode;
}

export type Cell = Dataset["rows"][number][number];

/** Columns after the first whose values are all numbers (or empty). */
export function numericColumns(data: Dataset): number[] {
  return data.columns.map((_, i) => i).filter((i) =>
    i > 0 && data.rows.length > 0 && data.rows.every((r) => r[i] === null || typeof r[i] === "number")
  );
}

export const text = (c: Cell) => c === null ? "" : String(c);
