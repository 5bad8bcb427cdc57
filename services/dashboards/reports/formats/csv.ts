/** CSV: one file for a single widget, else one CSV per widget in a zip (fflate). Formula-like text neutralised. */
import { strToU8, zipSync } from "fflate";
import { csvCell } from "../../../audits/export.ts";
import type { ReportContent } from "./content.ts";
import type { Cell } from "./cells.ts";

function toCsv(data: ReportContent["widgets"][number]["data"]): string {
  if ("error" in data) return `error\r\n${csvCell(data.error)}\r\n`;
  // csvCell neutralises formula-like text; numbers are written as numbers
  const cell = (v: Cell) => v === null ? "" : typeof v === "number" ? String(v) : csvCell(v);
  return [data.columns.map((c) => csvCell(c)), ...data.rows.map((r) => r.map(cell))]
    .map((line) => line.join(",")).join("\r\n") + "\r\n";
}

export function csvFile(content: ReportContent): { contentType: string; content: Uint8Array; single: boolean } {
  if (content.widgets.length === 1) {
    return { contentType: "text/csv; charset=utf-8", content: strToU8(toCsv(content.widgets[0].data)), single: true };
  }
  const files: Record<string, Uint8Array> = {};
  content.widgets.forEach((w, i) => {
    const name = `${String(i + 1).padStart(2, "0")}-${
      w.title.replace(/[^A-Za-z0-9 _-]+/g, "").trim().slice(0, 60) || "widget"
    }.csv`;
    files[name] = strToU8(toCsv(w.data));
  });
  return { contentType: "application/zip", content: zipSync(files), single: false };
}
