/**
 * One client's month against its SOWs' targets, from plain data (the caller
 * reads it): uptime per target from the hourly roll-ups with every hour that
 * touches maintenance left out (summed per check by the database), p95 from the summed latency histograms,
 * error budget, breach and the credit tier it earns, incidents with their
 * durations, deployments, and change requests answered and resolved within
 * the SOW's hours. Answering results (up or degraded) count as up.
 */
import type { CheckMonth, SlaTargetRow } from "../../db/queries/sla.ts";
import { percentileFromHistogram } from "../checks/latency_histogram.ts";

const HOUR = 3_600_000;

export interface SlaInput {
  month: string;
  timezone: string;
  from: Date;
  to: Date;
  targets: (SlaTargetRow & { project_name: string; sow_title: string; check_name: string | null })[];
  checks: CheckMonth[];
  incidents: { title: string; impact: string; started_at: Date; resolved_at: Date | null }[];
  deployments: { project_id: string; total: number; failed: number }[];
  changeRequests: { project_id: string; created_at: Date; decided_at: Date | null; resolved_at: Date | null }[];
}

export interface TargetResult {
  project: string;
  sow: string;
  scope: string;
  target_percent: number;
  uptime_percent: number | null;
  excluded_hours: number;
  error_budget_used_percent: number | null;
  breached: boolean;
  credit_percent: number;
  p95_ms: number | null;
  p95_target_ms: number | null;
  p95_breached: boolean;
  change_requests: { total: number; first_response_within: number; resolved_within: number } | null;
}

export interface SlaSummary {
  month: string;
  timezone: string;
  from: string;
  to: string;
  targets: TargetResult[];
  incidents: { title: string; impact: string; started_at: string; resolved_at: string | null; minutes: number }[];
  deployments: { total: number; failed: number };
  breaches: number;
  credit_percent: number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

export function computeSla(i: SlaInput): SlaSummary {
  const targets = i.targets.map((t): TargetResult => {
    const counted = i.checks.filter((h) => h.project_id === t.project_id && (!t.check_id || h.check_id === t.check_id));
    // the same wall-clock hours for every check of the project
    const excluded = Math.max(0, ...counted.map((h) => h.excluded_hours));
    const total = counted.reduce((a, h) => a + h.total, 0);
    const ok = counted.reduce((a, h) => a + h.ok, 0);
    const uptime = total ? round3(100 * ok / total) : null;
    const budget = 100 - t.uptime_percent;
    const used = uptime === null ? null : budget > 0 ? round3(100 * (100 - uptime) / budget) : null;
    const breached = uptime !== null && uptime < t.uptime_percent;
    const credit = breached
      ? Math.max(0, ...t.credit_tiers.filter((c) => uptime! < c.below).map((c) => c.credit_percent))
      : 0;
    const histogram = new Array(33).fill(0);
    let min = Infinity, max = 0;
    for (const h of counted) {
      h.latency_histogram?.forEach((n, k) => histogram[k] += n);
      if (h.latency_min !== null) min = Math.min(min, h.latency_min);
      if (h.latency_max !== null) max = Math.max(max, h.latency_max);
    }
    const p95 = percentileFromHistogram(histogram, 0.95, min === Infinity ? 0 : min, max);
    const crs = i.changeRequests.filter((c) => c.project_id === t.project_id);
    const within = (from: Date, to: Date | null, hours: number | null) =>
      hours !== null && to !== null && to.getTime() - from.getTime() <= hours * HOUR;
    return {
      project: t.project_name,
      sow: t.sow_title,
      scope: t.check_name ?? "all checks of the project",
      target_percent: t.uptime_percent,
      uptime_percent: uptime,
      excluded_hours: excluded,
      error_budget_used_percent: used,
      breached,
      credit_percent: credit,
      p95_ms: Number.isNaN(p95) ? null : Math.round(p95),
      p95_target_ms: t.response_p95_ms,
      p95_breached: t.response_p95_ms !== null && !Number.isNaN(p95) && p95 > t.response_p95_ms,
      change_requests: t.first_response_hours === null && t.resolution_hours === null ? null : {
        total: crs.length,
        first_response_within: crs.filter((c) => within(c.created_at, c.decided_at, t.first_response_hours)).length,
        resolved_within: crs.filter((c) => within(c.created_at, c.resolved_at, t.resolution_hours)).length,
      },
    };
  });
  return {
    month: i.month,
    timezone: i.timezone,
    from: i.from.toISOString(),
    to: i.to.toISOString(),
    targets,
    incidents: i.incidents.map((x) => {
      const start = Math.max(x.started_at.getTime(), i.from.getTime());
      const end = Math.min((x.resolved_at ?? i.to).getTime(), i.to.getTime());
      return {
        title: x.title,
        impact: x.impact,
        started_at: x.started_at.toISOString(),
        resolved_at: x.resolved_at?.toISOString() ?? null,
        minutes: Math.max(0, Math.round((end - start) / 60_000)),
      };
    }),
    deployments: {
      total: i.deployments.reduce((a, d) => a + d.total, 0),
      failed: i.deployments.reduce((a, d) => a + d.failed, 0),
    },
    breaches: targets.filter((t) => t.breached || t.p95_breached).length,
    credit_percent: Math.max(0, ...targets.map((t) => t.credit_percent)),
  };
}
