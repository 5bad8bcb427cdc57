/** Event types in words, for every page and message that names one (one map; the API keeps the ids). */
import type { EventType } from "../../db/queries/events.ts";

export const EVENT_LABELS: Record<EventType, string> = {
  "health_check.down": "Check went down",
  "health_check.up": "Check recovered",
  "health_check.degraded": "Check is slow",
  "heartbeat.missed": "Heartbeat missed",
  "certificate.expiring": "Certificate expiring",
  "deployment.started": "Deployment started",
  "deployment.succeeded": "Deployment succeeded",
  "deployment.failed": "Deployment failed",
  "alert.triggered": "Alert opened",
  "alert.acknowledged": "Alert acknowledged",
  "alert.resolved": "Alert resolved",
  "change_request.created": "Change request created",
  "change_request.decided": "Change request decided",
  "incident.created": "Incident opened",
  "incident.updated": "Incident updated",
  "incident.resolved": "Incident resolved",
  "approval.requested": "Approval requested",
  "approval.decided": "Approval decided",
  "report.ready": "Report ready",
  "integration.broken": "Integration broken",
};

/** The label of a stored type; an unknown one (from a newer version) shows as is. */
export const eventLabel = (type: string): string => EVENT_LABELS[type as EventType] ?? type;
