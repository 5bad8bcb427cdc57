/**
 * Computes and stores ops scores (the worker), and reads them back for the
 * API and pages. A project's score comes from its own inputs; a client's from
 * the sum of its projects' inputs through the same formula, so a client with
 * one busy project and one idle one is not the mean of two unlike numbers.
 */
import type { Sql } from "../../db/client.ts";
import {
  checkStateByProject,
  clientName,
  league,
  type LeagueRow,
  scoreHistory,
  scoreInputsByPeriod,
  type StoredScore,
  upsertScores,
  uptimeTargetsByProject,
} from "../../db/queries/insights_scores.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { NotFoundError } from "../platform/errors.ts";
import { isUuid } from "../platform/ids.ts";
import { loadProjectFor } from "../projects/access.ts";
import { elapsedDays, isoDay, type Period, type PeriodKind } from "./periods.ts";
import { computeScore, DEFAULT_UPTIME_TARGET, FORMULA_VERSION, type ScoreInputs, sumInputs } from "./score_formula.ts";

function stored(
  scopeType: "project" | "client",
  scopeId: string,
  p: Period,
  inputs: ScoreInputs,
  uptimeTarget: number,
  now: Date,
) {
  const result = computeScore(inputs, uptimeTarget);
  return {
    scope_type: scopeType,
    scope_id: scopeId,
    period: p.kind,
    period_start: isoDay(p.start),
    period_end: isoDay(p.end),
    score: result.score,
    components: result.components,
    // The target is an input too: a later change of the SOW's target does not rewrite this period.
    inputs: { ...inputs, uptime_target: uptimeTarget },
    time_saved_hours: result.time_saved_hours,
    active_tools_count: result.active_tools_count,
    formula_version: FORMULA_VERSION,
    final: now >= p.end,
    computed_at: now,
  } satisfies StoredScore;
}

/** Scores every project and client of a tenant for each period; returns the rows written (final ones are kept). */
export async function computeTenantScores(sql: Sql, tenantId: string, periods: Period[], now: Date): Promise<number> {
  const checks = await checkStateByProject(sql, tenantId);
  const targets = await uptimeTargetsByProject(sql, tenantId);
  const targetOf = (projectId: string) => targets.get(projectId) ?? DEFAULT_UPTIME_TARGET;
  const rows = await scoreInputsByPeriod(
    sql,
    tenantId,
    periods.map((p) => ({ start: p.start, stop: p.end < now ? p.end : now })),
  );
  const out: StoredScore[] = [];
  const byClient = new Map<string, { inputs: ScoreInputs[]; target: number }>();
  for (const { i, project_id, client_id, ...raw } of rows) {
    const p = periods[i];
    const inputs = { ...NO_CHECKS, ...checks.get(project_id), ...raw, days: elapsedDays(p, now) };
    out.push(stored("project", project_id, p, inputs, targetOf(project_id), now));
    if (client_id) {
      // A client is held to the strictest target among its projects.
      const key = `${i}:${client_id}`;
      const seen = byClient.get(key) ?? { inputs: [], target: 0 };
      byClient.set(key, { inputs: [...seen.inputs, inputs], target: Math.max(seen.target, targetOf(project_id)) });
    }
  }
  for (const [key, client] of byClient) {
    const [i, clientId] = key.split(":");
    out.push(stored("client", clientId, periods[Number(i)], sumInputs(client.inputs), client.target, now));
  }
  const written = await upsertScores(sql, tenantId, out);
  return written;
}

const NO_CHECKS = { checks: 0, flapping_checks: 0, covered_checks: 0, heartbeats: 0, bounded_heartbeats: 0 };

const HISTORY = { week: 12, month: 12 } as const;

export interface ScorePage {
  scope_type: "project" | "client";
  scope_id: string;
  name: string;
  period: PeriodKind;
  latest: StoredScore | null;
  history: StoredScore[];
}

export async function projectScore(sql: Sql, principal: Principal, projectId: string, period: PeriodKind) {
  const { project } = await loadProjectFor(sql, principal, projectId);
  const history = await withTenant(
    sql,
    principal.tenantId,
    (tx) => scoreHistory(tx, principal.tenantId, "project", project.id, period, HISTORY[period]),
  );
  return page("project", project.id, project.name, period, history);
}

/** A client's score: client users may read only their own client's (anything else is not found). */
export async function clientScore(sql: Sql, principal: Principal, clientId: string, period: PeriodKind) {
  authorize(principal, "projects", "read");
  if (!isUuid(clientId) || (principal.clientId && principal.clientId !== clientId)) {
    throw new NotFoundError("Client not found");
  }
  const result = await withTenant(sql, principal.tenantId, async (tx) => {
    const name = await clientName(tx, principal.tenantId, clientId);
    return name === null
      ? null
      : { name, history: await scoreHistory(tx, principal.tenantId, "client", clientId, period, HISTORY[period]) };
  });
  if (!result) throw new NotFoundError("Client not found");
  return page("client", clientId, result.name, period, result.history);
}

function page(
  scopeType: "project" | "client",
  id: string,
  name: string,
  period: PeriodKind,
  history: StoredScore[],
): ScorePage {
  return { scope_type: scopeType, scope_id: id, name, period, latest: history.at(-1) ?? null, history };
}

export async function leagueTable(sql: Sql, principal: Principal, period: PeriodKind): Promise<LeagueRow[]> {
  authorize(principal, "projects", "read");
  return await withTenant(sql, principal.tenantId, (tx) => league(tx, principal.tenantId, period, principal.clientId));
}
