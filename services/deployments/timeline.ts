/**
 * What the pages show beyond the row itself: a deployment's status history,
 * read from its audit rows (every change is audited with who and when, so
 * there is no second history to keep in step), and a project's deployments.
 * Only names leave here, never IP addresses or user agents.
 */
import type { Sql } from "../../db/client.ts";
import { listAudits } from "../../db/queries/audits.ts";
import { userDisplayNames } from "../../db/queries/change_requests.ts";
import {
  type DeploymentRow,
  type DeploymentStatus,
  latestPerEnvironment,
  listDeployments as queryDeployments,
} from "../../db/queries/deployments.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { loadProjectFor, type ProjectRow } from "../projects/access.ts";
import { findVisible } from "./deployments.ts";

export interface StatusChange {
  id: string;
  /** null for the deployment being recorded. */
  from: DeploymentStatus | null;
  to: DeploymentStatus;
  actor: string;
  at: Date;
}

/** A deployment has a handful of changes; this bounds a pathological one. */
const MAX_ENTRIES = 100;

export async function deploymentWithTimeline(
  sql: Sql,
  principal: Principal,
  id: string,
): Promise<{ deployment: DeploymentRow; timeline: StatusChange[] }> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const deployment = await findVisible(tx, principal, id);
    const rows = await listAudits(
      tx,
      { tenantId: principal.tenantId, resourceType: "deployment", resourceId: id },
      MAX_ENTRIES,
    );
    const userIds = [...new Set(rows.flatMap((r) => (r.actor_user_id ? [r.actor_user_id] : [])))];
    const names = await userDisplayNames(tx, principal.tenantId, userIds);
    const timeline = rows.reverse().flatMap((row): StatusChange[] => {
      const before = row.details.before as { status?: DeploymentStatus } | undefined;
      const after = row.details.after as { status?: DeploymentStatus } | undefined;
      if (!after?.status || before?.status === after.status) return [];
      const name = (row.actor_user_id && names.get(row.actor_user_id)) ?? row.actor_label ?? "system";
      const actor = row.actor_api_key_id ? `${name} (API key)` : name;
      return [{ id: row.id, from: before?.status ?? null, to: after.status, actor, at: row.created_at }];
    });
    return { deployment, timeline };
  });
}

/** How many recent deployments the project's tab lists. */
export const PROJECT_RECENT = 20;

/** The project hub's Deployments tab: the latest per environment, and the most recent ones. */
export async function projectDeployments(
  sql: Sql,
  principal: Principal,
  projectId: string,
): Promise<{ project: ProjectRow; latest: DeploymentRow[]; recent: DeploymentRow[]; more: boolean }> {
  const { project } = await loadProjectFor(sql, principal, projectId);
  authorize(principal, "deployments", "read");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const latest = await latestPerEnvironment(tx, principal.tenantId, project.id);
    const recent = await queryDeployments(tx, principal.tenantId, {
      projectId: project.id,
      clientId: principal.clientId,
      limit: PROJECT_RECENT,
    });
    return { project, latest, recent: recent.slice(0, PROJECT_RECENT), more: recent.length > PROJECT_RECENT };
  });
}
