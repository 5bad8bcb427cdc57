/**
 * A finished run told to the report's channels: one `report.ready` event (so a
 * notification rule on that type hears it too) and one outbox delivery per
 * named channel keyed by the event, so a channel both named and ruled gets one
 * message. Chats and webhooks get the name, the run time and a link to the
 * file in Opsdeck, never the file: it stays behind sign-in for keep_days.
 */
import type { Sql } from "../../../db/client.ts";
import { type ReportRow, tenantChannelIds } from "../../../db/queries/reports.ts";
import { emitEvent } from "../../events/emit.ts";
import { enqueueDelivery } from "../../notifications/outbox.ts";

export interface FinishedRun {
  id: string;
  filename: string;
  dashboardName: string;
  finishedAt: Date;
  expiresAt: Date;
}

export async function notifyReportReady(
  tx: Sql,
  report: ReportRow,
  run: FinishedRun,
  o: { now: Date; baseUrl?: string },
): Promise<string[]> {
  const filePath = `/api/v1/report-runs/${run.id}/file`;
  const payload = {
    report: { id: report.id, name: report.name, format: report.format },
    dashboard: { id: report.dashboard_id, name: run.dashboardName },
    run: {
      id: run.id,
      filename: run.filename,
      finished_at: run.finishedAt.toISOString(),
      expires_at: run.expiresAt.toISOString(),
      file_path: filePath,
      file_url: o.baseUrl ? o.baseUrl + filePath : null,
      history_path: `/dashboards/${report.dashboard_id}/reports`,
    },
  };
  const eventId = await emitEvent(tx, { actor: null, ip: null, userAgent: null, now: o.now }, {
    tenantId: report.tenant_id,
    type: "report.ready",
    subject: { type: "report", id: report.id },
    projectId: null,
    payload,
  });
  // A channel deleted since the report was saved is skipped, not an error.
  const channels = await tenantChannelIds(tx, report.tenant_id, report.channel_ids);
  const sent = [];
  for (const channelId of channels) {
    sent.push(
      await enqueueDelivery(tx, {
        tenantId: report.tenant_id,
        channelId,
        eventId,
        eventType: "report.ready",
        payload,
        now: o.now,
      }),
    );
  }
  return sent;
}
