/**
 * Reports end to end: schedule rules (at most hourly, 500 recipients), the
 * worker renders PDF / Excel / CSV under a lease and queues one message per
 * recipient, the mail dispatcher delivers to a real SMTP server on 127.0.0.1,
 * and the attachments are read back: PDF text (unpdf) names every widget and
 * prints markup as text, the workbook has a sheet per widget with formula-like
 * cells neutralised, the CSV zip one file per widget.
 */
import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import { strFromU8, unzipSync } from "fflate";
import { extractText } from "unpdf";
import { createReportWorker } from "../../services/dashboards/reports/worker.ts";
import { createMailDispatcher } from "../../services/mail/dispatcher.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { silentLogger } from "../../services/platform/logger.ts";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { seedOpsData } from "../helpers/dashboards.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { startTestSmtp } from "../helpers/mail.ts";

let now = new Date("2026-03-10T12:00:00Z");
const smtp = await startTestSmtp();
const config = loadConfig({ OPSDECK_SECRET: TEST_SECRET, SMTP_URL: smtp.url, SMTP_FROM: "ops@example.com" });
const { app, db } = await createTestApp({ now: () => now, config });
const sql = db.sql;
const p = await genPersonas(sql);
const acme = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
await seedOpsData(sql, { tenantId: p.tenant.id, projectId: acme.id, label: "Acme", now });
const bg = { sql, config, logger: silentLogger, now: () => now, secret: TEST_SECRET, instanceId: "test" };
const worker = createReportWorker(bg);
const mailer = createMailDispatcher({ ...bg, random: () => 0 });

async function call(method: string, path: string, body?: unknown, headers = p.alice.bearer) {
  return await app.request(path, body === undefined ? { method, headers } : jsonRequest(method, body, headers));
}
async function json(method: string, path: string, body?: unknown, status = 200) {
  const res = await call(method, path, body);
  assertEquals(res.status, status, await res.clone().text());
  return await res.json();
}

const EVIL = `<script>alert(1)</script> Uptime`;
const dash = await json("POST", "/api/v1/dashboards", { name: "Weekly ops" }, 201);
for (
  const [type, query, title] of [
    ["line_chart", "uptime_daily", EVIL],
    ["bar_chart", "deployments_daily", "Deploys per day"],
    ["pie_chart", "checks_by_status", "Checks by status"],
    ["table", "check_list", "All checks"],
    ["metric_card", "checks_by_status", "Check count"],
  ]
) await json("POST", `/api/v1/dashboards/${dash.id}/widgets`, { type, query, title }, 201);
// a check name a spreadsheet would run as a formula
await sql`UPDATE health_checks SET name = '=HYPERLINK("http://evil.example","x")' WHERE name = 'Acme check 1'`;

/** Runs the worker and the mail dispatcher until `count` messages arrived; returns their raw text. */
async function deliver(count: number): Promise<string[]> {
  await worker.tick();
  await mailer.tick();
  const got: string[] = [];
  for (let i = 0; i < count; i++) got.push((await smtp.next()).raw);
  return got;
}

/** The first attachment of a raw MIME message, decoded. */
function attachment(raw: string): { filename: string; bytes: Uint8Array } {
  const part = raw.split(/\r?\n--/).find((p) => /Content-Disposition: attachment/i.test(p))!;
  const filename = part.match(/filename="?([^"\r\n;]+)/i)![1];
  const body = part.split(/\r?\n\r?\n/).slice(1).join("").replace(/[\r\n]/g, "").replace(/--.*$/, "");
  return { filename, bytes: Uint8Array.from(atob(body), (c) => c.charCodeAt(0)) };
}

Deno.test("reports", async (t) => {
  try {
    await t.step("bad schedules and recipient lists are 422s naming the field; nothing stored", async () => {
      const base = {
        dashboard_id: dash.id,
        name: "R",
        format: "pdf",
        recipients: ["a@example.com"],
        cron: "0 8 * * *",
      };
      const often = await call("POST", "/api/v1/reports", { ...base, cron: "*/5 * * * *" });
      assertEquals((await problem(often, 422)).errors[0].path, "cron");
      const many = Array.from({ length: 1000 }, (_, i) => `r${i}@example.com`);
      const tooMany = await call("POST", "/api/v1/reports", { ...base, recipients: many });
      assertEquals((await problem(tooMany, 422)).errors[0].path, "recipients");
      const badZone = await call("POST", "/api/v1/reports", { ...base, timezone: "Mars/Base" });
      assertEquals((await problem(badZone, 422)).errors[0].path, "timezone");
      const badMail = await call("POST", "/api/v1/reports", { ...base, recipients: ["not-mail"] });
      assertEquals((await problem(badMail, 422)).errors[0].path, "recipients.0");
      assertEquals((await sql`SELECT count(*)::int AS n FROM reports`)[0].n, 0);
    });

    let pdfId = "";
    await t.step("a scheduled PDF arrives with every widget title, markup printed as text", async () => {
      const report = await json("POST", "/api/v1/reports", {
        dashboard_id: dash.id,
        name: "Daily PDF",
        cron: "0 8 * * *",
        timezone: "Europe/Berlin",
        format: "pdf",
        recipients: ["ana@example.com", "ben@example.com"],
      }, 201);
      pdfId = report.id;
      assertEquals(report.next_run_at, "2026-03-11T07:00:00.000Z");
      assertEquals(await worker.tick(), 0);
      now = new Date("2026-03-11T07:00:30Z");
      const [a, b] = await deliver(2);
      assertStringIncludes(a + b, "ana@example.com");
      assertStringIncludes(a + b, "ben@example.com");
      const file = attachment(a);
      assertMatch(file.filename, /^weekly-ops-2026-03-11\.pdf$/);
      const size = file.bytes.length;
      // pdf.js takes the buffer over (it is detached afterwards)
      const { text } = await extractText(file.bytes, { mergePages: true });
      for (const title of [EVIL, "Deploys per day", "Checks by status", "All checks", "Check count"]) {
        assertStringIncludes(text, title);
      }
      assertStringIncludes(text, "Generated at: 2026-03-11T07:00:30.000Z");
      const after = await json("GET", `/api/v1/reports/${pdfId}`);
      assertEquals(after.last_sent, "2026-03-11T07:00:30.000Z");
      assertEquals(after.next_run_at, "2026-03-12T07:00:00.000Z");
      const runs = await json("GET", `/api/v1/reports/${pdfId}/runs`);
      assertEquals(runs.data[0].status, "sent");
      assertEquals(runs.data[0].mail.map((m: { status: string }) => m.status), ["sent", "sent"]);
      const download = await call("GET", `/api/v1/report-runs/${runs.data[0].id}/file`);
      assertEquals(download.headers.get("Content-Type"), "application/pdf");
      assertEquals((await download.arrayBuffer()).byteLength, size);
    });

    await t.step("send now: an Excel workbook with a sheet per widget, formulas neutralised", async () => {
      const report = await json("POST", "/api/v1/reports", {
        dashboard_id: dash.id,
        name: "Workbook",
        cron: "@weekly",
        format: "excel",
        recipients: ["cy@example.com"],
      }, 201);
      const run = await json("POST", `/api/v1/reports/${report.id}/send`, undefined, 202);
      assertEquals(run.status, "pending");
      const [raw] = await deliver(1);
      const file = attachment(raw);
      const zip = unzipSync(file.bytes);
      const workbook = strFromU8(zip["xl/workbook.xml"]);
      const sheets = [...workbook.matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((m) => m[1]);
      assertEquals(sheets.length, 6);
      assertEquals(sheets[0], "Report");
      assertStringIncludes(sheets.join("|"), "Deploys per day");
      const all = Object.entries(zip).filter(([n]) => n.startsWith("xl/")).map(([, b]) => strFromU8(b)).join("");
      assertFalse(/<f>/.test(all), "no formula cells");
      assertStringIncludes(all, "'=HYPERLINK");
      assertStringIncludes(all, "&lt;script&gt;");
    });

    await t.step("CSV: one file per widget in a zip; formula-like text neutralised", async () => {
      const report = await json("POST", "/api/v1/reports", {
        dashboard_id: dash.id,
        name: "CSV",
        cron: "15 * * * *",
        format: "csv",
        recipients: ["di@example.com"],
      }, 201);
      await json("POST", `/api/v1/reports/${report.id}/send`, undefined, 202);
      const [raw] = await deliver(1);
      const zip = unzipSync(attachment(raw).bytes);
      assertEquals(Object.keys(zip).length, 5);
      const checks = strFromU8(zip[Object.keys(zip).find((n) => n.includes("All checks"))!]);
      assertStringIncludes(checks, `"'=HYPERLINK(""http://evil.example"",""x"")"`);
    });

    await t.step("another tenant cannot see, send or download", async () => {
      const res = await call("POST", `/api/v1/reports/${pdfId}/send`, undefined, p.dave.bearer);
      await problem(res, 404);
      const runs = await json("GET", `/api/v1/reports/${pdfId}/runs`);
      await problem(await call("GET", `/api/v1/report-runs/${runs.data[0].id}/file`, undefined, p.dave.bearer), 404);
    });

    await t.step("files past keep_days are dropped by retention; the history stays", async () => {
      const { dropExpiredFiles } = await import("../../db/queries/reports.ts");
      const dropped = await dropExpiredFiles(sql, new Date("2027-01-01T00:00:00Z"));
      assert(dropped >= 3);
      const runs = await json("GET", `/api/v1/reports/${pdfId}/runs`);
      assertEquals(runs.data[0].has_file, false);
      await problem(await call("GET", `/api/v1/report-runs/${runs.data[0].id}/file`), 404);
    });
  } finally {
    await smtp.stop();
  }
});
