/** What pages offer to pick from: the projects a viewer sees (a client user: their client's), and their tags. */
import type { Sql } from "../../db/client.ts";
import { projectChoices } from "../../db/queries/deployments.ts";
import { listProjectTags } from "../../db/queries/projects.ts";
import { listEnvironments } from "../../db/queries/project_environments.ts";
import { withTenant } from "../../db/tenant.ts";
import type { Principal } from "../auth/permissions.ts";

export function projectChoicesFor(sql: Sql, principal: Principal): Promise<{ id: string; name: string }[]> {
  return withTenant(sql, principal.tenantId, (tx) => projectChoices(tx, principal.tenantId, principal.clientId));
}

/** Tags of the viewer's active projects, most used first. */
export function projectTagsFor(sql: Sql, principal: Principal): Promise<string[]> {
  return withTenant(sql, principal.tenantId, (tx) => listProjectTags(tx, principal.tenantId, principal.clientId));
}

/** The environment names of the given projects (the board's filter: "production" across projects), sorted. */
export async function environmentNamesFor(sql: Sql, principal: Principal, projectIds: string[]): Promise<string[]> {
  const rows = await withTenant(sql, principal.tenantId, (tx) => listEnvironments(tx, principal.tenantId, projectIds));
  return [...new Set(rows.map((e) => e.name.toLowerCase()))].sort();
}
