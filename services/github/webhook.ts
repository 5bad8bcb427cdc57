/**
 * /hooks/github: GitHub `deployment` and `deployment_status` events onto
 * deployments (source 'github', external_id = GitHub's deployment id).
 *
 * 1. Find the candidate tenants: the one named by `?tenant=<slug>`, else every
 *    tenant with a project on the event's repository (owner connection: no
 *    tenant is known yet).
 * 2. The first whose secret verifies X-Hub-Signature-256 is the tenant; none →
 *    401, nothing read further, nothing stored.
 * 3. `ping` is answered, other events are acknowledged and ignored (202).
 * 4. In the tenant's transaction: find the project by repository URL, create
 *    the deployment on first sight (from either event: deliveries can arrive
 *    out of order), then apply the status. A replay, or an older state
 *    arriving after a newer one, changes nothing.
 */
import type { Sql } from "../../db/client.ts";
import { type DeploymentRow, findDeploymentByExternalId, getDeployment } from "../../db/queries/deployments.ts";
import { candidateWebhookSecrets, findProjectIdByRepository } from "../../db/queries/github_webhooks.ts";
import { getProject } from "../../db/queries/projects.ts";
import { withTenant } from "../../db/tenant.ts";
import type { AuditContext } from "../audits/record.ts";
import { transitionDeployment } from "../deployments/deployments.ts";
import { insertDeploymentFor } from "../deployments/record.ts";
import { canTransition, FINISHED } from "../deployments/transitions.ts";
import { BadRequestError, UnauthorizedError } from "../platform/errors.ts";
import type { Keyring } from "../platform/secrets/crypto.ts";
import { AnyEventSchema, DeploymentEventSchema, DeploymentStatusEventSchema, statusFor } from "./payloads.ts";
import { openWebhookSecret } from "./secret.ts";
import { verifySignature } from "./signature.ts";

export interface HookRequest {
  event: string | undefined;
  signature: string | undefined;
  body: Uint8Array<ArrayBuffer>;
  tenantSlug: string | undefined;
}

export interface HookResult {
  status: 200 | 202;
  body: { result: "applied" | "unchanged" | "ignored" | "pong"; detail: string; deployment_id?: string };
}

function parse(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    return undefined;
  }
}

/** Steps 1–2: the tenant whose secret signed this body. */
async function verifiedTenant(sql: Sql, keyring: Keyring, req: HookRequest, payload: unknown): Promise<string> {
  if (!req.signature) throw new UnauthorizedError("X-Hub-Signature-256 is missing: set a secret on the GitHub webhook");
  const repositoryUrl = AnyEventSchema.safeParse(payload).data?.repository?.html_url;
  const by = req.tenantSlug ? { tenantSlug: req.tenantSlug } : repositoryUrl ? { repositoryUrl } : undefined;
  for (const candidate of by ? await candidateWebhookSecrets(sql, by) : []) {
    if (await verifySignature(await openWebhookSecret(keyring, candidate), req.body, req.signature)) {
      return candidate.tenant_id;
    }
  }
  throw new UnauthorizedError("X-Hub-Signature-256 does not match the organisation's GitHub webhook secret");
}

export async function receiveGithubHook(
  sql: Sql,
  keyring: Keyring,
  req: HookRequest,
  ctx: AuditContext,
): Promise<HookResult> {
  const payload = parse(req.body);
  const tenantId = await verifiedTenant(sql, keyring, req, payload);
  if (payload === undefined) throw new BadRequestError("The request body is not valid JSON");
  if (req.event === "ping") return { status: 200, body: { result: "pong", detail: "Webhook verified" } };
  if (req.event !== "deployment" && req.event !== "deployment_status") {
    return { status: 202, body: { result: "ignored", detail: `"${req.event ?? "unnamed"}" events are not used` } };
  }
  const schema = req.event === "deployment" ? DeploymentEventSchema : DeploymentStatusEventSchema;
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    throw new BadRequestError(`Not a GitHub ${req.event} payload: ${parsed.error.issues[0].message}`);
  }
  const event = parsed.data;
  const ghStatus = req.event === "deployment_status"
    ? DeploymentStatusEventSchema.parse(payload).deployment_status
    : null;
  const gh = event.deployment;
  if (!/^[0-9a-fA-F]{7,40}$/.test(gh.sha)) throw new BadRequestError("deployment.sha is not a commit SHA");

  return await withTenant(sql, tenantId, async (tx): Promise<HookResult> => {
    const projectId = await findProjectIdByRepository(tx, tenantId, event.repository.html_url);
    if (!projectId) {
      return {
        status: 202,
        body: { result: "ignored", detail: `No active project links ${event.repository.full_name}` },
      };
    }
    const found = await findDeploymentByExternalId(tx, tenantId, "github", String(gh.id));
    let current: DeploymentRow;
    if (found) {
      current = (await getDeployment(tx, tenantId, found.id, { forUpdate: true }))!;
    } else {
      const project = (await getProject(tx, tenantId, projectId))!;
      current = await insertDeploymentFor(tx, ctx, project, {
        environment: gh.environment,
        status: "queued",
        commitSha: gh.sha.toLowerCase(),
        ref: gh.ref ?? null,
        url: null,
        actor: gh.creator?.login ?? null,
        source: "github",
        externalId: String(gh.id),
        committedAt: null,
        startedAt: null,
        finishedAt: null,
      });
    }
    if (!ghStatus) {
      return {
        status: 200,
        body: { result: found ? "unchanged" : "applied", detail: "deployment recorded", deployment_id: current.id },
      };
    }
    return await applyStatus(tx, ctx, current, ghStatus, gh.created_at ?? undefined);
  });
}

/** Step 4's status part: legal changes apply (queued → finished steps through in_progress), stale ones are no-ops. */
async function applyStatus(
  tx: Sql,
  ctx: AuditContext,
  current: DeploymentRow,
  ghStatus: {
    state: Parameters<typeof statusFor>[0];
    target_url?: string | null;
    log_url?: string | null;
    created_at?: string | null;
  },
  deploymentCreatedAt: string | undefined,
): Promise<HookResult> {
  const to = statusFor(ghStatus.state);
  const at = ghStatus.created_at ? new Date(ghStatus.created_at) : ctx.now;
  const url = ghStatus.target_url || ghStatus.log_url || undefined;
  const done = (result: HookResult["body"]["result"], detail: string): HookResult => ({
    status: 200,
    body: { result, detail, deployment_id: current.id },
  });
  if (to === null) return done("ignored", "inactive: superseded by a newer deployment");
  if (to === current.status) return done("unchanged", `already ${to}`);
  if (current.status === "queued" && FINISHED.includes(to) && !canTransition("queued", to)) {
    const startedAt = deploymentCreatedAt ? new Date(deploymentCreatedAt) : at;
    current = await transitionDeployment(tx, ctx, current, { status: "in_progress", startedAt });
  }
  if (!canTransition(current.status, to)) {
    return done("unchanged", `${current.status}: a late ${ghStatus.state} is ignored`);
  }
  const times = to === "in_progress" ? { startedAt: at } : FINISHED.includes(to) ? { finishedAt: at } : {};
  const updated = await transitionDeployment(tx, ctx, current, { status: to, ...(url ? { url } : {}), ...times });
  return done("applied", `now ${updated.status}`);
}
