/**
 * The project hub's live strip (GET /projects/{id}/live, polled like a
 * check page's live part): health of its checks, open alerts, and the latest
 * deployment per environment. A project the reader cannot see (another
 * tenant's, another client's) is a 404, as on the hub itself; each part is
 * shown only to a reader of its resource.
 */
import type { Sql } from "../../db/client.ts";
import { type DeploymentRow, latestPerEnvironment } from "../../db/queries/deployments.ts";
import { getProject, type ProjectRow } from "../../db/queries/projects.ts";
import { projectNow, type ProjectNowRow } from "../../db/queries/project_live.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { NotFoundError } from "../platform/errors.ts";

export interface ProjectLive {
  project: Pick<ProjectRow, "id" | "name">;
  /** null: the reader may not read that part. */
  checks: ProjectNowRow["checks"] | null;
  alerts: ProjectNowRow["alerts"] | null;
  deployments: DeploymentRow[] | null;
}

export async function projectLive(sql: Sql, principal: Principal, id: string): Promise<ProjectLive> {
  authorize(principal, "projects", "read");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const project = await getProject(tx, tenantId, id, principal.clientId);
    if (!project) throw new NotFoundError("Project not found");
    const [now, deployments] = await Promise.all([
      projectNow(tx, tenantId, project.id),
      can(principal, "deployments", "read") ? latestPerEnvironment(tx, tenantId, project.id) : null,
    ]);
    return {
      project: { id: project.id, name: project.name },
      checks: can(principal, "health_checks", "read") ? now.checks : null,
      alerts: can(principal, "alerts", "read") ? now.alerts : null,
      deployments,
    };
  });
}
