/**
 * DORA delivery metrics per project or per tenant over the last 7/30/90
 * days. Change failure rate counts failed and rolled-back deployments; a
 * deployment followed by an alert is not counted as a failure (alerts are not
 * tied to the deployment that preceded them).
 */
import type { Sql } from "../../db/client.ts";
import { type DailyRow, deliveryMetricsRows, type MetricsScope } from "../../db/queries/delivery_metrics.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { loadProjectFor } from "../projects/access.ts";
import { histogramPercentile } from "./histogram.ts";
import type { DeliveryMetrics, DeliveryMetricsQuery } from "./schemas.ts";

const DAY_MS = 86_400_000;

/** Every day of the window, so charts have a bar (maybe empty) per day. */
function fillDays(rows: DailyRow[], since: Date, days: number): DailyRow[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const start = Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate());
  return Array.from({ length: days + 1 }, (_, i) => {
    const day = new Date(start + i * DAY_MS).toISOString().slice(0, 10);
    return byDay.get(day) ?? { day, succeeded: 0, failed: 0 };
  });
}

const round = (n: number | null, digits = 0) => n === null ? null : Number(n.toFixed(digits));

export async function deliveryMetrics(
  sql: Sql,
  principal: Principal,
  query: DeliveryMetricsQuery,
  now: Date,
): Promise<DeliveryMetrics> {
  authorize(principal, "deployments", "read");
  if (query.project_id) await loadProjectFor(sql, principal, query.project_id);
  const since = new Date(now.getTime() - query.days * DAY_MS);
  const scope: MetricsScope = {
    tenantId: principal.tenantId,
    projectId: query.project_id,
    environment: query.environment,
    clientId: principal.clientId,
    since,
    until: now,
  };
  const { summary, daily, projects } = await withTenant(
    sql,
    principal.tenantId,
    (tx) => deliveryMetricsRows(tx, scope),
  );
  return {
    project_id: query.project_id ?? null,
    environment: query.environment ?? null,
    days: query.days,
    since: since.toISOString(),
    until: now.toISOString(),
    deployment_frequency: { deployments: summary.deployments, per_day: round(summary.deployments / query.days, 2)! },
    lead_time_for_changes: {
      // Estimates from the rollup's log-bucket histogram (within a few per cent).
      median_seconds: round(histogramPercentile(summary.lead_time_histogram, 0.5)),
      p90_seconds: round(histogramPercentile(summary.lead_time_histogram, 0.9)),
      samples: summary.lead_time_samples,
    },
    change_failure_rate: {
      failures: summary.failures,
      finished: summary.finished,
      rate: summary.finished ? round(summary.failures / summary.finished, 4) : null,
    },
    time_to_restore: { median_seconds: round(summary.restore_median), samples: summary.restore_samples },
    daily: fillDays(daily, since, query.days),
    projects,
  };
}
