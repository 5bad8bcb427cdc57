import type { Sql } from "../client.ts";

export interface EnvironmentRow {
  id: string;
  project_id: string;
  name: string;
  url: string | null;
  position: number;
}

/** The environments of some projects, in their order. */
export async function listEnvironments(sql: Sql, tenantId: string, projectIds: string[]): Promise<EnvironmentRow[]> {
  if (projectIds.length === 0) return [];
  return await sql<EnvironmentRow[]>`
    SELECT id, project_id, name, url, position FROM project_environments
    WHERE tenant_id = ${tenantId} AND project_id = ANY(${projectIds}::uuid[])
    ORDER BY project_id, position, name`;
}

/** One environment of one project, or undefined when `id` is another project's (or nobody's). */
export async function environmentOf(
  sql: Sql,
  tenantId: string,
  projectId: string,
  id: string,
): Promise<EnvironmentRow | undefined> {
  const [row] = await sql<EnvironmentRow[]>`
    SELECT id, project_id, name, url, position FROM project_environments
    WHERE tenant_id = ${tenantId} AND project_id = ${projectId} AND id = ${id}`;
  return row;
}

/** Deployments per environment name: an environment with deployments cannot be removed (FK RESTRICT). */
export async function deploymentCounts(sql: Sql, tenantId: string, projectId: string): Promise<Map<string, number>> {
  const rows = await sql<{ environment: string; count: number }[]>`
    SELECT environment, count(*)::int AS count FROM deployments
    WHERE tenant_id = ${tenantId} AND project_id = ${projectId}
    GROUP BY environment`;
  return new Map(rows.map((r) => [r.environment, r.count]));
}

/**
 * Makes a project's environments exactly `wanted`, matching by name: kept
 * names keep their row (and their deployments), others are removed or added.
 */
export async function replaceEnvironments(
  sql: Sql,
  tenantId: string,
  projectId: string,
  wanted: { name: string; url: string | null }[],
): Promise<void> {
  const names = wanted.map((e) => e.name);
  await sql`
    DELETE FROM project_environments
    WHERE tenant_id = ${tenantId} AND project_id = ${projectId} AND NOT (name = ANY(${names}::text[]))`;
  for (const [position, env] of wanted.entries()) {
    await sql`
      INSERT INTO project_environments (tenant_id, project_id, name, url, position)
      VALUES (${tenantId}, ${projectId}, ${env.name}, ${env.url}, ${position})
      ON CONFLICT (tenant_id, project_id, name) DO UPDATE SET url = EXCLUDED.url, position = EXCLUDED.position`;
  }
}
