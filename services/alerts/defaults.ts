/**
 * The alert rules an organisation starts with, so that a check going down
 * opens an alert with no set-up (issue 12): tenant-wide, critical, editable
 * and deletable like any rule. db/migrations/00036 gave the same two, once,
 * to organisations that had no rule at all.
 */
import type { Sql } from "../../db/client.ts";
import { type AlertRuleRow, insertAlertRule, type RuleFields } from "../../db/queries/alert_rules.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";

export const DEFAULT_ALERT_RULES: Pick<AlertRuleRow, "name" | "kind">[] = [
  { name: "A check is down", kind: "check_down" },
  { name: "A heartbeat is missing", kind: "heartbeat_missed" },
];

/** Inside the new tenant's transaction; one audit row per rule. */
export async function createDefaultAlertRules(tx: Sql, tenantId: string, ctx: AuditContext): Promise<void> {
  for (const d of DEFAULT_ALERT_RULES) {
    const rule: RuleFields = {
      ...d,
      project_id: null,
      check_id: null,
      severity: "critical",
      enabled: true,
      metric_type: null,
      operator: null,
      threshold: null,
      window_seconds: null,
      days_before: null,
      environment: null,
      repeat_interval_minutes: null,
      escalate_after_minutes: null,
      escalation_channel_id: null,
      query_id: null,
      query_measure: null,
      query_parameters: null,
      interval_seconds: null,
    };
    const id = await insertAlertRule(tx, tenantId, rule, ctx.now);
    await recordAudit(tx, ctx, {
      tenantId,
      action: "alert_rule.create",
      resourceType: "alert_rule",
      resourceId: id,
      after: rule,
      details: { via: "organisation defaults" },
    });
  }
}
