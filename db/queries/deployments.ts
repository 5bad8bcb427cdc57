import type { Sql } from "../client.ts";
import type { ApprovalStatus } from "./approvals.ts";

export const DEPLOYMENT_STATUSES = [
  "queued",
  "in_progress",
  "succeeded",
  "failed",
  "cancelled",
  "rolled_back",
] as const;
export type DeploymentStatus = typeof DEPLOYMENT_STATUSES[number];
export const DEPLOYMENT_SOURCES = ["api", "ui", "github"] as const;
export type DeploymentSource = typeof DEPLOYMENT_SOURCES[number];

export interface DeploymentRow {
  id: string;
  tenant_id: string;
  project_id: string;
  project_name: string;
  project_slug: string;
  client_id: string;
  repository_url: string | null;
  environment: string;
  status: DeploymentStatus;
  commit_sha: string;
  ref: string | null;
  url: string | null;
  actor: string | null;
  source: DeploymentSource;
  external_id: string | null;
  committed_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  created_at: Date;
  updated_at: Date;
  maintenance_window_id: string | null;
  maintenance_starts_at: Date | null;
  maintenance_ends_at: Date | null;
  /** The deploy gate (services/approvals/deploy_gate.ts), when the environment is protected. */
  approval_id: string | null;
  approval_status: ApprovalStatus | null;
  approved_by_name: string | null;
  approval_decided_at: Date | null;
  /** What GitHub says of the commit (services/integrations/github/commits.ts), once the sync worker fetched it. */
  commit_message: string | null;
  commit_author: string | null;
  pr_number: number | null;
  pr_title: string | null;
  pr_url: string | null;
}

const columns = (sql: Sql) =>
  sql`d.id, d.tenant_id, d.project_id, p.name AS project_name, p.slug AS project_slug, p.client_id, p.repository_url,
      d.environment, d.status, d.commit_sha, d.ref, d.url, d.actor, d.source, d.external_id, d.committed_at,
      d.started_at, d.finished_at, d.created_at, d.updated_at, d.maintenance_window_id,
      mw.starts_at AS maintenance_starts_at, mw.ends_at AS maintenance_ends_at,
      ga.id AS approval_id, ga.status AS approval_status, coalesce(gu.name, gu.email) AS approved_by_name,
      ga.decided_at AS approval_decided_at, gc.message AS commit_message,
      coalesce(gc.author_login, gc.author_name) AS commit_author, gc.pr_number, gc.pr_title, gc.pr_url`;

/** The deployment's project and (if it opened one) maintenance window. */
const joins = (sql: Sql) =>
  sql`JOIN projects p ON p.tenant_id = d.tenant_id AND p.id = d.project_id
      LEFT JOIN maintenance_windows mw ON mw.tenant_id = d.tenant_id AND mw.id = d.maintenance_window_id
      LEFT JOIN approvals ga ON ga.tenant_id = d.tenant_id AND ga.deployment_id = d.id
      LEFT JOIN users gu ON gu.tenant_id = ga.tenant_id AND gu.id = ga.decided_by
      LEFT JOIN github_commits gc ON gc.tenant_id = d.tenant_id AND gc.found AND gc.sha = d.commit_sha
        AND gc.repository_key = opsdeck_repository_key(p.repository_url)`;

/** One deployment; `clientId` narrows it to a client user's own client's projects. */
export async function getDeployment(
  sql: Sql,
  tenantId: string,
  id: string,
  options: { clientId?: string | null; forUpdate?: boolean } = {},
): Promise<DeploymentRow | undefined> {
  const [row] = await sql<DeploymentRow[]>`
    SELECT ${columns(sql)}
    FROM deployments d ${joins(sql)}
    WHERE d.tenant_id = ${tenantId} AND d.id = ${id}
      ${options.clientId ? sql`AND p.client_id = ${options.clientId}` : sql``}
    ${options.forUpdate ? sql`FOR UPDATE OF d` : sql``}`;
  return row;
}

/** The deployment a GitHub `deployment_status` event refers to (deployments_external_key). */
export async function findDeploymentByExternalId(
  sql: Sql,
  tenantId: string,
  source: DeploymentSource,
  externalId: string,
): Promise<{ id: string } | undefined> {
  const [row] = await sql<{ id: string }[]>`
    SELECT id FROM deployments
    WHERE tenant_id = ${tenantId} AND source = ${source} AND external_id = ${externalId}
    FOR UPDATE`;
  return row;
}

export interface DeploymentFilter {
  projectId?: string;
  environment?: string;
  status?: DeploymentStatus;
  since?: Date;
  until?: Date;
  clientId: string | null;
  /** Keyset cursor: (created_at, id) of the previous page's last row. */
  after?: [Date, string];
  limit: number;
}

/** A page of deployments, newest first, `limit + 1` rows (deployments_created_idx / _project_env_idx). */
export async function listDeployments(sql: Sql, tenantId: string, f: DeploymentFilter): Promise<DeploymentRow[]> {
  return await sql<DeploymentRow[]>`
    SELECT ${columns(sql)}
    FROM deployments d ${joins(sql)}
    WHERE d.tenant_id = ${tenantId}
      ${f.projectId ? sql`AND d.project_id = ${f.projectId}` : sql``}
      ${f.environment ? sql`AND d.environment = ${f.environment}` : sql``}
      ${f.status ? sql`AND d.status = ${f.status}` : sql``}
      ${f.since ? sql`AND d.created_at >= ${f.since}` : sql``}
      ${f.until ? sql`AND d.created_at < ${f.until}` : sql``}
      ${f.clientId ? sql`AND p.client_id = ${f.clientId}` : sql``}
      ${f.after ? sql`AND (d.created_at, d.id) < (${f.after[0]}, ${f.after[1]}::uuid)` : sql``}
    ORDER BY d.created_at DESC, d.id DESC
    LIMIT ${f.limit + 1}`;
}

export interface DeploymentInsert {
  tenantId: string;
  projectId: string;
  environment: string;
  status: DeploymentStatus;
  commitSha: string;
  ref: string | null;
  url: string | null;
  actor: string | null;
  source: DeploymentSource;
  externalId: string | null;
  committedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  maintenanceWindowId: string | null;
  now: Date;
}

export async function insertDeployment(sql: Sql, d: DeploymentInsert): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO deployments (tenant_id, project_id, environment, status, commit_sha, ref, url, actor, source,
                             external_id, committed_at, started_at, finished_at, maintenance_window_id, created_at,
                             updated_at)
    VALUES (${d.tenantId}, ${d.projectId}, ${d.environment}, ${d.status}, ${d.commitSha}, ${d.ref}, ${d.url},
            ${d.actor}, ${d.source}, ${d.externalId}, ${d.committedAt}, ${d.startedAt}, ${d.finishedAt},
            ${d.maintenanceWindowId}, ${d.now}, ${d.now})
    RETURNING id`;
  return row.id;
}

export interface DeploymentPatch {
  status?: DeploymentStatus;
  url?: string | null;
  started_at?: Date | null;
  finished_at?: Date | null;
  maintenance_window_id?: string | null;
}
const PATCHABLE = ["status", "url", "started_at", "finished_at", "maintenance_window_id"] as const;

export async function updateDeployment(sql: Sql, tenantId: string, id: string, patch: DeploymentPatch): Promise<void> {
  const set = PATCHABLE.filter((column) => patch[column] !== undefined);
  if (set.length === 0) return;
  await sql`
    UPDATE deployments SET ${sql(patch as Record<string, unknown>, ...set)}
    WHERE id = ${id} AND tenant_id = ${tenantId}`;
}

/** The environment of a project matching `name` case-insensitively (names are unique that way). */
export async function findEnvironment(
  sql: Sql,
  tenantId: string,
  projectId: string,
  name: string,
): Promise<{ name: string } | undefined> {
  const [row] = await sql<{ name: string }[]>`
    SELECT name FROM project_environments
    WHERE tenant_id = ${tenantId} AND project_id = ${projectId} AND lower(name) = lower(${name})`;
  return row;
}

/** Adds an environment a CI run named for the first time, after the existing ones; returns how many there are now. */
export async function addEnvironment(sql: Sql, tenantId: string, projectId: string, name: string): Promise<number> {
  const [row] = await sql<{ count: number }[]>`
    WITH added AS (
      INSERT INTO project_environments (tenant_id, project_id, name, url, position)
      SELECT ${tenantId}, ${projectId}, ${name}, NULL, coalesce(max(position) + 1, 0)
      FROM project_environments WHERE tenant_id = ${tenantId} AND project_id = ${projectId}
      ON CONFLICT (tenant_id, project_id, name) DO NOTHING
      RETURNING id
    )
    SELECT (SELECT count(*) FROM project_environments
            WHERE tenant_id = ${tenantId} AND project_id = ${projectId})::int + (SELECT count(*) FROM added)::int AS count`;
  return row.count;
}

/** The latest deployment of each of a project's environments (DISTINCT ON over deployments_project_env_idx). */
export async function latestPerEnvironment(sql: Sql, tenantId: string, projectId: string): Promise<DeploymentRow[]> {
  return await sql<DeploymentRow[]>`
    SELECT DISTINCT ON (d.environment) ${columns(sql)}
    FROM deployments d ${joins(sql)}
    WHERE d.tenant_id = ${tenantId} AND d.project_id = ${projectId}
    ORDER BY d.environment, d.created_at DESC, d.id DESC`;
}

/** Projects to filter the deployments list by: the caller's visible, active ones, by name. */
export async function projectChoices(
  sql: Sql,
  tenantId: string,
  clientId: string | null,
): Promise<{ id: string; name: string }[]> {
  return await sql<{ id: string; name: string }[]>`
    SELECT id, name FROM projects
    WHERE tenant_id = ${tenantId} AND archived_at IS NULL ${clientId ? sql`AND client_id = ${clientId}` : sql``}
    ORDER BY lower(name), id LIMIT 500`;
}
