/**
 * What the metrics explorer (/explore) shows: the projects and series to pick
 * from, the chosen series' buckets, the project's deployments in the range
 * (chart markers) and its maintenance (shaded bands). Picks the first project
 * and series when none is chosen, so the page is never empty for no reason.
 */
import type { Sql } from "../../db/client.ts";
import { projectChoices } from "../../db/queries/deployments.ts";
import { deploymentMarkers } from "../../db/queries/metrics.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { AppError } from "../platform/errors.ts";
import { maintenanceIntervals } from "../maintenance/coverage.ts";
import { listTypes, queryMetrics } from "./query.ts";
import { type Aggregation, AGGREGATIONS, CHECK_LATENCY_TYPE, type SeriesJson, type TypesJson } from "./schemas.ts";

export const RANGES = { "1h": 3600, "6h": 21_600, "24h": 86_400, "7d": 604_800, "30d": 2_592_000, "90d": 7_776_000 };
export type RangeName = keyof typeof RANGES;

export interface ExploreInput {
  project_id?: string;
  /** `cpu.load`, or `check.latency_ms:<check id>` */
  series?: string;
  range?: string;
  step?: string;
  agg?: string;
}

export interface ExploreView {
  projects: { id: string; name: string }[];
  projectId: string | null;
  types: TypesJson["data"];
  series: string | null;
  range: RangeName;
  step: string;
  agg: Aggregation;
  result: SeriesJson | null;
  deployments: { at: Date; label: string }[];
  maintenance: { start: Date; end: Date }[];
  error: string | null;
  /** A series was asked for by name and the project has none of that name: a 404, not another series. */
  notFound: boolean;
}

export const seriesKey = (t: { type: string; check_id: string | null }) =>
  t.check_id ? `${t.type}:${t.check_id}` : t.type;

export async function exploreView(
  sql: Sql,
  principal: Principal,
  input: ExploreInput,
  now: Date,
): Promise<ExploreView> {
  authorize(principal, "metrics", "read");
  const tenantId = principal.tenantId;
  const projects = await withTenant(sql, tenantId, (tx) => projectChoices(tx, tenantId, principal.clientId));
  const range: RangeName = input.range && input.range in RANGES ? input.range as RangeName : "24h";
  const agg = AGGREGATIONS.find((a) => a === input.agg) ?? "avg";
  const step = input.step && /^\d{1,6}[smhd]$/.test(input.step) ? input.step : "";
  const project = projects.find((p) => p.id === input.project_id) ?? projects[0];
  const view: ExploreView = {
    projects,
    projectId: project?.id ?? null,
    types: [],
    series: null,
    range,
    step,
    agg,
    result: null,
    deployments: [],
    maintenance: [],
    error: null,
    notFound: false,
  };
  if (!project) return view;
  view.types = (await listTypes(sql, principal, project.id)).data;
  const chosen = input.series ? view.types.find((t) => seriesKey(t) === input.series) : view.types[0];
  if (input.series && !chosen) {
    view.notFound = true;
    view.error = `No series “${input.series}” in ${project.name}; pick one of its series above.`;
    return view;
  }
  if (!chosen) return view;
  view.series = seriesKey(chosen);
  const to = now;
  const from = new Date(now.getTime() - RANGES[range] * 1000);
  try {
    view.result = await queryMetrics(sql, principal, {
      project_id: project.id,
      type: chosen.type,
      check_id: chosen.type === CHECK_LATENCY_TYPE ? chosen.check_id ?? undefined : undefined,
      from: from.toISOString(),
      to: to.toISOString(),
      step: step || undefined,
      agg,
    }, now);
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    view.error = error.message;
    return view;
  }
  await withTenant(sql, tenantId, async (tx) => {
    if (can(principal, "deployments", "read")) {
      view.deployments = (await deploymentMarkers(tx, { tenantId, projectId: project.id, from, to })).map((d) => ({
        at: d.at,
        label: `${d.environment} ${d.commit_sha.slice(0, 7)} (${d.status})`,
      }));
    }
    view.maintenance = await maintenanceIntervals(tx, tenantId, project.id, from, to);
  });
  return view;
}
