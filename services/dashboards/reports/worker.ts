/**
 * The report worker. Each tick: (1) due reports get a pending run and their
 * next time, under FOR UPDATE SKIP LOCKED so two processes never schedule one
 * twice; (2) pending runs are leased (locked_until), rendered outside any
 * transaction, then stored with one outbox message per recipient and
 * `last_sent` and a `report.ready` delivery per named channel (notify.ts), in one tenant transaction. A process that dies mid-render
 * leaves the lease to run out; another renders it again. A failure is
 * retried on the next ticks up to MAX_ATTEMPTS, then the run is `failed`.
 */
import * as q from "../../../db/queries/reports.ts";
import { withTenant } from "../../../db/tenant.ts";
import { nextRun, parseCron } from "../../checks/cron.ts";
import { enqueueMail } from "../../mail/outbox.ts";
import { type BackgroundDeps, type Loop, runLoop } from "../../workers/loop.ts";
import { filtersLine } from "./formats/cells.ts";
import { notifyReportReady } from "./notify.ts";
import { renderReport, reportContent } from "./render.ts";

const DAY_MS = 86_400_000;
const MAX_ATTEMPTS = 3;

export interface ReportWorkerOptions {
  leaseMs?: number;
  pollMs?: number;
  batch?: number;
}

export function createReportWorker(deps: BackgroundDeps & ReportWorkerOptions) {
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  const pollMs = deps.pollMs ?? 15_000;
  const batch = deps.batch ?? 4;
  const sourceDeps = { secret: deps.secret, config: deps.config, now: deps.now };
  let loop: Loop | undefined;

  async function schedule(now: Date): Promise<number> {
    return await deps.sql.begin(async (tx) => {
      const due = await q.claimDueReports(tx as never, now, 100);
      for (const r of due) {
        await q.insertRun(tx as never, {
          tenantId: r.tenant_id,
          reportId: r.id,
          trigger: "schedule",
          now,
          expiresAt: new Date(now.getTime() + r.keep_days * DAY_MS),
        });
        await q.setNextRun(tx as never, r.id, nextRun(parseCron(r.cron), r.timezone, now));
      }
      return due.length;
    });
  }

  async function render(
    run: { id: string; tenant_id: string; report_id: string; attempts: number; expires_at: Date },
  ) {
    const report = await withTenant(deps.sql, run.tenant_id, (tx) => q.getReport(tx, run.tenant_id, run.report_id));
    if (!report) return;
    try {
      const content = await reportContent(deps.sql, report, sourceDeps);
      const file = await renderReport(report.format, content);
      const now = deps.now();
      await withTenant(deps.sql, run.tenant_id, async (tx) => {
        await q.finishRun(tx, run.tenant_id, run.id, { status: "sent", file: file.content, ...file, now });
        for (const to of report.recipients) {
          await enqueueMail(tx, run.tenant_id, {
            purpose: "report",
            reference: run.id,
            to,
            subject: `${report.name}: ${content.title}`,
            text: `${content.title}\nFilters: ${
              filtersLine(content.filters)
            }\nRange: ${content.from.toISOString()} to ${content.to.toISOString()}\nGenerated at: ${content.generatedAt.toISOString()}\n\nThe report is attached (${file.filename}).`,
            attachments: [{ filename: file.filename, contentType: file.contentType, content: file.content }],
          }, now);
        }
        await notifyReportReady(tx, report, {
          id: run.id,
          filename: file.filename,
          dashboardName: content.title,
          finishedAt: now,
          expiresAt: run.expires_at,
        }, { now, baseUrl: deps.config.baseUrl });
        await q.markSent(tx, run.tenant_id, report.id, now);
        await q.insertDashboardEvent(tx, {
          tenantId: run.tenant_id,
          dashboardId: report.dashboard_id,
          userId: null,
          type: "report",
          at: now,
          detail: { report: report.id, run: run.id, format: report.format },
        });
      });
    } catch (error) {
      const last = run.attempts >= MAX_ATTEMPTS;
      deps.logger.warn("report failed", { report: report.id, run: run.id, error: String(error), last });
      await withTenant(deps.sql, run.tenant_id, (tx) =>
        q.finishRun(tx, run.tenant_id, run.id, {
          status: last ? "failed" : "pending",
          error: (error as Error).message,
          now: deps.now(),
        }));
    }
  }

  async function tick(): Promise<number> {
    const now = deps.now();
    await schedule(now);
    const runs = await q.leasePendingRuns(deps.sql, now, new Date(now.getTime() + leaseMs), batch);
    for (const run of runs) await render(run);
    return runs.length;
  }

  return {
    tick,
    start() {
      loop ??= runLoop({
        logger: deps.logger,
        failure: "report worker tick failed",
        failureWaitMs: pollMs,
        pass: async () => (await tick()) === 0 ? pollMs : 0,
        passed: () => deps.telemetry?.tick("report-worker"),
      });
    },
    async stop() {
      await loop?.stop();
    },
  };
}
