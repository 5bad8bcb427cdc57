/** Built-in shape name → its fixed query (db/queries/dashboard_data.ts). */
import type { Sql } from "../../../db/client.ts";
import * as d from "../../../db/queries/dashboard_data.ts";
import type { BuiltinQuery } from "../schemas.ts";

export const BUILTIN: Record<BuiltinQuery, (sql: Sql, scope: d.DataScope) => Promise<d.Table>> = {
  checks_by_status: d.checksByStatus,
  check_list: d.checkList,
  uptime_daily: d.uptimeSeries,
  uptime_by_check: d.uptimeByCheck,
  latency_daily: d.latencySeries,
  deployments_daily: d.deploymentsSeries,
  deployments_by_status: d.deploymentsByStatus,
  alerts_by_severity: d.alertsBySeverity,
  metric_series: d.metricSeries,
};

/** Labels for the widget form. */
export const BUILTIN_LABELS: Record<BuiltinQuery, string> = {
  checks_by_status: "Checks by status",
  check_list: "Checks and their status",
  uptime_daily: "Uptime over time (%)",
  uptime_by_check: "Uptime per check (%)",
  latency_daily: "Average latency over time (ms)",
  deployments_daily: "Deployments over time",
  deployments_by_status: "Deployments by status",
  alerts_by_severity: "Alerts by severity",
  metric_series: "A metric over time (config: metric)",
};
