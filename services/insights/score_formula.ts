/**
 * The ops score, version 1: seven components, each 0–100, and their weighted
 * mean over the components that had data. docs/insights.md states every
 * formula below in words; a change to any of them is a new FORMULA_VERSION
 * (stored rows keep the version that computed them).
 */

export const FORMULA_VERSION = 1;

/** What a period's score is computed from; every field is a count or a sum, so a client's inputs are its projects' sums. */
export interface ScoreInputs {
  /** check_results_daily over the period's checks: up + degraded, and all results. */
  results_up: number;
  results_total: number;
  /** Alerts triggered in the period and later acknowledged: count and summed seconds to acknowledge. */
  acked: number;
  ack_seconds: number;
  /** Alerts resolved in the period: count and summed seconds from trigger to resolution. */
  resolved: number;
  resolve_seconds: number;
  /** Delivery metrics over the period (deployment_daily): went out, failed or rolled back, finished. */
  deployments: number;
  failures: number;
  finished: number;
  /** Alerts triggered in the period, and those resolved by the system within 5 minutes, never acknowledged. */
  alerts: number;
  short_alerts: number;
  /** Checks not paused, flapping among them, covered by an alert rule and a working channel. */
  checks: number;
  flapping_checks: number;
  covered_checks: number;
  /** Heartbeat checks, and those with a duration bound. */
  heartbeats: number;
  bounded_heartbeats: number;
  /** What Opsdeck did by itself: events held back (maintenance, dependency), alerts it resolved, digested messages. */
  held_back_events: number;
  auto_resolved_alerts: number;
  digested_notifications: number;
  /** Days in the period so far (a running week counts the days up to now). */
  days: number;
}

export const EMPTY_INPUTS: ScoreInputs = {
  results_up: 0,
  results_total: 0,
  acked: 0,
  ack_seconds: 0,
  resolved: 0,
  resolve_seconds: 0,
  deployments: 0,
  failures: 0,
  finished: 0,
  alerts: 0,
  short_alerts: 0,
  checks: 0,
  flapping_checks: 0,
  covered_checks: 0,
  heartbeats: 0,
  bounded_heartbeats: 0,
  held_back_events: 0,
  auto_resolved_alerts: 0,
  digested_notifications: 0,
  days: 0,
};

export const COMPONENTS = [
  "uptime",
  "mtta",
  "mttr",
  "change_failure",
  "deploy_frequency",
  "alert_noise",
  "coverage",
] as const;
export type ComponentName = typeof COMPONENTS[number];

/** Weights sum to 100; a component without data drops out and the others are rescaled. */
export const WEIGHTS: Record<ComponentName, number> = {
  uptime: 30,
  mtta: 10,
  mttr: 15,
  change_failure: 15,
  deploy_frequency: 10,
  alert_noise: 10,
  coverage: 10,
};

/** Uptime target when no signed or active SOW of the project sets one (sla_targets). */
export const DEFAULT_UPTIME_TARGET = 99.9;

/** Minutes a person would have spent on each thing Opsdeck did instead (shown on the page). */
export const TIME_SAVED_ASSUMPTIONS = {
  held_back_event_minutes: 5,
  auto_resolved_alert_minutes: 10,
  digested_notification_minutes: 2,
} as const;

export interface Component {
  score: number | null;
  weight: number;
  /** The measured value the score came from (per cent, minutes, per week), null without data. */
  value: number | null;
}

export interface ScoreResult {
  score: number | null;
  components: Record<ComponentName, Component>;
  time_saved_hours: number;
  active_tools_count: number;
}

const clamp = (n: number) => Math.min(100, Math.max(0, n));
/** 100 at or below `good`, 0 at or above `bad`, linear between. */
const lowerIsBetter = (v: number, good: number, bad: number) => clamp(100 * (bad - v) / (bad - good));
const round1 = (n: number) => Math.round(n * 10) / 10;

export function uptimeScore(uptimePercent: number, target = DEFAULT_UPTIME_TARGET): number {
  // Full marks within the error budget (100 − target), 0 at ten times the budget spent.
  // A 100 % target has no budget at all: held to 99.999 % so a single failure is not a division by zero.
  const budgetsSpent = (100 - uptimePercent) / (100 - Math.min(target, 99.999));
  return budgetsSpent <= 1 ? 100 : clamp(100 * (10 - budgetsSpent) / 9);
}

export function computeScore(i: ScoreInputs, uptimeTarget = DEFAULT_UPTIME_TARGET): ScoreResult {
  const weeks = Math.max(i.days, 1) / 7;
  const uptime = i.results_total ? 100 * i.results_up / i.results_total : null;
  const mtta = i.acked ? i.ack_seconds / i.acked / 60 : null;
  const mttr = i.resolved ? i.resolve_seconds / i.resolved / 60 : null;
  const cfr = i.finished ? i.failures / i.finished : null;
  const perWeek = i.deployments / weeks;
  const alertsPerCheckWeek = i.checks ? i.alerts / i.checks / weeks : null;
  const covered = i.checks ? i.covered_checks / i.checks : null;
  const bounded = i.heartbeats ? i.bounded_heartbeats / i.heartbeats : null;

  const scores: Record<ComponentName, [number | null, number | null]> = {
    uptime: [uptime === null ? null : uptimeScore(uptime, uptimeTarget), uptime],
    mtta: [mtta === null ? null : lowerIsBetter(mtta, 5, 60), mtta],
    mttr: [mttr === null ? null : lowerIsBetter(mttr, 30, 480), mttr],
    change_failure: [cfr === null ? null : lowerIsBetter(cfr, 0.15, 0.6), cfr === null ? null : 100 * cfr],
    // log scale: one a week is 39, five a week (daily) or more is 100; no data without a finished deployment
    deploy_frequency: [
      i.finished ? clamp(100 * Math.log2(1 + perWeek) / Math.log2(6)) : null,
      i.finished ? perWeek : null,
    ],
    alert_noise: [
      alertsPerCheckWeek === null ? null : clamp(
        100 - 40 * Math.min(1, alertsPerCheckWeek / 3) - 40 * (i.alerts ? i.short_alerts / i.alerts : 0) -
          20 * (i.flapping_checks / i.checks),
      ),
      alertsPerCheckWeek,
    ],
    coverage: [
      covered === null ? null : 100 * (bounded === null ? covered : 0.8 * covered + 0.2 * bounded),
      covered === null ? null : 100 * covered,
    ],
  };
  const components = Object.fromEntries(
    COMPONENTS.map((name) => {
      const [score, value] = scores[name];
      return [name, {
        score: score === null ? null : Math.round(score),
        weight: WEIGHTS[name],
        value: value === null ? null : round1(value),
      }];
    }),
  ) as Record<ComponentName, Component>;
  let weighted = 0;
  let weights = 0;
  for (const name of COMPONENTS) {
    const s = scores[name][0];
    if (s === null) continue;
    weighted += WEIGHTS[name] * s;
    weights += WEIGHTS[name];
  }
  const a = TIME_SAVED_ASSUMPTIONS;
  const minutes = i.held_back_events * a.held_back_event_minutes +
    i.auto_resolved_alerts * a.auto_resolved_alert_minutes +
    i.digested_notifications * a.digested_notification_minutes;
  return {
    score: weights ? Math.round(weighted / weights) : null,
    components,
    time_saved_hours: Math.round(minutes / 60 * 100) / 100,
    active_tools_count: [i.checks > 0, i.heartbeats > 0, i.covered_checks > 0, i.finished > 0, i.alerts > 0]
      .filter(Boolean).length,
  };
}

/** A client's (or any group's) inputs: the sum of its projects'. */
export function sumInputs(all: ScoreInputs[]): ScoreInputs {
  const total = { ...EMPTY_INPUTS };
  for (const i of all) {
    for (const k of Object.keys(total) as (keyof ScoreInputs)[]) {
      if (k !== "days") total[k] += i[k];
    }
    total.days = Math.max(total.days, i.days);
  }
  return total;
}
