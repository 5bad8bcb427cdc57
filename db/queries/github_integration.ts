/** GitHub through an integration: imported repositories (and their hooks) and the deployed-commit cache. */
import type { Sql } from "../client.ts";

export interface GithubRepositoryRow {
  project_id: string;
  project_name: string;
  integration_id: string;
  repository_id: string;
  full_name: string;
  default_branch: string;
  hook_id: string | null;
  hook_created_at: Date | null;
}

const REPO_COLUMNS = (sql: Sql) =>
  sql`g.project_id, p.name AS project_name, g.integration_id, g.repository_id::text AS repository_id, g.full_name,
      g.default_branch, g.hook_id::text AS hook_id, g.hook_created_at`;

/** The integration's imported repositories (the repositories page marks them). */
export async function importedRepositories(
  sql: Sql,
  tenantId: string,
  integrationId: string,
): Promise<GithubRepositoryRow[]> {
  return await sql<GithubRepositoryRow[]>`
    SELECT ${REPO_COLUMNS(sql)} FROM github_repositories g
    JOIN projects p ON p.tenant_id = g.tenant_id AND p.id = g.project_id
    WHERE g.tenant_id = ${tenantId} AND g.integration_id = ${integrationId}
    ORDER BY g.full_name`;
}

export async function repositoryOfProject(
  sql: Sql,
  tenantId: string,
  projectId: string,
  o: { forUpdate?: boolean } = {},
): Promise<GithubRepositoryRow | undefined> {
  const [row] = await sql<GithubRepositoryRow[]>`
    SELECT ${REPO_COLUMNS(sql)} FROM github_repositories g
    JOIN projects p ON p.tenant_id = g.tenant_id AND p.id = g.project_id
    WHERE g.tenant_id = ${tenantId} AND g.project_id = ${projectId}
    ${o.forUpdate ? sql`FOR UPDATE OF g` : sql``}`;
  return row;
}

/** Projects already on a repository (any spelling of its URL), oldest first; and any holding the name or slug. */
export async function projectsClaiming(
  sql: Sql,
  tenantId: string,
  o: { htmlUrl: string; name: string; slug: string },
): Promise<{ id: string; name: string; slug: string; same_repository: boolean }[]> {
  return await sql`
    SELECT id, name, slug,
      coalesce(opsdeck_repository_key(repository_url) = opsdeck_repository_key(${o.htmlUrl}), false) AS same_repository
    FROM projects
    WHERE tenant_id = ${tenantId}
      AND (opsdeck_repository_key(repository_url) = opsdeck_repository_key(${o.htmlUrl})
           OR lower(name) = lower(${o.name}) OR slug = ${o.slug})
    ORDER BY created_at, id`;
}

export async function linkRepository(
  sql: Sql,
  tenantId: string,
  r: { projectId: string; integrationId: string; repositoryId: number; fullName: string; defaultBranch: string },
): Promise<void> {
  await sql`
    INSERT INTO github_repositories (tenant_id, project_id, integration_id, repository_id, full_name, default_branch)
    VALUES (${tenantId}, ${r.projectId}, ${r.integrationId}, ${r.repositoryId}, ${r.fullName}, ${r.defaultBranch})
    ON CONFLICT (tenant_id, project_id) DO UPDATE
      SET integration_id = EXCLUDED.integration_id, repository_id = EXCLUDED.repository_id,
          full_name = EXCLUDED.full_name, default_branch = EXCLUDED.default_branch`;
}

export async function setHook(
  sql: Sql,
  tenantId: string,
  projectId: string,
  hook: { id: number; at: Date } | null,
): Promise<void> {
  await sql`
    UPDATE github_repositories SET hook_id = ${hook?.id ?? null}, hook_created_at = ${hook?.at ?? null}
    WHERE tenant_id = ${tenantId} AND project_id = ${projectId}`;
}

// --- deployed commits ---

/** A deployment was recorded: the tenant's GitHub integrations sync at the worker's next poll (a no-op when due already). */
export async function wakeGithubSync(sql: Sql, tenantId: string, now: Date): Promise<void> {
  await sql`
    UPDATE integrations SET next_sync_at = ${now}
    WHERE tenant_id = ${tenantId} AND platform = 'github' AND is_active AND status = 'connected'
      AND next_sync_at > ${now}`;
}

export interface CommitToFetch {
  repository_key: string;
  sha: string;
}

/**
 * Deployed commits of the tenant's projects on `host` that GitHub has not been
 * asked about yet, newest deployment first.
 */
export async function commitsToFetch(
  sql: Sql,
  tenantId: string,
  host: string,
  limit: number,
): Promise<CommitToFetch[]> {
  return await sql<CommitToFetch[]>`
    SELECT repository_key, sha FROM (
      SELECT DISTINCT ON (k.key, d.commit_sha) k.key AS repository_key, d.commit_sha AS sha, d.created_at
      FROM deployments d
      JOIN projects p ON p.tenant_id = d.tenant_id AND p.id = d.project_id
      CROSS JOIN LATERAL (SELECT opsdeck_repository_key(p.repository_url) AS key) k
      WHERE d.tenant_id = ${tenantId} AND p.repository_url IS NOT NULL
        AND k.key LIKE ${`${host.toLowerCase()}/%/%`}
        AND NOT EXISTS (SELECT 1 FROM github_commits c
                        WHERE c.tenant_id = d.tenant_id AND c.repository_key = k.key AND c.sha = d.commit_sha)
      ORDER BY k.key, d.commit_sha, d.created_at DESC
    ) t ORDER BY created_at DESC LIMIT ${limit}`;
}

export interface CommitFacts {
  found: boolean;
  message: string | null;
  author_name: string | null;
  author_login: string | null;
  pr_number: number | null;
  pr_title: string | null;
  pr_url: string | null;
}

export async function storeCommit(
  sql: Sql,
  tenantId: string,
  key: CommitToFetch,
  f: CommitFacts,
  at: Date,
): Promise<void> {
  await sql`
    INSERT INTO github_commits (tenant_id, repository_key, sha, found, message, author_name, author_login,
      pr_number, pr_title, pr_url, fetched_at)
    VALUES (${tenantId}, ${key.repository_key}, ${key.sha}, ${f.found}, ${f.message}, ${f.author_name},
      ${f.author_login}, ${f.pr_number}, ${f.pr_title}, ${f.pr_url}, ${at})
    ON CONFLICT (tenant_id, repository_key, sha) DO NOTHING`;
}
