/**
 * The scoped project loader every project-scoped feature goes through
 * (Healthchecks' `_get_check_for_user`): a project the caller cannot see is
 * "not found", whether it is unknown, another tenant's, or (for client users)
 * another client's — so ids never leak.
 */
import type { Sql } from "../../db/client.ts";
import { withTenant } from "../../db/tenant.ts";
import { getProject, type ProjectRow } from "../../db/queries/projects.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { ConflictError, NotFoundError } from "../platform/errors.ts";
import { isUuid } from "../platform/ids.ts";

export type { ProjectRow };

/** Loads a project the principal may read; throws NotFoundError otherwise. */
export async function loadProjectFor(
  sql: Sql,
  principal: Principal,
  projectId: string,
): Promise<{ project: ProjectRow; canWrite: boolean }> {
  authorize(principal, "projects", "read");
  if (!isUuid(projectId)) throw new NotFoundError("Project not found");
  const project = await withTenant(
    sql,
    principal.tenantId,
    (tx) => getProject(tx, principal.tenantId, projectId, principal.clientId),
  );
  if (!project) throw new NotFoundError("Project not found");
  return { project, canWrite: can(principal, "projects", "write") };
}

/** New work on an archived project is a 409 saying what was refused (restore the project first). */
export function requireActiveProject(project: ProjectRow, refused: string): void {
  if (project.archived_at) throw new ConflictError(`Project "${project.name}" is archived: ${refused}`);
}
