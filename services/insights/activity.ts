/** The admin activity page: who used what over the last 30 days, per user and per resource. */
import type { Sql } from "../../db/client.ts";
import { activitySummary, recentActivity } from "../../db/queries/user_activity.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import type { ActivityQuery } from "./schemas.ts";

const WINDOW_MS = 30 * 86_400_000;

export async function userActivity(sql: Sql, principal: Principal, q: ActivityQuery, now: Date) {
  authorize(principal, "users", "manage");
  const filter = {
    userId: q.user_id,
    resourceType: q.resource_type,
    resourceId: q.resource_id,
    since: new Date(now.getTime() - WINDOW_MS),
    limit: q.limit,
  };
  const [summary, recent] = await withTenant(sql, principal.tenantId, (tx) =>
    Promise.all([
      activitySummary(tx, principal.tenantId, filter),
      recentActivity(tx, principal.tenantId, filter),
    ]));
  return {
    summary: summary.map((s) => ({ ...s, last_at: s.last_at.toISOString() })),
    recent: recent.map((r) => ({ ...r, at: r.at.toISOString() })),
  };
}
