/**
 * A connected GitHub account's repositories (settings:read: listed live from
 * GitHub, marked with the project each was imported as) and importing chosen
 * ones as projects (settings:manage and projects:write). GitHub is asked for
 * each repository first (its URL and default branch are GitHub's, not the
 * caller's); then one transaction: a repository some project already points
 * at is linked to that project (a re-import creates nothing), a name or slug
 * another project holds is a 409 naming the entry, and otherwise a project is
 * created with its audit row. Any refusal rolls the whole import back.
 */
import type { Sql } from "../../../db/client.ts";
import { getClient } from "../../../db/queries/clients.ts";
import * as gq from "../../../db/queries/github_integration.ts";
import { withTenant } from "../../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../../audits/record.ts";
import { authorize, type Principal } from "../../auth/permissions.ts";
import { ConflictError, ValidationError } from "../../platform/errors.ts";
import { insertProjectWithEnvironments } from "../../projects/projects.ts";
import { slugify } from "../../projects/slug.ts";
import type { IntegrationDeps } from "../integrations.ts";
import { githubIntegration, withGithub } from "./access.ts";
import { getRepository, GithubRefused, type GithubRepository, listRepositories } from "./client.ts";
import type { ImportInput } from "./schemas.ts";

export async function listGithubRepositories(
  sql: Sql,
  principal: Principal,
  id: string,
  deps: IntegrationDeps,
  now: Date,
) {
  authorize(principal, "settings", "read");
  await githubIntegration(sql, principal.tenantId, id);
  const listed = await withGithub(sql, deps, principal.tenantId, id, now, listRepositories);
  const imported = await withTenant(
    sql,
    principal.tenantId,
    (tx) => gq.importedRepositories(tx, principal.tenantId, id),
  );
  const byRepo = new Map(imported.map((r) => [r.repository_id, r]));
  return {
    truncated: listed.more,
    repositories: listed.repositories.map((r) => {
      const project = byRepo.get(String(r.id));
      return {
        id: r.id,
        full_name: r.full_name,
        html_url: r.html_url,
        default_branch: r.default_branch,
        private: r.private,
        description: r.description ?? null,
        project: project
          ? { id: project.project_id, name: project.project_name, webhook: project.hook_id !== null }
          : null,
      };
    }),
  };
}

export interface ImportedProject {
  full_name: string;
  project_id: string;
  project_name: string;
  repository_url: string;
  default_branch: string;
  created: boolean;
}

export async function importGithubRepositories(
  sql: Sql,
  principal: Principal,
  id: string,
  input: ImportInput,
  deps: IntegrationDeps,
  ctx: AuditContext,
): Promise<ImportedProject[]> {
  authorize(principal, "settings", "manage");
  authorize(principal, "projects", "write");
  const tenantId = principal.tenantId;
  await githubIntegration(sql, tenantId, id);
  const client = await withTenant(sql, tenantId, (tx) => getClient(tx, tenantId, input.client_id));
  if (!client) throw new ValidationError([{ path: "client_id", message: "no such client" }]);
  if (client.archived_at) {
    throw new ValidationError([{ path: "client_id", message: `"${client.name}" is archived: restore it first` }]);
  }
  const found = await withGithub(sql, deps, tenantId, id, ctx.now, async (call) => {
    const out: GithubRepository[] = [];
    for (const [i, wanted] of input.repositories.entries()) {
      try {
        out.push(await getRepository(call, wanted.full_name));
      } catch (error) {
        if (!(error instanceof GithubRefused && error.status === 404)) throw error;
        throw new ValidationError([{
          path: `repositories.${i}.full_name`,
          message: `GitHub shows the connected account no repository ${wanted.full_name}`,
        }]);
      }
    }
    return out;
  });
  return await withTenant(sql, tenantId, async (tx) => {
    const results: ImportedProject[] = [];
    for (const [i, repo] of found.entries()) {
      const name = input.repositories[i].name ?? repo.full_name.split("/")[1];
      const slug = slugify(name);
      const claims = await gq.projectsClaiming(tx, tenantId, { htmlUrl: repo.html_url, name, slug });
      const same = claims.find((c) => c.same_repository);
      const link = {
        integrationId: id,
        repositoryId: repo.id,
        fullName: repo.full_name,
        defaultBranch: repo.default_branch,
      };
      if (same) {
        const before = await gq.repositoryOfProject(tx, tenantId, same.id);
        await gq.linkRepository(tx, tenantId, { projectId: same.id, ...link });
        if (!before || before.default_branch !== repo.default_branch || before.integration_id !== id) {
          await recordAudit(tx, ctx, {
            tenantId,
            action: "project.link_repository",
            resourceType: "project",
            resourceId: same.id,
            details: { full_name: repo.full_name, default_branch: repo.default_branch, integration_id: id },
          });
        }
        results.push(result(repo, same.id, same.name, false));
        continue;
      }
      if (claims.length > 0) {
        const holder = claims[0];
        throw new ConflictError(`A project called "${holder.name}" (slug ${holder.slug}) exists already`, [{
          path: `repositories.${i}.name`,
          message: `"${name}" is taken by project "${holder.name}": give ${repo.full_name} another name`,
        }]);
      }
      const projectId = await insertProjectWithEnvironments(tx, tenantId, {
        client_id: input.client_id,
        name,
        slug,
        description: repo.description?.slice(0, 5000) ?? null,
        environments: [],
        repository_url: repo.html_url,
        tags: [],
      });
      await gq.linkRepository(tx, tenantId, { projectId, ...link });
      await recordAudit(tx, ctx, {
        tenantId,
        action: "project.create",
        resourceType: "project",
        resourceId: projectId,
        after: { client_id: input.client_id, name, slug, repository_url: repo.html_url },
        details: { imported_from: repo.full_name, default_branch: repo.default_branch, integration_id: id },
      });
      results.push(result(repo, projectId, name, true));
    }
    return results;
  });
}

const result = (repo: GithubRepository, projectId: string, name: string, created: boolean): ImportedProject => ({
  full_name: repo.full_name,
  project_id: projectId,
  project_name: name,
  repository_url: repo.html_url,
  default_branch: repo.default_branch,
  created,
});
