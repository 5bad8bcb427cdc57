/**
 * Monthly SLA reports: the month is the client's calendar month in its time
 * zone; the report is computed, rendered (PDF + CSV), stored (history kept,
 * one per client and month) and mailed to the client's users through the
 * mail outbox, all in one transaction whose first statement claims the
 * (client, month) row: a second replica waits on that row and then skips.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/sla.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { enqueueMail } from "../mail/outbox.ts";
import { maintenanceIntervals } from "../maintenance/coverage.ts";
import { ConflictError, NotFoundError } from "../platform/errors.ts";
import { type BackgroundDeps, type Loop, runLoop } from "../workers/loop.ts";
import { computeSla, type SlaSummary } from "./compute.ts";
import { slaCsv, slaPdf } from "./render.ts";

/** [from, to) of a client's month ("YYYY-MM") as instants. */
export function monthRange(month: string, timezone: string): { from: Date; to: Date } {
  const first = Temporal.PlainDate.from(`${month}-01`);
  const at = (d: Temporal.PlainDate) => new Date(d.toZonedDateTime({ timeZone: timezone }).epochMilliseconds);
  return { from: at(first), to: at(first.add({ months: 1 })) };
}

/** The month before the one `now` falls in, in `timezone` ("YYYY-MM"). */
export function previousMonth(now: Date, timezone: string): string {
  const local = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timezone);
  return local.toPlainDate().with({ day: 1 }).subtract({ months: 1 }).toString().slice(0, 7);
}

/** Reads everything the month needs (one tenant transaction) and computes it. */
export async function computeClientMonth(tx: Sql, tenantId: string, clientId: string, month: string, tz: string) {
  const { from, to } = monthRange(month, tz);
  const targets = await q.targetsOfClient(tx, tenantId, clientId, true);
  const projects = [...new Set(targets.map((t) => t.project_id))];
  const [incidents, deployments, changeRequests] = await Promise.all([
    q.clientIncidentsIn(tx, tenantId, clientId, from, to),
    q.deploymentsIn(tx, tenantId, projects, from, to),
    q.changeRequestsIn(tx, tenantId, projects, from, to),
  ]);
  const checks: q.CheckMonth[] = [];
  for (const p of projects) {
    const maintenance = await maintenanceIntervals(tx, tenantId, p, from, to);
    checks.push(...await q.checkMonths(tx, tenantId, p, from, to, maintenance));
  }
  return computeSla({
    month,
    timezone: tz,
    from,
    to,
    targets,
    checks,
    incidents,
    deployments,
    changeRequests,
  });
}

/** Generates, stores and mails one client's month; undefined when it already exists (or is being made). */
export async function generateReport(
  sql: Sql,
  tenantId: string,
  clientId: string,
  month: string,
  ctx: AuditContext,
): Promise<string | undefined> {
  return await withTenant(sql, tenantId, async (tx) => {
    const client = await q.clientOf(tx, tenantId, clientId);
    if (!client) throw new NotFoundError("No such client");
    const id = await q.claimReport(tx, tenantId, {
      clientId,
      month: `${month}-01`,
      timezone: client.timezone,
      now: ctx.now,
    });
    if (!id) return undefined;
    const summary = await computeClientMonth(tx, tenantId, clientId, month, client.timezone);
    const pdf = await slaPdf(summary, client.name);
    const csv = slaCsv(summary);
    await q.fillReport(tx, tenantId, id, { summary: summary as unknown as Record<string, unknown>, pdf, csv });
    for (const to of await q.clientContacts(tx, tenantId, clientId)) {
      await enqueueMail(tx, tenantId, {
        purpose: "sla_report",
        reference: id,
        to,
        subject: `Service level report ${month}: ${client.name}`,
        text: mailText(summary, client.name),
        attachments: [
          { filename: `sla-${month}.pdf`, contentType: "application/pdf", content: pdf },
          { filename: `sla-${month}.csv`, contentType: "text/csv", content: new TextEncoder().encode(csv) },
        ],
      }, ctx.now);
    }
    await recordAudit(tx, ctx, {
      tenantId,
      action: "sla_report.create",
      resourceType: "sla_report",
      resourceId: id,
      after: { client_id: clientId, month, breaches: summary.breaches, credit_percent: summary.credit_percent },
    });
    return id;
  });
}

function mailText(s: SlaSummary, client: string): string {
  const lines = s.targets.map((t) =>
    `- ${t.project}, ${t.scope}: ${t.uptime_percent ?? "no data"} % (target ${t.target_percent} %)${
      t.breached ? ", breached" : ""
    }`
  );
  return `Service level report for ${client}, ${s.month}.\n\n${lines.join("\n")}\n\n` +
    `Breaches: ${s.breaches}. Credit due: ${s.credit_percent} %.\nThe PDF and CSV are attached.\n`;
}

/** POST /api/v1/sla-reports: a month made now (a past month the worker has not made, or a missing one). */
export async function createReportNow(
  sql: Sql,
  principal: Principal,
  clientId: string,
  month: string,
  ctx: AuditContext,
): Promise<string> {
  authorize(principal, "sla_reports", "write");
  const id = await generateReport(sql, principal.tenantId, clientId, month, ctx);
  if (!id) throw new ConflictError(`The report for ${month} exists already`);
  return id;
}

export async function listReports(sql: Sql, principal: Principal) {
  authorize(principal, "sla_reports", "read");
  return await withTenant(sql, principal.tenantId, (tx) => q.listReports(tx, principal.tenantId, principal.clientId));
}

export async function getReport(sql: Sql, principal: Principal, id: string) {
  authorize(principal, "sla_reports", "read");
  const row = await withTenant(sql, principal.tenantId, (tx) => q.getReport(tx, principal.tenantId, id));
  if (!row || (principal.clientId && row.client_id !== principal.clientId)) throw new NotFoundError("No such report");
  return row;
}

/** The worker: each client's previous month, once, from the 1st of the month in the client's zone. */
export function createSlaReportWorker(deps: BackgroundDeps & { pollMs?: number }) {
  const pollMs = deps.pollMs ?? 300_000;
  let loop: Loop | undefined;
  async function tick(): Promise<number> {
    const now = deps.now();
    let made = 0;
    for (const c of await q.clientsWithTargets(deps.sql)) {
      const ctx = { actor: null, actorLabel: "system:sla-reports", ip: null, userAgent: null, now };
      if (await generateReport(deps.sql, c.tenant_id, c.client_id, previousMonth(now, c.timezone), ctx)) made++;
    }
    return made;
  }
  return {
    tick,
    start() {
      loop ??= runLoop({
        logger: deps.logger,
        failure: "sla report tick failed",
        failureWaitMs: pollMs,
        pass: async () => (await tick(), pollMs),
        passed: () => deps.telemetry?.tick("sla-reports"),
      });
    },
    async stop() {
      await loop?.stop();
    },
  };
}
