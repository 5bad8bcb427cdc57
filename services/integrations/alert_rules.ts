/** Which alert rules file an issue by themselves (PUT /api/v1/integrations/{id}/alert-rules/{rule_id}). */
import type { Sql } from "../../db/client.ts";
import { getAlertRule } from "../../db/queries/alert_rules.ts";
import { autoRules, setAutoRule } from "../../db/queries/integration_links.ts";
import { getIntegration } from "../../db/queries/integrations.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { NotFoundError } from "../platform/errors.ts";

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
    const integration = await getIntegration(tx, principal.tenantId, integrationId);
    if (!integration || integration.platform !== "linear") throw new NotFoundError("Integration not found");
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
