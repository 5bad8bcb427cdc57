/**
 * How a project's checks fared around one of its deployments: 30 minutes
 * before, while it ran, and 30 minutes after it finished. The question after
 * a rollout is "did anything get worse?", and a glance at these three columns
 * answers it without opening every check.
 */
import type { Sql } from "../../db/client.ts";
import { phaseCounts } from "../../db/queries/check_history.ts";
import type { DeploymentRow } from "../../db/queries/deployments.ts";
import { withTenant } from "../../db/tenant.ts";
import { can, type Principal } from "../auth/permissions.ts";

const MARGIN_MS = 30 * 60_000;

export interface PhaseSummary {
  total: number;
  up: number;
  down: number;
  degraded: number;
}

export interface CheckAroundDeployment {
  checkId: string;
  name: string;
  /** before, during, after; null when the phase has not begun yet or had no results */
  phases: [PhaseSummary | null, PhaseSummary | null, PhaseSummary | null];
}

/** Empty when the caller cannot read health checks or the project has no results near the deployment. */
export async function checksAroundDeployment(
  sql: Sql,
  principal: Principal,
  d: Pick<DeploymentRow, "project_id" | "started_at" | "finished_at" | "created_at">,
  now: Date,
): Promise<CheckAroundDeployment[]> {
  if (!can(principal, "health_checks", "read")) return [];
  const start = d.started_at ?? d.created_at;
  const end = d.finished_at ?? now;
  const window = {
    before: new Date(start.getTime() - MARGIN_MS),
    start,
    end,
    after: new Date(Math.min(end.getTime() + MARGIN_MS, now.getTime() + 1)),
  };
  const rows = await withTenant(
    sql,
    principal.tenantId,
    (tx) => phaseCounts(tx, principal.tenantId, d.project_id, window),
  );
  const checks = new Map<string, CheckAroundDeployment>();
  for (const r of rows) {
    let check = checks.get(r.check_id);
    if (!check) {
      check = { checkId: r.check_id, name: r.check_name, phases: [null, null, null] };
      checks.set(r.check_id, check);
    }
    check.phases[r.phase as 0 | 1 | 2] = { total: r.total, up: r.up, down: r.down, degraded: r.degraded };
  }
  return [...checks.values()];
}
