/**
 * Query threshold rules: a saved query's number (the first row's first column,
 * or the row count) against the threshold (above / below), or its change in %
 * since the previous evaluation (change_percent: a positive threshold fires on
 * a rise of at least that much, a negative one on a drop). The query runs
 * outside any transaction (it may take its whole timeout); what it read is
 * then applied in the rule's transaction. A query that fails opens and
 * resolves nothing: the rule keeps the error, shown on the rules page, and
 * query_alert_history keeps every evaluation.
 */
import type { Sql } from "../../db/client.ts";
import type { AlertRuleRow } from "../../db/queries/alert_rules.ts";
import { openAlertOf } from "../../db/queries/alerts.ts";
import { recordQueryEvaluation } from "../../db/queries/query_alerts.ts";
import type { AuditContext } from "../audits/record.ts";
import { activeMaintenance } from "../maintenance/coverage.ts";
import type { SourceDeps } from "../data_sources/data_sources.ts";
import type { ParameterValues } from "../data_sources/parameters.ts";
import { numberOf, runSavedQueryAsSystem } from "../data_sources/system_run.ts";
import { AppError } from "../platform/errors.ts";
import { openAlertFor, resolveBySystem } from "./transitions.ts";

export type QueryReading = { value: number; error: null } | { value: null; error: string };

/** Runs the rule's query; a failure is a reading too (its message a human can act on). */
export async function readQuery(
  sql: Sql,
  rule: AlertRuleRow,
  deps: SourceDeps & { now: () => Date },
): Promise<QueryReading> {
  try {
    const values = (rule.query_parameters ?? {}) as ParameterValues;
    const result = await runSavedQueryAsSystem(sql, rule.tenant_id, rule.query_id!, values, deps);
    return { value: numberOf(result, rule.query_measure!), error: null };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { value: null, error: error.message };
  }
}

const round = (v: number) => Math.round(v * 100) / 100;

/** Whether the reading crosses the threshold; null when change_percent has nothing to compare with. */
function breach(rule: AlertRuleRow, value: number): { breached: boolean; shown: number } | null {
  const threshold = rule.threshold!;
  if (rule.operator === "above") return { breached: value > threshold, shown: value };
  if (rule.operator === "below") return { breached: value < threshold, shown: value };
  const previous = rule.last_value;
  // A change from nothing (first run, or zero) has no percentage.
  if (previous === null || previous === 0) return null;
  const change = ((value - previous) / Math.abs(previous)) * 100;
  return { breached: threshold >= 0 ? change >= threshold : change <= threshold, shown: change };
}

function summary(rule: AlertRuleRow, shown: number): string {
  const what = rule.query_measure === "row_count" ? "row count" : "value";
  const name = rule.query_name ?? "A saved query";
  if (rule.operator === "change_percent") {
    return `${name}: ${what} changed ${shown >= 0 ? "+" : ""}${round(shown)}% since the last run ` +
      `(threshold ${rule.threshold}%)`;
  }
  return `${name}: ${what} is ${round(shown)} (${rule.operator} ${rule.threshold})`;
}

/** Applies a reading in the rule's transaction: opens or resolves its one alert, records the evaluation. */
export async function applyQueryReading(
  tx: Sql,
  ctx: AuditContext,
  rule: AlertRuleRow,
  reading: QueryReading,
): Promise<void> {
  const base = { tenantId: rule.tenant_id, ruleId: rule.id, at: ctx.now, value: reading.value };
  if (reading.error !== null) {
    await recordQueryEvaluation(tx, { ...base, conditionMet: false, notificationSent: false, error: reading.error });
    return;
  }
  const verdict = breach(rule, reading.value);
  const key = `query:${rule.query_id}`;
  let notificationSent = false;
  const muted = verdict?.breached && rule.project_id &&
    (await activeMaintenance(tx, rule.tenant_id, [rule.project_id], ctx.now)).has(rule.project_id);
  if (verdict?.breached && !muted) {
    const opened = await openAlertFor(tx, ctx, rule, {
      key,
      projectId: rule.project_id,
      checkId: null,
      summary: summary(rule, verdict.shown),
      value: reading.value,
      context: { query_name: rule.query_name, query_measure: rule.query_measure, operator: rule.operator },
    });
    // a new alert is announced (alert.triggered → notification rules); one already open is not again
    notificationSent = opened !== undefined;
  } else if (verdict && !verdict.breached) {
    const open = await openAlertOf(tx, rule.tenant_id, rule.id, key);
    if (open) await resolveBySystem(tx, ctx, rule.tenant_id, [open], `Back within threshold: ${round(verdict.shown)}`);
  }
  await recordQueryEvaluation(tx, { ...base, conditionMet: verdict?.breached ?? false, notificationSent, error: null });
}
