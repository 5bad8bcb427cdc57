import type { Sql } from "../client.ts";

export interface ProtectedEnvironmentRow {
  project_id: string;
  project_name: string;
  environment: string;
  protected: boolean;
}

/** Whether the project's environment `name` (any case) is protected; false for one not created yet. */
export async function environmentIsProtected(
  sql: Sql,
  tenantId: string,
  projectId: string,
  name: string,
): Promise<boolean> {
  const [row] = await sql<{ protected: boolean }[]>`
    SELECT protected FROM project_environments
    WHERE tenant_id = ${tenantId} AND project_id = ${projectId} AND lower(name) = lower(${name})`;
  return row?.protected ?? false;
}

/** Every environment of the tenant's (client's) projects with its protection, by project then position. */
export async function listEnvironmentProtection(
  sql: Sql,
  tenantId: string,
  clientId: string | null,
): Promise<ProtectedEnvironmentRow[]> {
  return await sql<ProtectedEnvironmentRow[]>`
    SELECT e.project_id, p.name AS project_name, e.name AS environment, e.protected
    FROM project_environments e JOIN projects p ON p.tenant_id = e.tenant_id AND p.id = e.project_id
    WHERE e.tenant_id = ${tenantId} AND p.archived_at IS NULL
      ${clientId ? sql`AND p.client_id = ${clientId}` : sql``}
    ORDER BY p.name, e.position, e.name
    LIMIT 1000`;
}

/** Sets protection; the environment's stored name, or undefined when the project has no such environment. */
export async function setEnvironmentProtection(
  sql: Sql,
  tenantId: string,
  projectId: string,
  name: string,
  isProtected: boolean,
): Promise<{ name: string; was: boolean } | undefined> {
  const [row] = await sql<{ name: string; was: boolean }[]>`
    UPDATE project_environments e SET protected = ${isProtected}
    FROM project_environments old
    WHERE old.id = e.id AND e.tenant_id = ${tenantId} AND e.project_id = ${projectId}
      AND lower(e.name) = lower(${name})
    RETURNING e.name, old.protected AS was`;
  return row;
}
