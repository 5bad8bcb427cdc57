/**
 * Who may do what with a dashboard. Staff (no client) see every dashboard of
 * the tenant; a client user only those they own or that are granted to them or
 * their role. The level is the best of: owner (admin), the role's
 * `dashboards:delete` (admin), a grant, and "staff may view". Changing also
 * needs the role's `dashboards:write`, so a grant never lifts a role's limits.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/dashboards.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { ForbiddenError, NotFoundError } from "../platform/errors.ts";
import { type Level, LEVELS } from "./schemas.ts";

const RANK: Record<Level, number> = { view: 1, edit: 2, share: 3, admin: 4 };

export function viewerOf(p: Principal): q.Viewer {
  return { userId: p.userId, roleId: p.roleId, seesAll: p.clientId === null };
}

export type LoadedDashboard = q.DashboardRow & { level: Level };

export function levelOf(p: Principal, grantRank: number): Level | null {
  const rank = Math.max(
    grantRank,
    p.clientId === null ? RANK.view : 0,
    can(p, "dashboards", "delete") ? RANK.admin : 0,
  );
  return rank === 0 ? null : LEVELS[rank - 1];
}

/** The dashboard if `p` holds at least `need` on it: 404 when they cannot see it, 403 when they see but may not. */
export async function loadDashboard(
  tx: Sql,
  p: Principal,
  id: string,
  need: Level,
  opts: { forUpdate?: boolean } = {},
): Promise<LoadedDashboard> {
  authorize(p, "dashboards", "read");
  const row = await q.getDashboard(tx, p.tenantId, id, viewerOf(p), opts);
  const level = row ? levelOf(p, row.grant_rank) : null;
  if (!row || !level) throw new NotFoundError("No such dashboard");
  if (need !== "view") authorize(p, "dashboards", "write");
  if (RANK[level] < RANK[need]) throw new ForbiddenError(`You need ${need} access to this dashboard`);
  const { grant_rank: _, ...rest } = row;
  return { ...rest, level };
}

export function atLeast(level: Level, need: Level): boolean {
  return RANK[level] >= RANK[need];
}
