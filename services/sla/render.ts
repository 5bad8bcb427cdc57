/** The SLA report as a PDF (pdfkit, its built-in Helvetica: no font files to ship) and as CSV. */
import { csvLine } from "../audits/export.ts";
import { pdfBytes } from "../platform/pdf.ts";
import type { SlaSummary } from "./compute.ts";

const pct = (v: number | null) => v === null ? "no data" : `${v.toFixed(3)} %`;

export function slaPdf(s: SlaSummary, clientName: string): Promise<Uint8Array> {
  const options = { size: "A4", margin: 50, info: { Title: `SLA report ${clientName} ${s.month}` } };
  return pdfBytes(options, (doc) => {
    doc.fontSize(18).text(`Service level report: ${clientName}`);
    doc.fontSize(11).text(`${s.month} (${s.timezone}), ${s.from} to ${s.to}`).moveDown();
    doc.fontSize(13).text(`Breaches: ${s.breaches}    Credit due: ${s.credit_percent} %`).moveDown();
    doc.fontSize(14).text("Uptime and response time").moveDown(0.3);
    for (const t of s.targets) {
      doc.fontSize(11).text(`${t.project} (${t.sow}): ${t.scope}`, { continued: false });
      doc.fontSize(10).text(
        `Uptime ${pct(t.uptime_percent)} against ${t.target_percent} %${t.breached ? " BREACHED" : ""}; ` +
          `error budget used ${t.error_budget_used_percent === null ? "n/a" : `${t.error_budget_used_percent} %`}; ` +
          `${t.excluded_hours} h of maintenance excluded; credit ${t.credit_percent} %`,
      );
      if (t.p95_target_ms !== null || t.p95_ms !== null) {
        doc.text(
          `Response time p95 ${t.p95_ms ?? "n/a"} ms${
            t.p95_target_ms === null ? "" : ` against ${t.p95_target_ms} ms`
          }` +
            `${t.p95_breached ? " BREACHED" : ""}`,
        );
      }
      if (t.change_requests) {
        const c = t.change_requests;
        doc.text(
          `Change requests: ${c.total}; first response within target ${c.first_response_within}; ` +
            `resolved within target ${c.resolved_within}`,
        );
      }
      doc.moveDown(0.5);
    }
    doc.moveDown().fontSize(14).text("Incidents").moveDown(0.3).fontSize(10);
    if (!s.incidents.length) doc.text("None.");
    for (const i of s.incidents) doc.text(`${i.started_at}  ${i.title} (${i.impact}): ${i.minutes} min`);
    doc.moveDown().fontSize(14).text("Deployments").moveDown(0.3).fontSize(10);
    doc.text(`${s.deployments.total} deployments, ${s.deployments.failed} failed or rolled back.`);
  });
}

/** A summary value as a CSV cell (csvLine quotes it and neutralises formula-like text). */
const cell = (v: unknown) => v === null || v === undefined ? null : typeof v === "number" ? v : String(v);

export function slaCsv(s: SlaSummary): string {
  const rows: unknown[][] = [[
    "month",
    "project",
    "sow",
    "scope",
    "target_percent",
    "uptime_percent",
    "maintenance_hours_excluded",
    "error_budget_used_percent",
    "breached",
    "credit_percent",
    "p95_ms",
    "p95_target_ms",
    "change_requests",
    "first_response_within_target",
    "resolved_within_target",
  ]];
  for (const t of s.targets) {
    rows.push([
      s.month,
      t.project,
      t.sow,
      t.scope,
      t.target_percent,
      t.uptime_percent,
      t.excluded_hours,
      t.error_budget_used_percent,
      t.breached,
      t.credit_percent,
      t.p95_ms,
      t.p95_target_ms,
      t.change_requests?.total ?? "",
      t.change_requests?.first_response_within ?? "",
      t.change_requests?.resolved_within ?? "",
    ]);
  }
  return rows.map((r) => csvLine(r.map(cell))).join("");
}
