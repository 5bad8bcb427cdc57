/**
 * Projects: list (search, filters, sorts, keyset pages), read, create and
 * change. Client users see only their client's projects; writes need
 * `projects:write`, and a project the caller cannot see is a 404 before any
 * permission or input check, so ids never leak.
 */
import type { Sql } from "../../db/client.ts";
import { getClient } from "../../db/queries/clients.ts";
import { deploymentCounts, listEnvironments, replaceEnvironments } from "../../db/queries/project_environments.ts";
import {
  findProjectBySlug,
  getProject,
  insertProject,
  listProjectsWithEnvironments,
  type ProjectPatch,
  type ProjectRow,
  touchProject,
  updateProject as saveProject,
} from "../../db/queries/projects.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { isUniqueViolation } from "../clients/unique.ts";
import { BadRequestError, ConflictError, NotFoundError, ValidationError } from "../platform/errors.ts";
import { isUuid } from "../platform/ids.ts";
import { decodeCursor, encodeCursor, type Page } from "../platform/pagination.ts";
import type { CreateProjectInput, ListProjectsQuery, ProjectWithEnvironments, UpdateProjectInput } from "./schemas.ts";
import { freeSlug, slugify } from "./slug.ts";

/** Adds each project's environments (one query for the lot). */
export async function withEnvironments(
  tx: Sql,
  tenantId: string,
  rows: ProjectRow[],
): Promise<ProjectWithEnvironments[]> {
  const envs = await listEnvironments(tx, tenantId, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, environments: envs.filter((e) => e.project_id === r.id) }));
}

/** The cursor carries its sort, so a cursor from another sort is a 400 rather than a wrong page. */
function decodeProjectCursor(cursor: string | undefined, sort: string): [string, string] | undefined {
  if (!cursor) return undefined;
  const [cursorSort, value, id] = decodeCursor(cursor, ["string", "string", "string"]) as string[];
  if (cursorSort !== sort || !isUuid(id)) {
    throw new BadRequestError("cursor: not a cursor returned by this list and sort");
  }
  return [value, id];
}

export async function listProjects(
  sql: Sql,
  principal: Principal,
  query: ListProjectsQuery,
): Promise<Page<ProjectWithEnvironments>> {
  authorize(principal, "projects", "read");
  const tenantId = principal.tenantId;
  const after = decodeProjectCursor(query.cursor, query.sort);
  // A client user's filter is their client, whatever they ask for; asking for another client finds nothing.
  if (principal.clientId && query.client_id && query.client_id !== principal.clientId) {
    return { data: [], next_cursor: null };
  }
  return await withTenant(sql, tenantId, async (tx) => {
    const rows = await listProjectsWithEnvironments(tx, tenantId, {
      q: query.q || undefined,
      clientId: principal.clientId ?? query.client_id,
      tag: query.tag || undefined,
      archived: query.archived,
      sort: query.sort,
      after,
      limit: query.limit,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      data: page,
      next_cursor: rows.length > query.limit ? encodeCursor([query.sort, last.sort_value, last.id]) : null,
    };
  });
}

/** One project with its environments, as the caller may see it. */
export async function getProjectFor(sql: Sql, principal: Principal, id: string): Promise<ProjectWithEnvironments> {
  authorize(principal, "projects", "read");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const project = await getProject(tx, tenantId, id, principal.clientId);
    if (!project) throw new NotFoundError("Project not found");
    return (await withEnvironments(tx, tenantId, [project]))[0];
  });
}

/** The client must be one of the tenant's and not archived; unknown and foreign ids get the same answer. */
async function checkClient(tx: Sql, tenantId: string, clientId: string): Promise<void> {
  const client = await getClient(tx, tenantId, clientId);
  if (!client) throw new ValidationError([{ path: "client_id", message: "no such client" }]);
  if (client.archived_at) {
    throw new ValidationError([{ path: "client_id", message: `"${client.name}" is archived: restore it first` }]);
  }
}

async function checkSlugFree(tx: Sql, tenantId: string, slug: string, exceptId?: string): Promise<void> {
  const existing = await findProjectBySlug(tx, tenantId, slug);
  if (existing && existing.id !== exceptId) throw slugTaken(slug, existing.name);
}

const slugTaken = (slug: string, holder?: string) =>
  new ConflictError(`The slug "${slug}" is already used${holder ? ` by project "${holder}"` : ""}`, [
    { path: "slug", message: `"${slug}" is already used${holder ? ` by "${holder}"` : ""}` },
  ]);

/** Turns a race lost on the slug index into the same 409 as the check before it. */
function slugRace(slug: string) {
  return (error: unknown): never => {
    if (isUniqueViolation(error, "projects_tenant_slug_key")) throw slugTaken(slug);
    throw error;
  };
}

export const snapshot = (p: ProjectWithEnvironments) => ({
  client_id: p.client_id,
  name: p.name,
  slug: p.slug,
  description: p.description,
  repository_url: p.repository_url,
  tags: p.tags,
  environments: p.environments.map((e) => ({ name: e.name, url: e.url })),
  archived_at: p.archived_at,
});

/** Inserts a project and its environments; the caller holds the transaction, checks and audits. */
export async function insertProjectWithEnvironments(
  tx: Sql,
  tenantId: string,
  input: CreateProjectInput & { slug: string },
): Promise<string> {
  const id = await insertProject(tx, tenantId, {
    clientId: input.client_id,
    name: input.name,
    slug: input.slug,
    description: input.description || null,
    repositoryUrl: input.repository_url ?? null,
    tags: input.tags,
  }).catch(slugRace(input.slug));
  await replaceEnvironments(tx, tenantId, id, input.environments.map((e) => ({ name: e.name, url: e.url ?? null })));
  return id;
}

export async function createProject(
  sql: Sql,
  principal: Principal,
  input: CreateProjectInput,
  ctx: AuditContext,
): Promise<ProjectWithEnvironments> {
  authorize(principal, "projects", "write");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    await checkClient(tx, tenantId, input.client_id);
    if (input.slug) await checkSlugFree(tx, tenantId, input.slug);
    const slug = input.slug ?? await freeSlug(tx, tenantId, slugify(input.name));
    const id = await insertProjectWithEnvironments(tx, tenantId, { ...input, slug });
    const project = (await withEnvironments(tx, tenantId, [(await getProject(tx, tenantId, id))!]))[0];
    await recordAudit(tx, ctx, {
      tenantId,
      action: "project.create",
      resourceType: "project",
      resourceId: id,
      after: snapshot(project),
    });
    return project;
  });
}

/** The audit action for a change: archiving and restoring are worth their own names. */
function actionFor(patch: ProjectPatch): string {
  if (patch.archived_at) return "project.archive";
  if (patch.archived_at === null) return "project.restore";
  return "project.update";
}

/** PATCH: any of the fields; environments, when given, replace the current ones as a whole. */
export async function updateProject(
  sql: Sql,
  principal: Principal,
  id: string,
  input: UpdateProjectInput,
  ctx: AuditContext,
): Promise<ProjectWithEnvironments> {
  authorize(principal, "projects", "read");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const row = await getProject(tx, tenantId, id, principal.clientId, { forUpdate: true });
    if (!row) throw new NotFoundError("Project not found");
    authorize(principal, "projects", "write");
    const before = (await withEnvironments(tx, tenantId, [row]))[0];

    const patch = await planPatch(tx, before, input, ctx.now);
    const envsChanged = input.environments !== undefined &&
      JSON.stringify(snapshot(before).environments) !==
        JSON.stringify(input.environments.map((e) => ({ name: e.name, url: e.url ?? null })));
    if (Object.keys(patch).length === 0 && !envsChanged) return before;

    await saveProject(tx, tenantId, id, patch).catch(slugRace(patch.slug ?? ""));
    if (envsChanged) {
      await checkEnvironmentRemovals(tx, tenantId, before, input.environments!.map((e) => e.name));
      await replaceEnvironments(
        tx,
        tenantId,
        id,
        input.environments!.map((e) => ({ name: e.name, url: e.url ?? null })),
      );
      if (Object.keys(patch).length === 0) await touchProject(tx, tenantId, id);
    }
    const after = (await withEnvironments(tx, tenantId, [(await getProject(tx, tenantId, id))!]))[0];
    await recordAudit(tx, ctx, {
      tenantId,
      action: actionFor(patch),
      resourceType: "project",
      resourceId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return after;
  });
}

async function planPatch(
  tx: Sql,
  before: ProjectWithEnvironments,
  input: UpdateProjectInput,
  now: Date,
): Promise<ProjectPatch> {
  const tenantId = before.tenant_id;
  const patch: ProjectPatch = {};
  if (input.client_id !== undefined && input.client_id !== before.client_id) {
    await checkClient(tx, tenantId, input.client_id);
    patch.client_id = input.client_id;
  }
  if (input.name !== undefined && input.name !== before.name) patch.name = input.name;
  if (input.slug !== undefined && input.slug !== before.slug) {
    await checkSlugFree(tx, tenantId, input.slug, before.id);
    patch.slug = input.slug;
  }
  const description = input.description === "" ? null : input.description;
  if (description !== undefined && description !== before.description) patch.description = description;
  if (input.repository_url !== undefined && input.repository_url !== before.repository_url) {
    patch.repository_url = input.repository_url;
  }
  if (input.tags !== undefined && JSON.stringify(input.tags) !== JSON.stringify(before.tags)) patch.tags = input.tags;
  if (input.archived !== undefined && input.archived !== (before.archived_at !== null)) {
    patch.archived_at = input.archived ? now : null;
  }
  return patch;
}

/** Deployments name their environment (FK RESTRICT): removing one that has deployments is refused in words. */
async function checkEnvironmentRemovals(
  tx: Sql,
  tenantId: string,
  before: ProjectWithEnvironments,
  kept: string[],
): Promise<void> {
  const removed = before.environments.filter((e) => !kept.includes(e.name));
  if (removed.length === 0) return;
  const counts = await deploymentCounts(tx, tenantId, before.id);
  const blocked = removed.filter((e) => counts.get(e.name));
  if (blocked.length) {
    const e = blocked[0];
    throw new ConflictError(
      `Cannot remove environment "${e.name}": it has ${
        counts.get(e.name)
      } deployments. Keep it, or archive the project`,
      [{ path: "environments", message: `"${e.name}" has deployments and cannot be removed` }],
    );
  }
}
