/**
 * Writing a new deployment, shared by the API and the GitHub webhook: the
 * environment is added to the project when a CI run names a new one, then the
 * row, its one audit row and its event go in the caller's transaction.
 */
import type { Sql } from "../../db/client.ts";
import {
  addEnvironment,
  type DeploymentInsert,
  type DeploymentRow,
  findEnvironment,
  getDeployment,
  insertDeployment,
} from "../../db/queries/deployments.ts";
import { wakeGithubSync } from "../../db/queries/github_integration.ts";
import { insertMaintenanceWindow } from "../../db/queries/maintenance_windows.ts";
import type { ProjectRow } from "../../db/queries/projects.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { ValidationError } from "../platform/errors.ts";
import { emitEvent } from "../events/emit.ts";
import { MAX_ENVIRONMENTS } from "../projects/schemas.ts";
import { ACTIVE, eventFor, timesFor } from "./transitions.ts";

/** What a caller supplies; the row's tenant, project, window and time are filled in here. */
export type DeploymentInput = Omit<DeploymentInsert, "tenantId" | "projectId" | "maintenanceWindowId" | "now"> & {
  /** Open a maintenance window for this long (minutes) while the deployment runs. */
  maintenanceMinutes?: number;
};

/** What the audit row keeps of a deployment. */
export const snapshot = (d: DeploymentRow) => ({
  project_id: d.project_id,
  environment: d.environment,
  status: d.status,
  commit_sha: d.commit_sha,
  ref: d.ref,
  url: d.url,
  actor: d.actor,
  source: d.source,
  external_id: d.external_id,
  committed_at: d.committed_at,
  started_at: d.started_at,
  finished_at: d.finished_at,
  maintenance_window_id: d.maintenance_window_id,
});

/** Emits deployment.started / .succeeded / .failed for the status the row is now in. */
export async function emitFor(tx: Sql, ctx: AuditContext, d: DeploymentRow): Promise<void> {
  const type = eventFor(d.status);
  if (!type) return;
  await emitEvent(tx, ctx, {
    tenantId: d.tenant_id,
    type,
    subject: { type: "deployment", id: d.id },
    projectId: d.project_id,
    payload: {
      deployment: {
        id: d.id,
        environment: d.environment,
        status: d.status,
        commit_sha: d.commit_sha,
        ref: d.ref,
        url: d.url,
        actor: d.actor,
        path: `/deployments/${d.id}`,
      },
      project: { id: d.project_id, name: d.project_name, slug: d.project_slug, client_id: d.client_id },
    },
  });
}

/** The project's environment named `name` (any case), added when it is new. */
async function environmentFor(tx: Sql, project: ProjectRow, name: string): Promise<{ name: string; added: boolean }> {
  const existing = await findEnvironment(tx, project.tenant_id, project.id, name);
  if (existing) return { name: existing.name, added: false };
  const count = await addEnvironment(tx, project.tenant_id, project.id, name);
  if (count > MAX_ENVIRONMENTS) {
    throw new ValidationError([{
      path: "environment",
      message: `"${name}" is new and project "${project.name}" already has ${MAX_ENVIRONMENTS} environments`,
    }]);
  }
  return { name: (await findEnvironment(tx, project.tenant_id, project.id, name))!.name, added: true };
}

/** Inserts a deployment on `project` with its audit row and event; returns it as stored. */
export async function insertDeploymentFor(
  tx: Sql,
  ctx: AuditContext,
  project: ProjectRow,
  input: DeploymentInput,
): Promise<DeploymentRow> {
  const environment = await environmentFor(tx, project, input.environment);
  const times = timesFor(input.status, { started_at: null, finished_at: null }, {
    started_at: input.startedAt ?? undefined,
    finished_at: input.finishedAt ?? undefined,
  }, ctx.now);
  if (times.started_at && times.finished_at && times.finished_at < times.started_at) {
    throw new ValidationError([{ path: "started_at", message: "must not be after finished_at" }]);
  }
  const maintenanceWindowId = input.maintenanceMinutes && ACTIVE.includes(input.status)
    ? await insertMaintenanceWindow(tx, {
      tenantId: project.tenant_id,
      projectId: project.id,
      environment: environment.name,
      title: `Deployment of ${input.commitSha.slice(0, 7)} to ${environment.name}`,
      startsAt: ctx.now,
      endsAt: new Date(ctx.now.getTime() + input.maintenanceMinutes * 60_000),
    })
    : null;
  const id = await insertDeployment(tx, {
    ...input,
    maintenanceWindowId,
    tenantId: project.tenant_id,
    projectId: project.id,
    environment: environment.name,
    startedAt: times.started_at,
    finishedAt: times.finished_at,
    now: ctx.now,
  });
  const created = (await getDeployment(tx, project.tenant_id, id))!;
  await recordAudit(tx, ctx, {
    tenantId: project.tenant_id,
    action: "deployment.create",
    resourceType: "deployment",
    resourceId: id,
    after: snapshot(created),
    ...(environment.added ? { details: { environment_added: environment.name } } : {}),
  });
  await emitFor(tx, ctx, created);
  // A connected GitHub integration fetches the commit's message and pull request at its next pass: now, not in a minute.
  if (project.repository_url) await wakeGithubSync(tx, project.tenant_id, ctx.now);
  return created;
}
