/** What the check form offers: the viewer's projects, their environments and the checks a new one may depend on. */
import type { Sql } from "../../db/client.ts";
import { projectChoices } from "../../db/queries/deployments.ts";
import { checkChoices } from "../../db/queries/health_checks.ts";
import { listEnvironments } from "../../db/queries/project_environments.ts";
import { withTenant } from "../../db/tenant.ts";
import type { Principal } from "../auth/permissions.ts";

export function checkFormChoices(sql: Sql, principal: Principal) {
  return withTenant(sql, principal.tenantId, async (tx) => {
    const [projects, parents] = await Promise.all([
      projectChoices(tx, principal.tenantId, principal.clientId),
      checkChoices(tx, principal.tenantId, principal.clientId),
    ]);
    const environments = await listEnvironments(tx, principal.tenantId, projects.map((p) => p.id));
    return { projects, parents, environments };
  });
}
