import type { Sql } from "../client.ts";
import { likePattern } from "./clients.ts";
import type { EnvironmentRow } from "./project_environments.ts";

export interface ProjectRow {
  id: string;
  tenant_id: string;
  client_id: string;
  client_name: string;
  name: string;
  slug: string;
  description: string | null;
  repository_url: string | null;
  tags: string[];
  archived_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const projectColumns = (sql: Sql) =>
  sql`p.id, p.tenant_id, p.client_id, c.name AS client_name, p.name, p.slug, p.description, p.repository_url,
      p.tags, p.archived_at, p.created_at, p.updated_at`;

/** One project of a tenant; `clientId` narrows it to a client user's own client. */
export async function getProject(
  sql: Sql,
  tenantId: string,
  id: string,
  clientId: string | null = null,
  options: { forUpdate?: boolean } = {},
): Promise<ProjectRow | undefined> {
  const [row] = await sql<ProjectRow[]>`
    SELECT ${projectColumns(sql)}
    FROM projects p JOIN clients c ON c.tenant_id = p.tenant_id AND c.id = p.client_id
    WHERE p.tenant_id = ${tenantId} AND p.id = ${id}
      ${clientId ? sql`AND p.client_id = ${clientId}` : sql``}
    ${options.forUpdate ? sql`FOR UPDATE OF p` : sql``}`;
  return row;
}

/** The project holding `slug`, if any (slugs are unique per tenant). */
export async function findProjectBySlug(
  sql: Sql,
  tenantId: string,
  slug: string,
): Promise<{ id: string; name: string } | undefined> {
  const [row] = await sql<{ id: string; name: string }[]>`
    SELECT id, name FROM projects WHERE tenant_id = ${tenantId} AND slug = ${slug}`;
  return row;
}

export const PROJECT_SORTS = ["name", "-name", "created_at", "-created_at", "updated_at", "-updated_at"] as const;
export type ProjectSort = typeof PROJECT_SORTS[number];

export interface ProjectFilter {
  q?: string;
  clientId?: string;
  tag?: string;
  archived: boolean;
  sort: ProjectSort;
  /** Keyset cursor: the sort key (as text) and id of the previous page's last row. */
  after?: [string, string];
  limit: number;
}

export interface ProjectListRow extends ProjectRow {
  /** The sort key as text, for the next page's cursor (timestamps keep their microseconds). */
  sort_value: string;
}

/**
 * A page of a tenant's projects, fetching `limit + 1` rows. Each sort walks
 * one of the indexes from 00008 in either direction; a search filters the
 * tenant's rows on the way (see 00008 for why no index serves it).
 */
export async function listProjects(sql: Sql, tenantId: string, f: ProjectFilter): Promise<ProjectListRow[]> {
  return await sql<ProjectListRow[]>`${pageQuery(sql, tenantId, f)}`;
}

/**
 * The same page with each project's environments as a JSON array, in one
 * query: the projects list answers in one round trip. The subquery runs on the
 * page only (the outer scan keeps the inner order), never on every match.
 */
export async function listProjectsWithEnvironments(
  sql: Sql,
  tenantId: string,
  f: ProjectFilter,
): Promise<(ProjectListRow & { environments: EnvironmentRow[] })[]> {
  return await sql<(ProjectListRow & { environments: EnvironmentRow[] })[]>`
    SELECT page.*, coalesce((
      SELECT json_agg(json_build_object('id', e.id, 'project_id', e.project_id, 'name', e.name, 'url', e.url,
                                        'position', e.position) ORDER BY e.position, e.name)
      FROM project_environments e WHERE e.tenant_id = page.tenant_id AND e.project_id = page.id
    ), '[]'::json) AS environments
    FROM (${pageQuery(sql, tenantId, f)}) page`;
}

function pageQuery(sql: Sql, tenantId: string, f: ProjectFilter) {
  const descending = f.sort.startsWith("-");
  const field = f.sort.replace("-", "");
  const key = field === "name" ? sql`lower(p.name)` : field === "created_at" ? sql`p.created_at` : sql`p.updated_at`;
  // Typed text on the wire: a timestamptz parameter would go through a JS Date and lose its microseconds.
  const value = (v: string) => field === "name" ? sql`${v}::text` : sql`${v}::text::timestamptz`;
  const after = f.after
    ? descending
      ? sql`AND (${key}, p.id) < (${value(f.after[0])}, ${f.after[1]}::uuid)`
      : sql`AND (${key}, p.id) > (${value(f.after[0])}, ${f.after[1]}::uuid)`
    : sql``;
  return sql`
    SELECT ${projectColumns(sql)}, (${key})::text AS sort_value
    FROM projects p JOIN clients c ON c.tenant_id = p.tenant_id AND c.id = p.client_id
    WHERE p.tenant_id = ${tenantId}
      AND ${f.archived ? sql`p.archived_at IS NOT NULL` : sql`p.archived_at IS NULL`}
      ${f.clientId ? sql`AND p.client_id = ${f.clientId}` : sql``}
      ${f.tag ? sql`AND p.tags @> ARRAY[${f.tag}]::text[]` : sql``}
      ${f.q ? sql`AND (p.name || ' ' || p.slug) ILIKE ${likePattern(f.q)}` : sql``}
      ${after}
    ORDER BY ${descending ? sql`${key} DESC, p.id DESC` : sql`${key}, p.id`}
    LIMIT ${f.limit + 1}`;
}

export interface ProjectInsert {
  clientId: string;
  name: string;
  slug: string;
  description: string | null;
  repositoryUrl: string | null;
  tags: string[];
}

export async function insertProject(sql: Sql, tenantId: string, p: ProjectInsert): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO projects (tenant_id, client_id, name, slug, description, repository_url, tags)
    VALUES (${tenantId}, ${p.clientId}, ${p.name}, ${p.slug}, ${p.description}, ${p.repositoryUrl}, ${p.tags})
    RETURNING id`;
  return row.id;
}

export interface ProjectPatch {
  client_id?: string;
  name?: string;
  slug?: string;
  description?: string | null;
  repository_url?: string | null;
  tags?: string[];
  archived_at?: Date | null;
}
const PATCHABLE = ["client_id", "name", "slug", "description", "repository_url", "tags", "archived_at"] as const;

export async function updateProject(sql: Sql, tenantId: string, id: string, patch: ProjectPatch): Promise<void> {
  const columns = PATCHABLE.filter((column) => patch[column] !== undefined);
  if (columns.length === 0) return;
  await sql`
    UPDATE projects SET ${sql(patch as Record<string, unknown>, ...columns)}
    WHERE id = ${id} AND tenant_id = ${tenantId}`;
}

/** Touches updated_at when only the environments changed, so "recently updated" sorts see it. */
export async function touchProject(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`UPDATE projects SET updated_at = now() WHERE id = ${id} AND tenant_id = ${tenantId}`;
}

export interface ProjectDependents {
  sows: number;
  change_requests: number;
  deployments: number;
  health_checks: number;
  metric_snapshots: number;
  alert_rules: number;
  alerts: number;
  notification_rules: number;
  maintenance_windows: number;
}

/** Everything that references a project with ON DELETE RESTRICT (environments cascade: they are part of it). */
export async function projectDependents(sql: Sql, tenantId: string, id: string): Promise<ProjectDependents> {
  const where = sql`WHERE tenant_id = ${tenantId} AND project_id = ${id}`;
  const [row] = await sql<ProjectDependents[]>`
    SELECT (SELECT count(*) FROM sows ${where})::int AS sows,
           (SELECT count(*) FROM change_requests ${where})::int AS change_requests,
           (SELECT count(*) FROM deployments ${where})::int AS deployments,
           (SELECT count(*) FROM health_checks ${where})::int AS health_checks,
           (SELECT count(*) FROM metric_snapshots ${where})::int AS metric_snapshots,
           (SELECT count(*) FROM alert_rules ${where})::int AS alert_rules,
           (SELECT count(*) FROM alerts ${where})::int AS alerts,
           (SELECT count(*) FROM notification_rules ${where})::int AS notification_rules,
           (SELECT count(*) FROM maintenance_windows ${where})::int AS maintenance_windows`;
  return row;
}

export async function deleteProject(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`DELETE FROM projects WHERE id = ${id} AND tenant_id = ${tenantId}`;
}

/** The tags in use, most used first, for the list's tag filter. */
export async function listProjectTags(sql: Sql, tenantId: string, clientId: string | null): Promise<string[]> {
  const rows = await sql<{ tag: string }[]>`
    SELECT t.tag FROM projects p, unnest(p.tags) AS t(tag)
    WHERE p.tenant_id = ${tenantId} AND p.archived_at IS NULL
      ${clientId ? sql`AND p.client_id = ${clientId}` : sql``}
    GROUP BY t.tag ORDER BY count(*) DESC, t.tag LIMIT 100`;
  return rows.map((r) => r.tag);
}
