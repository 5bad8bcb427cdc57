/**
 * What the check page shows, read in one transaction: the check (visible to
 * the caller), its uptime, a latency series for the chosen range with the
 * project's deployments and maintenance windows in that range, the first
 * page of results and the parent check's name.
 */
import type { Sql } from "../../db/client.ts";
import { listDeployments } from "../../db/queries/deployments.ts";
import { getHealthCheck, type HealthCheckRow } from "../../db/queries/health_checks.ts";
import { withTenant } from "../../db/tenant.ts";
import { can, type Principal } from "../auth/permissions.ts";
import { maintenanceIntervals } from "../maintenance/coverage.ts";
import type { Page } from "../platform/pagination.ts";
import { findVisibleCheck } from "./health_checks.ts";
import { latencySeries, listResults, type ResultItem, type SeriesPoint, uptime } from "./history.ts";
import type { Uptime } from "./schemas.ts";

/** Steps per range: about 90–170 points, each read from the cheapest level (raw, hourly or daily). */
export const RANGE_STEPS: Record<string, { seconds: number; step: number }> = {
  "24h": { seconds: 86_400, step: 900 },
  "7d": { seconds: 7 * 86_400, step: 3600 },
  "30d": { seconds: 30 * 86_400, step: 6 * 3600 },
  "90d": { seconds: 90 * 86_400, step: 86_400 },
};

export const RESULTS_PAGE = 20;

export interface CheckPageData {
  check: HealthCheckRow;
  uptime: Uptime;
  chart: {
    points: SeriesPoint[];
    from: Date;
    to: Date;
    deployments: { at: Date; label: string }[];
    maintenance: { start: Date; end: Date }[];
  };
  results: Page<ResultItem>;
  parent: { id: string; name: string } | null;
}

export async function checkPageData(
  sql: Sql,
  principal: Principal,
  id: string,
  range: string,
  now: Date,
  resultsCursor?: string,
): Promise<CheckPageData> {
  const { seconds, step } = RANGE_STEPS[range] ?? RANGE_STEPS["24h"];
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const check = await findVisibleCheck(tx, principal, id);
    const tenantId = principal.tenantId;
    // Whole steps, the last one holding `now`, so the chart ends at the present.
    const to = new Date((Math.floor(now.getTime() / (step * 1000)) + 1) * step * 1000);
    const from = new Date(to.getTime() - seconds * 1000);
    const [figures, points, maintenance, results, deployments, parent] = await Promise.all([
      uptime(tx, tenantId, [{ id: check.id, projectId: check.project_id }], now),
      latencySeries(tx, tenantId, check.id, from, to, step),
      maintenanceIntervals(tx, tenantId, check.project_id, from, to),
      listResults(tx, tenantId, check.id, { limit: RESULTS_PAGE, cursor: resultsCursor }),
      can(principal, "deployments", "read")
        ? listDeployments(tx, tenantId, {
          projectId: check.project_id,
          since: from,
          until: to,
          clientId: principal.clientId,
          limit: 200,
        })
        : Promise.resolve([]),
      check.depends_on_id
        ? getHealthCheck(tx, tenantId, check.depends_on_id, { clientId: principal.clientId })
        : Promise.resolve(undefined),
    ]);
    return {
      check,
      uptime: figures.get(check.id) ?? { h24: null, d7: null, d30: null, d90: null },
      chart: {
        points,
        from,
        to,
        maintenance,
        deployments: deployments.map((d) => ({
          at: d.started_at ?? d.created_at,
          label: `${d.environment}: ${d.status} ${d.commit_sha.slice(0, 7)}${d.actor ? ` by ${d.actor}` : ""}`,
        })),
      },
      results,
      parent: parent ? { id: parent.id, name: parent.name } : null,
    };
  });
}

/** A further page of results for the history table ("Load more"). */
export async function resultsPage(
  sql: Sql,
  principal: Principal,
  id: string,
  cursor: string,
): Promise<Page<ResultItem>> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    await findVisibleCheck(tx, principal, id);
    return await listResults(tx, principal.tenantId, id, { limit: RESULTS_PAGE, cursor });
  });
}
