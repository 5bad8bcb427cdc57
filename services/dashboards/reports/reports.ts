/**
 * Reports of a dashboard: create (edit access), change, delete, "send now",
 * history with the files kept for keep_days. A report renders as the person
 * who made it (their client limits apply), so only they or an admin-level
 * editor change it.
 */
import type { Sql } from "../../../db/client.ts";
import { listChannels } from "../../../db/queries/notification_channels.ts";
import * as q from "../../../db/queries/reports.ts";
import { withTenant } from "../../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../../audits/record.ts";
import { authorize, can, type Principal } from "../../auth/permissions.ts";
import { nextRun, parseCron } from "../../checks/cron.ts";
import { mailLog } from "../../mail/outbox.ts";
import { NotFoundError, ValidationError } from "../../platform/errors.ts";
import { loadDashboard } from "../access.ts";
import { type CreateReportInput, NO_RECIPIENT, type UpdateReportInput } from "./schemas.ts";

const DAY_MS = 86_400_000;

export function reportJson(r: q.ReportRow) {
  return {
    id: r.id,
    dashboard_id: r.dashboard_id,
    name: r.name,
    cron: r.cron,
    timezone: r.timezone,
    recipients: r.recipients,
    channel_ids: r.channel_ids,
    format: r.format,
    keep_days: r.keep_days,
    is_active: r.is_active,
    last_sent: r.last_sent?.toISOString() ?? null,
    next_run_at: r.next_run_at.toISOString(),
  };
}

export function runJson(r: q.RunRow) {
  return {
    id: r.id,
    trigger: r.trigger,
    status: r.status,
    filename: r.filename,
    has_file: r.has_file,
    error: r.error,
    created_at: r.created_at.toISOString(),
    finished_at: r.finished_at?.toISOString() ?? null,
    expires_at: r.expires_at.toISOString(),
  };
}

const dedupe = (emails: string[]) => [...new Set(emails.map((e) => e.trim().toLowerCase()))];

/**
 * The channels a report names, each one of the tenant's (422 naming `channel_ids` otherwise: another tenant's id is
 * simply not found). Naming a channel needs read access to channels, so a client user cannot post to them.
 */
async function checkChannels(tx: Sql, p: Principal, ids: string[]): Promise<string[]> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return [];
  authorize(p, "notification_channels", "read");
  const found = new Set(await q.tenantChannelIds(tx, p.tenantId, wanted));
  const missing = wanted.findIndex((id) => !found.has(id));
  if (missing >= 0) {
    throw new ValidationError([{ path: "channel_ids", message: `${wanted[missing]} is not one of your channels` }]);
  }
  return wanted;
}

async function loadReport(tx: Sql, p: Principal, id: string, need: "view" | "edit") {
  const report = await q.getReport(tx, p.tenantId, id);
  if (!report) throw new NotFoundError("No such report");
  await loadDashboard(tx, p, report.dashboard_id, need).catch((error) => {
    if (error instanceof NotFoundError) throw new NotFoundError("No such report");
    throw error;
  });
  return report;
}

export async function createReport(sql: Sql, p: Principal, input: CreateReportInput, ctx: AuditContext) {
  return await withTenant(sql, p.tenantId, async (tx) => {
    await loadDashboard(tx, p, input.dashboard_id, "edit");
    const row = await q.insertReport(tx, {
      tenantId: p.tenantId,
      dashboardId: input.dashboard_id,
      createdBy: p.userId,
      now: ctx.now,
      name: input.name,
      cron: input.cron,
      timezone: input.timezone,
      recipients: dedupe(input.recipients),
      channel_ids: await checkChannels(tx, p, input.channel_ids),
      format: input.format,
      filters: input.filters ?? {},
      keep_days: input.keep_days,
      is_active: input.is_active,
      next_run_at: nextRun(parseCron(input.cron), input.timezone, ctx.now),
    });
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "report.create",
      resourceType: "report",
      resourceId: row.id,
      after: {
        name: row.name,
        cron: row.cron,
        format: row.format,
        recipients: row.recipients.length,
        channel_ids: row.channel_ids,
      },
    });
    return row;
  });
}

export async function listReports(sql: Sql, p: Principal, dashboardId: string) {
  return await withTenant(sql, p.tenantId, async (tx) => {
    await loadDashboard(tx, p, dashboardId, "view");
    return await q.listReports(tx, p.tenantId, dashboardId);
  });
}

export async function getReport(sql: Sql, p: Principal, id: string) {
  return await withTenant(sql, p.tenantId, (tx) => loadReport(tx, p, id, "view"));
}

export async function updateReport(sql: Sql, p: Principal, id: string, input: UpdateReportInput, ctx: AuditContext) {
  return await withTenant(sql, p.tenantId, async (tx) => {
    const before = await loadReport(tx, p, id, "edit");
    const cron = input.cron ?? before.cron;
    const timezone = input.timezone ?? before.timezone;
    const recipients = input.recipients ? dedupe(input.recipients) : before.recipients;
    const channelIds = input.channel_ids ? await checkChannels(tx, p, input.channel_ids) : before.channel_ids;
    if (recipients.length + channelIds.length === 0) {
      throw new ValidationError([{ path: "recipients", message: NO_RECIPIENT }]);
    }
    const row = await q.updateReport(tx, p.tenantId, id, {
      name: input.name ?? before.name,
      cron,
      timezone,
      recipients,
      channel_ids: channelIds,
      format: input.format ?? before.format,
      filters: input.filters ?? before.filters,
      keep_days: input.keep_days ?? before.keep_days,
      is_active: input.is_active ?? before.is_active,
      next_run_at: nextRun(parseCron(cron), timezone, ctx.now),
    });
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "report.update",
      resourceType: "report",
      resourceId: id,
      before: {
        name: before.name,
        cron: before.cron,
        format: before.format,
        is_active: before.is_active,
        channel_ids: before.channel_ids,
      },
      after: {
        name: row.name,
        cron: row.cron,
        format: row.format,
        is_active: row.is_active,
        channel_ids: row.channel_ids,
      },
    });
    return row;
  });
}

export async function deleteReport(sql: Sql, p: Principal, id: string, ctx: AuditContext) {
  await withTenant(sql, p.tenantId, async (tx) => {
    const before = await loadReport(tx, p, id, "edit");
    await q.deleteReport(tx, p.tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "report.delete",
      resourceType: "report",
      resourceId: id,
      before: { name: before.name },
    });
  });
}

/** Queues a run now; the report worker renders and sends it. */
export async function sendNow(sql: Sql, p: Principal, id: string, ctx: AuditContext) {
  return await withTenant(sql, p.tenantId, async (tx) => {
    const report = await loadReport(tx, p, id, "edit");
    const run = await q.insertRun(tx, {
      tenantId: p.tenantId,
      reportId: id,
      trigger: "manual",
      now: ctx.now,
      expiresAt: new Date(ctx.now.getTime() + report.keep_days * DAY_MS),
    });
    await recordAudit(tx, ctx, {
      tenantId: p.tenantId,
      action: "report.send_now",
      resourceType: "report",
      resourceId: id,
      details: { run: run.id },
    });
    return run;
  });
}

export async function reportHistory(sql: Sql, p: Principal, id: string) {
  return await withTenant(sql, p.tenantId, async (tx) => {
    const report = await loadReport(tx, p, id, "view");
    const runs = await q.listRuns(tx, p.tenantId, id);
    const mail = await Promise.all(runs.map((r) => mailLog(tx, p.tenantId, r.id)));
    return { report, runs: runs.map((r, i) => ({ ...r, mail: mail[i] })) };
  });
}

export async function runFile(sql: Sql, p: Principal, runId: string) {
  return await withTenant(sql, p.tenantId, async (tx) => {
    const run = await q.getRunFile(tx, p.tenantId, runId);
    if (!run) throw new NotFoundError("No such report run");
    await loadReport(tx, p, run.report_id, "view");
    if (!run.file) throw new NotFoundError("This file is no longer kept");
    return { filename: run.filename!, contentType: run.content_type!, file: run.file };
  });
}

/** The channels the form offers (none for a role that cannot read channels, e.g. a client user). */
export async function channelChoices(sql: Sql, p: Principal) {
  if (!can(p, "notification_channels", "read")) return [];
  const rows = await withTenant(sql, p.tenantId, (tx) => listChannels(tx, p.tenantId, { limit: 200 }));
  return rows.map((c) => ({ id: c.id, name: c.name, type: c.type }));
}
