/**
 * The status board's data: the visible checks (grouped by client and
 * project), their hourly bars over the last day and their 24-hour uptime,
 * in three queries whatever the number of checks.
 */
import type { Sql } from "../../db/client.ts";
import { boardChecks, boardCounts, type CheckStatus, type HealthCheckRow } from "../../db/queries/health_checks.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { type Bar, statusBars, uptime } from "./history.ts";

/**
 * Checks per page of the board: a few screenfuls. Beyond it the board pages
 * (every check is on some page, none is dropped), so a page and its 5-s poll
 * stay small however many checks there are.
 */
export const BOARD_PAGE_SIZE = 200;

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
  /** 1-based. */
  page?: number;
}

export interface BoardData {
  groups: BoardGroup[];
  page: number;
  /** Checks on the whole board (all pages) and per shown status. */
  total: number;
  counts: Record<"up" | "down" | "degraded" | "unknown" | "paused", number>;
  hasNext: boolean;
}

export async function boardData(
  sql: Sql,
  principal: Principal,
  filters: BoardFilters,
  now: Date,
): Promise<BoardData> {
  authorize(principal, "health_checks", "read");
  const tenantId = principal.tenantId;
  const page = Math.max(1, filters.page ?? 1);
  const query = { projectId: filters.project_id, status: filters.status, clientId: principal.clientId };
  const [rows, counted] = await withTenant(sql, tenantId, (tx) =>
    Promise.all([
      boardChecks(tx, tenantId, { ...query, limit: BOARD_PAGE_SIZE, offset: (page - 1) * BOARD_PAGE_SIZE }),
      boardCounts(tx, tenantId, query),
    ]));
  const checks = rows.slice(0, BOARD_PAGE_SIZE);
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
  const counts = { up: 0, down: 0, degraded: 0, unknown: 0, paused: 0, ...counted };
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return { groups, page, total, counts, hasNext: rows.length > BOARD_PAGE_SIZE };
}
