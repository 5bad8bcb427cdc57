/**
 * Excel: a cover sheet (title, filters, range, generated at) and one sheet per
 * widget with its rows (write-excel-file). Text that a spreadsheet would run
 * as a formula gets a leading '; numbers stay numbers.
 */
import type { ReportContent } from "./content.ts";
import { filtersLine, safeCell, safeText } from "./cells.ts";

type SheetRow = ({ value: string | number; type?: typeof String | typeof Number; fontWeight?: "bold" } | null)[];

/** Excel's rules: at most 31 characters, none of []:*?/\, unique (case-insensitive). */
function sheetNames(titles: string[]): string[] {
  const used = new Set<string>(["report"]);
  return titles.map((t, i) => {
    let name = t.replace(/[[\]:*?/\\]/g, " ").replace(/^'+|'+$/g, "").trim().slice(0, 28) || `Widget ${i + 1}`;
    if (used.has(name.toLowerCase())) name = `${name.slice(0, 25)} (${i + 1})`;
    used.add(name.toLowerCase());
    return name;
  });
}

const text = (value: string, bold = false) => ({
  value: safeText(value),
  type: String,
  ...(bold ? { fontWeight: "bold" as const } : {}),
});

export async function excelFile(content: ReportContent): Promise<Uint8Array> {
  const names = sheetNames(content.widgets.map((w) => w.title));
  const cover: SheetRow[] = [
    [text(content.title, true)],
    [text("Filters"), text(filtersLine(content.filters))],
    [text("From"), text(content.from.toISOString())],
    [text("To"), text(content.to.toISOString())],
    [text("Generated at"), text(content.generatedAt.toISOString())],
    [],
    [text("Sheet", true), text("Widget", true)],
    ...content.widgets.map((w, i) => [text(names[i]), text(w.title)]),
  ];
  const sheets = content.widgets.map((w, i) => {
    const rows: SheetRow[] = "error" in w.data ? [[text(w.title, true)], [text(`Error: ${w.data.error}`)]] : [
      [text(w.title, true)],
      w.data.columns.map((c) => text(c, true)),
      ...w.data.rows.map((r) =>
        r.map((v) => {
          const safe = safeCell(v);
          return safe === null ? null : typeof safe === "number" ? { value: safe, type: Number } : text(safe);
        })
      ),
    ];
    return { data: rows, sheet: names[i] };
  });
  // Loaded on the first workbook, not by every process that imports the app.
  const { default: writeXlsxFile } = await import("write-excel-file/universal");
  const blob = await writeXlsxFile([{ data: cover, sheet: "Report" }, ...sheets] as never).toBlob();
  return new Uint8Array(await blob.arrayBuffer());
}
