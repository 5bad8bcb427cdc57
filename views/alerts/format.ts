/** Badges and wording for alerts and alert rules, shared by the inbox, the alert page and the rules page. */
import type { RuleKind, Severity } from "../../db/queries/alert_rules.ts";
import type { AlertStatus } from "../../db/queries/alerts.ts";

export const ALERT_STATUS_BADGE: Record<AlertStatus, string> = {
  triggered: "badge-down",
  acknowledged: "badge-pending",
  snoozed: "badge-inactive",
  resolved: "badge-up",
};

export const SEVERITY_BADGE: Record<Severity, string> = {
  info: "priority-low",
  warning: "priority-high",
  critical: "priority-critical",
};

export const KIND_LABEL: Record<RuleKind, string> = {
  check_down: "Check down",
  check_degraded: "Check degraded",
  heartbeat_missed: "Heartbeat missed",
  certificate_expiring: "Certificate expiring",
  deployment_failed: "Deployment failed",
  metric_threshold: "Metric threshold",
  query_threshold: "Saved query threshold",
};

/** "5 min", "3 h", "2 d": how long ago, for the inbox's age column. */
export function age(from: Date, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h`;
  return `${Math.floor(minutes / 1440)} d`;
}

/** What a timeline entry says happened. */
export function historyVerb(h: { from_status: string | null; to_status: string; action: string }): string {
  if (h.action === "renotified") return "notified again (repeat)";
  if (h.action === "escalated") return "escalated";
  if (h.from_status === null) return "triggered";
  if (h.from_status === "snoozed" && h.to_status === "triggered") return "woke from snooze";
  return h.to_status;
}
