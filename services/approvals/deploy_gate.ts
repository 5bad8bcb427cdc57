/**
 * Deploy gates. A protected environment turns POST /api/v1/deployments into
 * "recorded queued, approval pending" (202); the deployment cannot move on
 * (in_progress, succeeded, failed) until the approval is approved, only be
 * cancelled. A rejection or expiry cancels it (effects.ts). CI waits on
 * GET /api/v1/approvals/{id}/wait. Protection is set per project environment
 * by holders of approvals:manage, so the people gated cannot lift the gate.
 */
import type { Sql } from "../../db/client.ts";
import {
  environmentIsProtected,
  listEnvironmentProtection,
  type ProtectedEnvironmentRow,
  setEnvironmentProtection,
} from "../../db/queries/deploy_gates.ts";
import { type DeploymentRow, type DeploymentStatus, getDeployment } from "../../db/queries/deployments.ts";
import { getProject, type ProjectRow } from "../../db/queries/projects.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { ConflictError, NotFoundError, ValidationError } from "../platform/errors.ts";
import { requestApproval } from "./engine.ts";

export async function isProtected(tx: Sql, project: ProjectRow, environment: string): Promise<boolean> {
  return await environmentIsProtected(tx, project.tenant_id, project.id, environment);
}

/** Files the gate's approval for a just-recorded deployment; returns the deployment with it. */
export async function openGate(
  tx: Sql,
  ctx: AuditContext,
  principal: Principal,
  deployment: DeploymentRow,
  requestedStatus: DeploymentStatus,
  baseUrl: string | undefined,
): Promise<DeploymentRow> {
  await requestApproval(tx, ctx, {
    tenantId: deployment.tenant_id,
    type: "deployment",
    title: `Deploy ${deployment.commit_sha.slice(0, 7)} to ${deployment.environment} (${deployment.project_name})`,
    requesterId: principal.userId,
    priority: "high",
    projectId: deployment.project_id,
    deploymentId: deployment.id,
    details: {
      environment: deployment.environment,
      commit_sha: deployment.commit_sha,
      ref: deployment.ref,
      url: deployment.url,
      actor: deployment.actor,
      requested_status: requestedStatus,
      deployment_path: `/deployments/${deployment.id}`,
    },
    baseUrl,
  });
  return (await getDeployment(tx, deployment.tenant_id, deployment.id))!;
}

/** 409 while a gated deployment waits: only cancelling it is allowed before approval. */
export function assertGateOpen(d: DeploymentRow, to: DeploymentStatus): void {
  if (!d.approval_id || d.approval_status === "approved" || d.approval_status === "completed") return;
  if (to === "cancelled" || to === d.status) return;
  throw new ConflictError(
    d.approval_status === "pending"
      ? `Deployment to ${d.environment} waits for approval: wait on /api/v1/approvals/${d.approval_id}/wait`
      : `Deployment to ${d.environment} was not approved (${d.approval_status}): it cannot run`,
    [{ path: "status", message: `the deploy gate is ${d.approval_status}` }],
  );
}

export async function listGates(sql: Sql, principal: Principal): Promise<ProtectedEnvironmentRow[]> {
  authorize(principal, "deployments", "read");
  return await withTenant(
    sql,
    principal.tenantId,
    (tx) => listEnvironmentProtection(tx, principal.tenantId, principal.clientId),
  );
}

/** PUT /api/v1/deploy-gates/{project_id}/{environment}: protect or unprotect one environment. */
export async function setProtection(
  sql: Sql,
  principal: Principal,
  projectId: string,
  environment: string,
  value: boolean,
  ctx: AuditContext,
): Promise<ProtectedEnvironmentRow> {
  authorize(principal, "deployments", "read");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const project = await getProject(tx, tenantId, projectId, principal.clientId);
    if (!project) throw new NotFoundError("Project not found");
    authorize(principal, "approvals", "manage");
    const changed = await setEnvironmentProtection(tx, tenantId, projectId, environment, value);
    if (!changed) {
      throw new ValidationError([{
        path: "environment",
        message: `project "${project.name}" has no such environment`,
      }]);
    }
    if (changed.was !== value) {
      await recordAudit(tx, ctx, {
        tenantId,
        action: value ? "deploy_gate.protect" : "deploy_gate.unprotect",
        resourceType: "project",
        resourceId: projectId,
        before: { environment: changed.name, protected: changed.was },
        after: { environment: changed.name, protected: value },
      });
    }
    return { project_id: projectId, project_name: project.name, environment: changed.name, protected: value };
  });
}
