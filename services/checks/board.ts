/**
 * The status board's data: the visible checks (grouped by client and
 * project), their hourly bars over the last day and their 24-hour uptime,
 * in three queries whatever the number of checks.
 */
import type { Sql } from "../../db/client.ts";
import { boardChecks, type CheckStatus, type HealthCheckRow } from "../../db/queries/health_checks.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { type Bar, statusBars, uptime } from "./history.ts";

/** More than this and the board asks for a filter: a page of thousands of rows helps nobody. */
export const BOARD_LIMIT = 1000;

/** The bars: one per hour over the last day (read from the hourly roll-ups). */
export const BAR_COUNT = 24;
export const BAR_SECONDS = 3600;

export interface BoardRow {
  check: HealthCheckRow;
  bars: Bar[];
  uptime24: number | null;
}

export interface BoardGroup {
  clientName: string;
  projectId: string;
  projectName: string;
  rows: BoardRow[];
}

export interface BoardFilters {
  project_id?: string;
  status?: CheckStatus | "paused";
}

export async function boardData(
  sql: Sql,
  principal: Principal,
  filters: BoardFilters,
  now: Date,
): Promise<{ groups: BoardGroup[]; truncated: boolean }> {
  authorize(principal, "health_checks", "read");
  const tenantId = principal.tenantId;
  const rows = await withTenant(sql, tenantId, (tx) =>
    boardChecks(tx, tenantId, {
      projectId: filters.project_id,
      status: filters.status,
      clientId: principal.clientId,
      limit: BOARD_LIMIT + 1,
    }));
  const checks = rows.slice(0, BOARD_LIMIT);
  const ids = checks.map((c) => c.id);
  // Two transactions on two pool connections: the bars and the uptime figures are read in parallel.
  const [bars, figures] = await Promise.all([
    withTenant(sql, tenantId, (tx) => statusBars(tx, tenantId, ids, now, BAR_COUNT, BAR_SECONDS)),
    withTenant(
      sql,
      tenantId,
      (tx) => uptime(tx, tenantId, checks.map((c) => ({ id: c.id, projectId: c.project_id })), now, ["h24"]),
    ),
  ]);
  const groups: BoardGroup[] = [];
  for (const check of checks) {
    let group = groups.at(-1);
    if (group?.projectId !== check.project_id) {
      group = {
        clientName: check.client_name,
        projectId: check.project_id,
        projectName: check.project_name,
        rows: [],
      };
      groups.push(group);
    }
    group.rows.push({
      check,
      bars: bars.get(check.id) ?? [],
      uptime24: figures.get(check.id)?.h24 ?? null,
    });
  }
  return { groups, truncated: rows.length > BOARD_LIMIT };
}
