/**
 * "Set up webhook" for an imported repository (settings:manage): creates the
 * hook at GitHub (events deployment and deployment_status, JSON) pointing at
 * Opsdeck's existing receiver, /hooks/github?tenant=<slug>, signed with the
 * tenant's webhook secret. That secret is the one the receiver verifies with,
 * generated and sealed at rest by services/github/secret.ts; if the tenant has
 * none yet, one is generated now. Setting it up again replaces the hook (the
 * old one is deleted at GitHub first), which is also how hooks pick up a
 * rotated secret. Removing deletes it at GitHub.
 */
import type { Sql } from "../../../db/client.ts";
import * as gq from "../../../db/queries/github_integration.ts";
import { getWebhookSecret } from "../../../db/queries/github_webhooks.ts";
import { getProject } from "../../../db/queries/projects.ts";
import { withTenant } from "../../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../../audits/record.ts";
import { authorize, type Principal } from "../../auth/permissions.ts";
import { openWebhookSecret, rotateWebhookSecret, webhookKeyring, webhookStatus } from "../../github/secret.ts";
import { ConflictError, NotFoundError } from "../../platform/errors.ts";
import type { IntegrationDeps } from "../integrations.ts";
import { githubIntegration, withGithub } from "./access.ts";
import { createHook, deleteHook, GithubRefused } from "./client.ts";

export const HOOK_EVENTS = ["deployment", "deployment_status"];

async function importedRepository(sql: Sql, tenantId: string, integrationId: string, projectId: string) {
  return await withTenant(sql, tenantId, async (tx) => {
    const repo = await gq.repositoryOfProject(tx, tenantId, projectId);
    if (repo?.integration_id === integrationId) return repo;
    if (!(await getProject(tx, tenantId, projectId))) throw new NotFoundError("Project not found");
    throw new ConflictError("This project was not imported from this GitHub account: import its repository first");
  });
}

/** The tenant's webhook secret in clear (to give GitHub), generating the first one if there is none. */
async function tenantSecret(sql: Sql, principal: Principal, deps: IntegrationDeps, ctx: AuditContext) {
  const keyring = await webhookKeyring({ current: deps.secret, previous: deps.previousSecrets });
  const row = await withTenant(sql, principal.tenantId, (tx) => getWebhookSecret(tx, principal.tenantId));
  return row ? await openWebhookSecret(keyring, row) : await rotateWebhookSecret(sql, principal, keyring, ctx);
}

export async function setUpWebhook(
  sql: Sql,
  principal: Principal,
  integrationId: string,
  projectId: string,
  deps: IntegrationDeps & { origin: string },
  ctx: AuditContext,
) {
  authorize(principal, "settings", "manage");
  const tenantId = principal.tenantId;
  await githubIntegration(sql, tenantId, integrationId);
  const repo = await importedRepository(sql, tenantId, integrationId, projectId);
  const { payload_url } = await webhookStatus(sql, principal, deps.origin);
  const secret = await tenantSecret(sql, principal, deps, ctx);
  const hook = await withGithub(sql, deps, tenantId, integrationId, ctx.now, async (call) => {
    if (repo.hook_id) await deleteHook(call, repo.full_name, repo.hook_id);
    try {
      return await createHook(call, repo.full_name, { url: payload_url, secret });
    } catch (error) {
      if (error instanceof GithubRefused && error.status === 422) {
        throw new ConflictError(
          `GitHub already has a webhook to ${payload_url} on ${repo.full_name}: delete it there, then set it up here`,
        );
      }
      if (error instanceof GithubRefused && error.status === 404) {
        throw new ConflictError(`The connected GitHub account may not manage webhooks of ${repo.full_name}`);
      }
      throw error;
    }
  });
  await withTenant(sql, tenantId, async (tx) => {
    await gq.setHook(tx, tenantId, projectId, { id: hook.id, at: ctx.now });
    await recordAudit(tx, ctx, {
      tenantId,
      action: repo.hook_id ? "project.github_webhook_replace" : "project.github_webhook_create",
      resourceType: "project",
      resourceId: projectId,
      details: { full_name: repo.full_name, hook_id: hook.id, payload_url, replaced_hook_id: repo.hook_id },
    });
  });
  return {
    project_id: projectId,
    full_name: repo.full_name,
    hook_id: String(hook.id),
    payload_url,
    events: HOOK_EVENTS,
    created_at: ctx.now.toISOString(),
  };
}

export async function removeWebhook(
  sql: Sql,
  principal: Principal,
  integrationId: string,
  projectId: string,
  deps: IntegrationDeps,
  ctx: AuditContext,
): Promise<void> {
  authorize(principal, "settings", "manage");
  const tenantId = principal.tenantId;
  await githubIntegration(sql, tenantId, integrationId);
  const repo = await importedRepository(sql, tenantId, integrationId, projectId);
  if (!repo.hook_id) throw new NotFoundError("No webhook was set up on this repository");
  await withGithub(
    sql,
    deps,
    tenantId,
    integrationId,
    ctx.now,
    (call) => deleteHook(call, repo.full_name, repo.hook_id!),
  );
  await withTenant(sql, tenantId, async (tx) => {
    await gq.setHook(tx, tenantId, projectId, null);
    await recordAudit(tx, ctx, {
      tenantId,
      action: "project.github_webhook_delete",
      resourceType: "project",
      resourceId: projectId,
      details: { full_name: repo.full_name, hook_id: repo.hook_id },
    });
  });
}
