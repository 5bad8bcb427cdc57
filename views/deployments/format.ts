/** Badges and wording for deployments, shared by the list, the project tab and the deployment's page. */
import type { DeploymentStatus } from "../../db/queries/deployments.ts";

export const DEPLOYMENT_BADGE: Record<DeploymentStatus, string> = {
  queued: "badge-queued",
  in_progress: "badge-in-progress",
  succeeded: "badge-up",
  failed: "badge-down",
  cancelled: "badge-cancelled",
  rolled_back: "badge-degraded",
};

export const STATUS_LABEL: Record<DeploymentStatus, string> = {
  queued: "queued",
  in_progress: "in progress",
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
  rolled_back: "rolled back",
};

/** "45 s", "3 min 5 s", "1 h 2 min": enough precision for a deploy. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** The first 7 characters, as Git shows a commit. */
export const shortSha = (sha: string) => sha.slice(0, 7);
