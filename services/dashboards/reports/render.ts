/**
 * A report's content, whatever the format: the dashboard as its author sees
 * it (their client limits apply) under the report's filters, each widget's
 * rows or its error. The formats (formats/) turn this into a file.
 */
import type { Sql } from "../../../db/client.ts";
import { findActivePrincipalById } from "../../../db/queries/auth.ts";
import * as dq from "../../../db/queries/dashboards.ts";
import type { ReportRow } from "../../../db/queries/reports.ts";
import { withTenant } from "../../../db/tenant.ts";
import { toPrincipal } from "../../auth/sessions.ts";
import { NotFoundError } from "../../platform/errors.ts";
import { loadDashboard } from "../access.ts";
import { type DataDeps, widgetData } from "../data/widget_data.ts";
import { rangeOf, savedFilters } from "../filters.ts";
import type { ReportContent } from "./formats/content.ts";
import { csvFile } from "./formats/csv.ts";
import { excelFile } from "./formats/excel.ts";
import { pdfFile } from "./formats/pdf.ts";

export interface ReportFile {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export async function reportContent(sql: Sql, report: ReportRow, deps: DataDeps): Promise<ReportContent> {
  const row = report.created_by
    ? await withTenant(sql, report.tenant_id, (tx) => findActivePrincipalById(tx, report.tenant_id, report.created_by!))
    : undefined;
  if (!row) throw new NotFoundError("The report's author is no longer active");
  const principal = toPrincipal(row, "user");
  const { dashboard, widgets } = await withTenant(sql, report.tenant_id, async (tx) => ({
    dashboard: await loadDashboard(tx, principal, report.dashboard_id, "view"),
    widgets: await dq.listWidgets(tx, report.tenant_id, report.dashboard_id),
  }));
  const filters = savedFilters(Object.keys(report.filters).length > 0 ? report.filters : dashboard.filters);
  const now = deps.now();
  const items = [];
  for (const w of widgets) {
    const data = await widgetData(sql, { principal }, w, filters, deps).catch((error: Error) => ({
      error: error.message,
    }));
    items.push({ title: w.title, type: w.type, data });
  }
  return { title: dashboard.name, filters, ...rangeOf(filters, now), generatedAt: now, widgets: items };
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "report";

export async function renderReport(format: ReportRow["format"], content: ReportContent): Promise<ReportFile> {
  const base = `${slug(content.title)}-${content.generatedAt.toISOString().slice(0, 10)}`;
  switch (format) {
    case "pdf":
      return { filename: `${base}.pdf`, contentType: "application/pdf", content: await pdfFile(content) };
    case "excel":
      return {
        filename: `${base}.xlsx`,
        contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        content: await excelFile(content),
      };
    case "csv": {
      const file = csvFile(content);
      return {
        contentType: file.contentType,
        content: file.content,
        filename: `${base}.${file.single ? "csv" : "zip"}`,
      };
    }
  }
}
