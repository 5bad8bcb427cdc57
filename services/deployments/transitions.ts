/**
 * The deployment lifecycle, as pure functions: which status changes are
 * allowed, what each does to the timestamps, and which event it emits.
 *
 *   queued → in_progress → succeeded | failed | cancelled
 *   queued → failed | cancelled        (the job broke or was stopped before it started)
 *   succeeded → rolled_back
 *
 * Nothing goes back to `in_progress` or `queued`; failed, cancelled and
 * rolled_back are final.
 */
import type { DeploymentStatus } from "../../db/queries/deployments.ts";
import type { EventType } from "../../db/queries/events.ts";

const NEXT: Record<DeploymentStatus, readonly DeploymentStatus[]> = {
  queued: ["in_progress", "failed", "cancelled"],
  in_progress: ["succeeded", "failed", "cancelled"],
  succeeded: ["rolled_back"],
  failed: [],
  cancelled: [],
  rolled_back: [],
};

export const FINISHED: readonly DeploymentStatus[] = ["succeeded", "failed", "cancelled"];
export const ACTIVE: readonly DeploymentStatus[] = ["queued", "in_progress"];

export function allowedNext(from: DeploymentStatus): readonly DeploymentStatus[] {
  return NEXT[from];
}

export function canTransition(from: DeploymentStatus, to: DeploymentStatus): boolean {
  return NEXT[from].includes(to);
}

/** The event a deployment entering `status` emits (SPEC's event types), if any. */
export function eventFor(status: DeploymentStatus): EventType | null {
  if (status === "in_progress") return "deployment.started";
  if (status === "succeeded") return "deployment.succeeded";
  if (status === "failed") return "deployment.failed";
  return null;
}

/**
 * Timestamps after entering `status`: starting sets started_at (unless the
 * caller gave one), finishing sets finished_at; a deployment that finishes
 * without ever being marked started keeps started_at empty.
 */
export function timesFor(
  status: DeploymentStatus,
  current: { started_at: Date | null; finished_at: Date | null },
  given: { started_at?: Date; finished_at?: Date },
  now: Date,
): { started_at: Date | null; finished_at: Date | null } {
  const started = given.started_at ?? current.started_at ?? (status === "in_progress" ? now : null);
  const finished = FINISHED.includes(status) ? given.finished_at ?? current.finished_at ?? now : current.finished_at;
  return { started_at: started, finished_at: finished };
}
