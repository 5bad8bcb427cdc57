/**
 * Permanent deletion of a project (admins, `projects:delete`). Nothing
 * cascades silently: while anything refers to the project (SOWs, change
 * requests, deployments, checks, metrics, alerts, rules) deletion is refused
 * with a 409 naming them, and archiving is the way to remove it. Only its
 * environments go with it; the audit trail stays.
 */
import type { Sql } from "../../db/client.ts";
import {
  deleteProject as removeProject,
  getProject,
  type ProjectDependents,
  projectDependents,
} from "../../db/queries/projects.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { ConflictError, NotFoundError } from "../platform/errors.ts";
import type { ProjectWithEnvironments } from "./schemas.ts";
import { snapshot, withEnvironments } from "./projects.ts";

const LABELS: Record<keyof ProjectDependents, [string, string]> = {
  sows: ["SOW", "SOWs"],
  change_requests: ["change request", "change requests"],
  deployments: ["deployment", "deployments"],
  health_checks: ["health check", "health checks"],
  metric_snapshots: ["metric point", "metric points"],
  alert_rules: ["alert rule", "alert rules"],
  alerts: ["alert", "alerts"],
  notification_rules: ["notification rule", "notification rules"],
  maintenance_windows: ["maintenance window", "maintenance windows"],
};

/** "3 deployments", "1 SOW"… for every kind of row that blocks the delete. */
export function projectBlockers(deps: ProjectDependents): string[] {
  return (Object.keys(LABELS) as (keyof ProjectDependents)[])
    .filter((k) => deps[k] > 0)
    .map((k) => `${deps[k]} ${LABELS[k][deps[k] === 1 ? 0 : 1]}`);
}

export interface ProjectDeletePreview {
  project: ProjectWithEnvironments;
  /** What refers to the project; deletion is refused unless this is empty. */
  blockers: string[];
}

async function loadForDelete(tx: Sql, principal: Principal, id: string): Promise<ProjectDeletePreview> {
  const row = await getProject(tx, principal.tenantId, id, principal.clientId, { forUpdate: true });
  if (!row) throw new NotFoundError("Project not found");
  authorize(principal, "projects", "delete");
  const [project] = await withEnvironments(tx, principal.tenantId, [row]);
  return { project, blockers: projectBlockers(await projectDependents(tx, principal.tenantId, id)) };
}

/** The confirmation page's facts. */
export async function projectDeletePreview(sql: Sql, principal: Principal, id: string): Promise<ProjectDeletePreview> {
  authorize(principal, "projects", "read");
  return await withTenant(sql, principal.tenantId, (tx) => loadForDelete(tx, principal, id));
}

export async function deleteProject(sql: Sql, principal: Principal, id: string, ctx: AuditContext): Promise<void> {
  authorize(principal, "projects", "read");
  await withTenant(sql, principal.tenantId, async (tx) => {
    const { project, blockers } = await loadForDelete(tx, principal, id);
    if (blockers.length) {
      throw new ConflictError(
        `Cannot delete project "${project.name}": it has ${joinWords(blockers)}. Archive it instead`,
      );
    }
    await removeProject(tx, principal.tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "project.delete",
      resourceType: "project",
      resourceId: id,
      before: snapshot(project),
    });
  });
}

/** "a, b and c". */
export function joinWords(items: string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
