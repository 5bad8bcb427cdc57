/**
 * Metric threshold rules, evaluated on a schedule: the average of the metric
 * over the last window against the threshold (above / below), or the change
 * in % between the last window and the one before it (change_percent: a
 * positive threshold fires on a rise of at least that much, a negative one on
 * a drop). A rule on no project watches every project that reports the metric;
 * each project is its own subject. A window without points decides nothing
 * (the alert stays as it is), and a project in maintenance opens no alert.
 */
import type { Sql } from "../../db/client.ts";
import { type AlertRuleRow, metricAverage, projectsWithMetric } from "../../db/queries/alert_rules.ts";
import { openAlertOf } from "../../db/queries/alerts.ts";
import type { AuditContext } from "../audits/record.ts";
import { activeMaintenance } from "../maintenance/coverage.ts";
import { openAlertFor, resolveBySystem } from "./transitions.ts";

export interface Reading {
  value: number;
  breached: boolean;
}

/** The rule's value for one project now, or null when the window(s) hold no points. */
export async function readMetric(
  tx: Sql,
  rule: AlertRuleRow,
  projectId: string,
  now: Date,
): Promise<Reading | null> {
  const windowMs = rule.window_seconds! * 1000;
  const from = new Date(now.getTime() - windowMs);
  const current = await metricAverage(tx, rule.tenant_id, projectId, rule.metric_type!, from, now);
  if (current === null) return null;
  const threshold = rule.threshold!;
  if (rule.operator === "above") return { value: current, breached: current > threshold };
  if (rule.operator === "below") return { value: current, breached: current < threshold };
  const before = new Date(from.getTime() - windowMs);
  const previous = await metricAverage(tx, rule.tenant_id, projectId, rule.metric_type!, before, from);
  // A change from nothing (no points, or zero) has no percentage.
  if (previous === null || previous === 0) return null;
  const change = ((current - previous) / Math.abs(previous)) * 100;
  return { value: change, breached: threshold >= 0 ? change >= threshold : change <= threshold };
}

const round = (v: number) => Math.round(v * 100) / 100;

function summary(rule: AlertRuleRow, projectName: string, value: number): string {
  const minutes = Math.round(rule.window_seconds! / 60);
  if (rule.operator === "change_percent") {
    return `${rule.metric_type} changed ${value >= 0 ? "+" : ""}${round(value)}% on ${projectName} ` +
      `(last ${minutes} min vs the ${minutes} min before; threshold ${rule.threshold}%)`;
  }
  return `${rule.metric_type} averaged ${round(value)} on ${projectName} over ${minutes} min ` +
    `(${rule.operator} ${rule.threshold})`;
}

/** Evaluates one metric rule for each of its projects, opening and resolving alerts. */
export async function evaluateMetricRule(tx: Sql, ctx: AuditContext, rule: AlertRuleRow): Promise<void> {
  const now = ctx.now;
  const lookback = new Date(now.getTime() - 2 * rule.window_seconds! * 1000);
  const projects = rule.project_id
    ? [{ id: rule.project_id, name: rule.project_name ?? "a project" }]
    : await projectsWithMetric(tx, rule.tenant_id, rule.metric_type!, lookback, now);
  const muted = await activeMaintenance(tx, rule.tenant_id, projects.map((p) => p.id), now);
  for (const project of projects) {
    const reading = await readMetric(tx, rule, project.id, now);
    if (!reading) continue;
    const key = `project:${project.id}`;
    if (!reading.breached) {
      const open = await openAlertOf(tx, rule.tenant_id, rule.id, key);
      if (open) {
        await resolveBySystem(tx, ctx, rule.tenant_id, [open], `Back within threshold: ${round(reading.value)}`);
      }
      continue;
    }
    if (muted.has(project.id)) continue;
    await openAlertFor(tx, ctx, rule, {
      key,
      projectId: project.id,
      checkId: null,
      summary: summary(rule, project.name, reading.value),
      value: reading.value,
      context: { project_name: project.name, metric_type: rule.metric_type, window_seconds: rule.window_seconds },
    });
  }
}
