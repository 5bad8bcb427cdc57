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

/** The beat bar's length: the last results, one bar each (Uptime Kuma shows about as many). */
export const BEATS = 60;

/** Steps a young check's chart may use: the smallest giving at most YOUNG_POINTS points. */
const YOUNG_STEPS = [60, 120, 300, 600, 900];
const YOUNG_POINTS = 120;
const YOUNG_MIN_SPAN = 30 * 60;

/**
 * The chart's span: the chosen range, or for a check younger than it the time
 * it has (at least half an hour), in steps of a minute or more, so a new check
 * does not show 24 empty hours with its first results squeezed at the end.
 */
export function chartSpan(
  range: string,
  now: Date,
  since: Date,
): { from: Date; to: Date; step: number; young: boolean } {
  // Whole steps, the last one holding `now`, so the chart ends at the present.
  const whole = (step: number) => new Date((Math.floor(now.getTime() / (step * 1000)) + 1) * step * 1000);
  const { seconds, step } = RANGE_STEPS[range] ?? RANGE_STEPS["24h"];
  const to = whole(step);
  const from = new Date(to.getTime() - seconds * 1000);
  if (since.getTime() <= from.getTime() + step * 1000) return { from, to, step, young: false };
  const span = Math.max(YOUNG_MIN_SPAN, (now.getTime() - since.getTime()) / 1000);
  const young = YOUNG_STEPS.find((s) => span / s <= YOUNG_POINTS);
  if (!young || young >= step) return { from, to, step, young: false };
  const youngTo = whole(young);
  // From the step holding the first result (or half an hour back), so that result is on the chart.
  const youngFrom = new Date(Math.floor((now.getTime() - span * 1000) / (young * 1000)) * young * 1000);
  return { from: youngFrom, to: youngTo, step: young, young: true };
}

export interface CheckPageData {
  check: HealthCheckRow;
  uptime: Uptime;
  chart: {
    points: SeriesPoint[];
    from: Date;
    to: Date;
    deployments: { at: Date; label: string }[];
    maintenance: { start: Date; end: Date }[];
    /** The span is the young check's own time, shorter than the range. */
    young: boolean;
  };
  results: Page<ResultItem>;
  /** The last BEATS results, oldest first. */
  beats: ResultItem[];
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
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const check = await findVisibleCheck(tx, principal, id);
    const tenantId = principal.tenantId;
    const beats = (await listResults(tx, tenantId, check.id, { limit: BEATS })).data.reverse();
    const since = beats[0] && beats[0].checked_at < check.created_at ? beats[0].checked_at : check.created_at;
    const { from, to, step, young } = chartSpan(range, now, since);
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
        young,
        maintenance,
        deployments: deployments.map((d) => ({
          at: d.started_at ?? d.created_at,
          label: `${d.environment}: ${d.status} ${d.commit_sha.slice(0, 7)}${d.actor ? ` by ${d.actor}` : ""}`,
        })),
      },
      results,
      beats,
      parent: parent ? { id: parent.id, name: parent.name } : null,
    };
  });
}

/** The check page's live part (its 10-s poll): the check, its uptime figures and its last results. */
export async function checkLiveData(
  sql: Sql,
  principal: Principal,
  id: string,
  now: Date,
): Promise<Pick<CheckPageData, "check" | "uptime" | "beats">> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const check = await findVisibleCheck(tx, principal, id);
    const [figures, beats] = await Promise.all([
      uptime(tx, principal.tenantId, [{ id: check.id, projectId: check.project_id }], now),
      listResults(tx, principal.tenantId, check.id, { limit: BEATS }),
    ]);
    return {
      check,
      uptime: figures.get(check.id) ?? { h24: null, d7: null, d30: null, d90: null },
      beats: beats.data.reverse(),
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
