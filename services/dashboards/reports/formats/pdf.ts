/**
 * PDF (pdfkit): title, filters, range and generated-at, then each widget with
 * its title; charts are the same server-rendered SVG as on the page, drawn as
 * vectors (svg-to-pdfkit), tables and figures as text. Everything is drawn as
 * text, so markup in a title is printed, never interpreted.
 */
import type SVGtoPDF from "svg-to-pdfkit";
import { pdfBytes, type PdfDoc } from "../../../platform/pdf.ts";
import { renderToString } from "preact-render-to-string";
import { WIDGET_KINDS } from "../../../../views/dashboards/widgets/registry.ts";
import type { WidgetType } from "../../schemas.ts";
import type { ReportContent } from "./content.ts";
import { filtersLine } from "./cells.ts";

const CHARTS = new Set(["line_chart", "bar_chart", "pie_chart"]);
const MAX_TABLE_ROWS = 40;

export async function pdfFile(content: ReportContent): Promise<Uint8Array> {
  const { default: svgToPdf } = await import("svg-to-pdfkit");
  return await pdfBytes(
    { size: "A4", margin: 40, info: { Title: content.title } },
    (doc) => draw(doc, content, svgToPdf),
  );
}

function draw(doc: PdfDoc, content: ReportContent, svgToPdf: typeof SVGtoPDF): void {
  const width = doc.page.width - 80;
  doc.font("Helvetica-Bold").fontSize(18).text(content.title);
  doc.font("Helvetica").fontSize(9).fillColor("#555")
    .text(`Filters: ${filtersLine(content.filters)}`)
    .text(`Range: ${content.from.toISOString()} to ${content.to.toISOString()}`)
    .text(`Generated at: ${content.generatedAt.toISOString()}`)
    .fillColor("#000").moveDown();
  for (const w of content.widgets) {
    const chartHeight = w.type === "pie_chart" ? 160 : 180;
    if (doc.y + chartHeight + 40 > doc.page.height - 40) doc.addPage();
    doc.font("Helvetica-Bold").fontSize(12).text(w.title).font("Helvetica").fontSize(9).moveDown(0.3);
    if ("error" in w.data) {
      doc.fillColor("#b00").text(`Not available: ${w.data.error}`).fillColor("#000").moveDown();
      continue;
    }
    if (w.data.rows.length === 0) {
      doc.text("No data in this range.").moveDown();
      continue;
    }
    if (CHARTS.has(w.type)) {
      const svg = renderToString(WIDGET_KINDS[w.type as WidgetType].render(w.data, w.title));
      svgToPdf(doc, svg, 40, doc.y, { width, height: chartHeight, preserveAspectRatio: "xMinYMin meet" });
      doc.y += chartHeight + 10;
      doc.x = 40;
    } else {
      const cols = w.data.columns.length;
      const colW = width / Math.max(1, cols);
      const line = (cells: string[], bold = false) => {
        const y = doc.y;
        doc.font(bold ? "Helvetica-Bold" : "Helvetica");
        cells.forEach((c, i) => doc.text(c, 40 + i * colW, y, { width: colW - 4, lineBreak: false, ellipsis: true }));
        doc.y = y + 12;
        doc.x = 40;
      };
      line(w.data.columns, true);
      for (const r of w.data.rows.slice(0, MAX_TABLE_ROWS)) {
        if (doc.y > doc.page.height - 60) doc.addPage();
        line(r.map((v) => (v === null ? "" : typeof v === "number" ? String(Math.round(v * 100) / 100) : v)));
      }
      if (w.data.rows.length > MAX_TABLE_ROWS) doc.text(`… ${w.data.rows.length - MAX_TABLE_ROWS} more rows`);
    }
    doc.moveDown();
  }
}
