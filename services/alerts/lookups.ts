/** What the alert pages look up besides alerts: the rule form's choices, and the viewer's time zone for snoozes. */
import type { Sql } from "../../db/client.ts";
import { type RuleFormOptions, ruleFormOptions } from "../../db/queries/alert_rules.ts";
import { userTimezone } from "../../db/queries/alerts.ts";
import { withTenant } from "../../db/tenant.ts";
import type { Principal } from "../auth/permissions.ts";

/** Projects, checks and channels of the tenant. */
export function alertRuleFormOptions(sql: Sql, principal: Principal): Promise<RuleFormOptions> {
  return withTenant(sql, principal.tenantId, (tx) => ruleFormOptions(tx, principal.tenantId));
}

/** The viewer's time zone ("until tomorrow 09:00" is their 09:00); UTC when unset. */
export function viewerTimeZone(sql: Sql, principal: Principal): Promise<string> {
  return withTenant(sql, principal.tenantId, (tx) => userTimezone(tx, principal.tenantId, principal.userId));
}
