/** What the alert pages look up besides alerts: the rule form's choices, and the viewer's time zone for snoozes. */
import type { Sql } from "../../db/client.ts";
import { type AlertRuleRow, type RuleFormOptions, ruleFormOptions } from "../../db/queries/alert_rules.ts";
import { listQueryAlertHistory } from "../../db/queries/query_alerts.ts";
import { userTimezone } from "../../db/queries/alerts.ts";
import { withTenant } from "../../db/tenant.ts";
import { can, type Principal } from "../auth/permissions.ts";

/** Projects, checks and channels of the tenant; the saved queries the user may read. */
export function alertRuleFormOptions(sql: Sql, principal: Principal): Promise<RuleFormOptions> {
  const userId = can(principal, "saved_queries", "read") ? principal.userId : undefined;
  return withTenant(sql, principal.tenantId, (tx) => ruleFormOptions(tx, principal.tenantId, userId));
}

/** A query rule's latest evaluations (empty for other kinds). */
export async function queryRuleHistory(sql: Sql, principal: Principal, rule: AlertRuleRow) {
  if (rule.kind !== "query_threshold") return [];
  return await withTenant(sql, principal.tenantId, (tx) => listQueryAlertHistory(tx, principal.tenantId, rule.id, 20));
}

/** The viewer's time zone ("until tomorrow 09:00" is their 09:00); UTC when unset. */
export function viewerTimeZone(sql: Sql, principal: Principal): Promise<string> {
  return withTenant(sql, principal.tenantId, (tx) => userTimezone(tx, principal.tenantId, principal.userId));
}
