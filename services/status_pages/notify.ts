/**
 * An incident change → one queued message per confirmed subscriber of its
 * page, in the change's transaction (so a message exists exactly when the
 * change committed). The status-subscriptions worker sends them.
 */
import type { Sql } from "../../db/client.ts";
import type { IncidentRow } from "../../db/queries/incidents.ts";
import { confirmedSubscribers, enqueueDeliveries } from "../../db/queries/status_subscribers.ts";

export async function notifySubscribers(
  tx: Sql,
  tenantId: string,
  now: Date,
  incident: IncidentRow,
  pageTitle: string,
  message: string,
): Promise<void> {
  const subscribers = await confirmedSubscribers(tx, tenantId, incident.page_id);
  // what the public page shows, nothing more: the message goes outside
  await enqueueDeliveries(tx, tenantId, subscribers.map((s) => s.id), {
    page_id: incident.page_id,
    page_title: pageTitle,
    incident_id: incident.id,
    kind: incident.kind,
    title: incident.title,
    status: incident.status,
    impact: incident.impact,
    message,
    at: now.toISOString(),
  }, now);
}
