/** The overview's "now" for one reader: their scope, and the checklist only for those who can act on it. */
import type { Sql } from "../../db/client.ts";
import { type NowRow, overviewNow } from "../../db/queries/overview.ts";
import { withTenant } from "../../db/tenant.ts";
import { can, type Principal } from "../auth/permissions.ts";
import { uncoveredChecks } from "../notifications/coverage.ts";

export interface OverviewNow extends NowRow {
  /** Admins set the organisation up: they see the first-run checklist until it is done. */
  showChecklist: boolean;
  canAddCheck: boolean;
  /** Checks whose going down would reach nobody (null for readers who do not see the wiring). */
  uncovered: Awaited<ReturnType<typeof uncoveredChecks>>;
}

export async function overviewFor(sql: Sql, principal: Principal, now: Date): Promise<OverviewNow> {
  const row = await withTenant(
    sql,
    principal.tenantId,
    (tx) => overviewNow(tx, principal.tenantId, principal.clientId, now),
  );
  const uncovered = await uncoveredChecks(sql, principal);
  const done = Object.values(row.checklist).every(Boolean);
  return {
    ...row,
    showChecklist: !done && can(principal, "users", "write") && can(principal, "notification_channels", "write"),
    canAddCheck: can(principal, "health_checks", "write"),
    uncovered,
  };
}
