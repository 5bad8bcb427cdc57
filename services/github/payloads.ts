/**
 * The parts of GitHub's `deployment` and `deployment_status` payloads we read
 * (https://docs.github.com/webhooks/webhook-events-and-payloads). Everything
 * else in them is ignored, so GitHub adding fields never breaks the hook.
 */
import { z } from "zod";
import type { DeploymentStatus } from "../../db/queries/deployments.ts";

const Repository = z.object({
  full_name: z.string(),
  html_url: z.string(),
});

const Deployment = z.object({
  id: z.number().int(),
  sha: z.string(),
  ref: z.string().nullish(),
  environment: z.string().min(1).max(100),
  created_at: z.string().nullish(),
  creator: z.object({ login: z.string() }).nullish(),
});

export const DeploymentEventSchema = z.object({
  action: z.string(),
  deployment: Deployment,
  repository: Repository,
});

export const DeploymentStatusEventSchema = z.object({
  action: z.string(),
  deployment_status: z.object({
    state: z.enum(["error", "failure", "inactive", "in_progress", "queued", "pending", "success"]),
    target_url: z.string().nullish(),
    log_url: z.string().nullish(),
    environment_url: z.string().nullish(),
    created_at: z.string().nullish(),
    creator: z.object({ login: z.string() }).nullish(),
  }),
  deployment: Deployment,
  repository: Repository,
});

/** Just enough of any event to find the tenant by repository before the signature is checked. */
export const AnyEventSchema = z.object({ repository: Repository.partial().optional() });

/**
 * GitHub's states onto ours. `inactive` means a newer deployment to the same
 * environment superseded this one: it says nothing about success, so it is
 * acknowledged and not applied.
 */
export function statusFor(state: z.infer<typeof DeploymentStatusEventSchema>["deployment_status"]["state"]) {
  const map: Record<typeof state, DeploymentStatus | null> = {
    queued: "queued",
    pending: "queued",
    in_progress: "in_progress",
    success: "succeeded",
    failure: "failed",
    error: "failed",
    inactive: null,
  };
  return map[state];
}
