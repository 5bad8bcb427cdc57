/**
 * Which alert rules file an issue by themselves: listed with every rule of
 * the tenant (settings:read, GET /api/v1/integrations/{id}/alert-rules and the
 * page /integrations/{id}/alert-rules), set per rule (settings:manage,
 * PUT …/alert-rules/{rule_id}). Only Linear files issues; any other
 * integration's id is a 404 here.
 */
import type { Sql } from "../../db/client.ts";
import { getAlertRule } from "../../db/queries/alert_rules.ts";
import { autoRules, rulesWithFiling, setAutoRule } from "../../db/queries/integration_links.ts";
import { getIntegration, type IntegrationRow } from "../../db/queries/integrations.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { NotFoundError } from "../platform/errors.ts";

/** More rules than a tenant keeps in practice; the page and the API say when the list was cut. */
export const RULES_SHOWN = 500;

async function linearIntegration(tx: Sql, principal: Principal, id: string): Promise<IntegrationRow> {
  const integration = await getIntegration(tx, principal.tenantId, id);
  if (!integration || integration.platform !== "linear") throw new NotFoundError("Integration not found");
  return integration;
}

export async function listAlertRuleFiling(sql: Sql, principal: Principal, integrationId: string) {
  authorize(principal, "settings", "read");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const integration = await linearIntegration(tx, principal, integrationId);
    const rules = await rulesWithFiling(tx, principal.tenantId, integrationId, RULES_SHOWN + 1);
    return {
      integration,
      rules: rules.slice(0, RULES_SHOWN),
      more: rules.length > RULES_SHOWN,
      canManage: can(principal, "settings", "manage"),
    };
  });
}

export async function setAlertRuleAuto(
  sql: Sql,
  principal: Principal,
  integrationId: string,
  ruleId: string,
  enabled: boolean,
  ctx: AuditContext,
): Promise<string[]> {
  authorize(principal, "settings", "manage");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    await linearIntegration(tx, principal, integrationId);
    if (!(await getAlertRule(tx, principal.tenantId, ruleId))) throw new NotFoundError("Alert rule not found");
    await setAutoRule(tx, principal.tenantId, integrationId, ruleId, enabled);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: enabled ? "integration.alert_rule_on" : "integration.alert_rule_off",
      resourceType: "integration",
      resourceId: integrationId,
      details: { rule_id: ruleId },
    });
    return await autoRules(tx, principal.tenantId, integrationId);
  });
}
