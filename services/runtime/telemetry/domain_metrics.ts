/**
 * Gauges read from PostgreSQL when /metrics is scraped: the check queue, the
 * notification outbox and open alerts, install-wide. A gauge whose label set
 * went to zero is written as 0, so an alert on it resolves.
 */
import type { Sql } from "../../../db/client.ts";
import { countCheckQueue, countOpenAlerts, countOutbox } from "../../../db/queries/operations_metrics.ts";
import { Gauge, type Registry } from "../../platform/prometheus.ts";

const CHANNEL_KINDS = ["slack", "email", "webhook"];
const OUTBOX_STATUSES = ["pending", "sending", "failed", "dead"];
const SEVERITIES = ["info", "warning", "critical"];

export function createDomainMetrics(registry: Registry) {
  const checks = registry.register(
    new Gauge(
      "opsdeck_checks",
      "Probe checks by queue state: due (waiting to be claimed), claimed (leased), overdue (due > 60 s, unclaimed)",
    ),
  );
  const outbox = registry.register(
    new Gauge("opsdeck_outbox_deliveries", "Notification deliveries not yet sent, by channel kind and status"),
  );
  const alerts = registry.register(new Gauge("opsdeck_alerts_open", "Alerts not resolved, by severity"));
  return {
    async sample(sql: Sql, now: Date) {
      const [queue, deliveries, open] = await Promise.all([
        countCheckQueue(sql, now),
        countOutbox(sql),
        countOpenAlerts(sql),
      ]);
      for (const state of ["due", "claimed", "overdue"] as const) checks.set({ state }, queue[state]);
      for (const kind of CHANNEL_KINDS) {
        for (const status of OUTBOX_STATUSES) {
          const row = deliveries.find((d) => d.kind === kind && d.status === status);
          outbox.set({ kind, status }, row?.count ?? 0);
        }
      }
      for (const severity of SEVERITIES) {
        alerts.set({ severity }, open.find((a) => a.severity === severity)?.count ?? 0);
      }
    },
  };
}
