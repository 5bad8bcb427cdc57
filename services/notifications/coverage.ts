/**
 * Warnings where nothing will notify anyone (issue 12): per check, why its
 * going down would reach nobody. Shown to those who can read the wiring
 * (notification rules); a client user sees no warnings.
 */
import type { Sql } from "../../db/client.ts";
import { checkCoverage, type CoverageRow } from "../../db/queries/notify_coverage.ts";
import { withTenant } from "../../db/tenant.ts";
import { can, type Principal } from "../auth/permissions.ts";

export const NOTIFY_GAPS = ["no_channel", "channels_broken", "no_alert_rule", "no_route"] as const;
export type NotifyGap = typeof NOTIFY_GAPS[number];

/** The plain-words reason, and where it is fixed. */
export const GAP_TEXT: Record<NotifyGap, { text: string; fix: string; href: string }> = {
  no_channel: {
    text: "the organisation has no notification channel",
    fix: "Add a channel",
    href: "/notifications",
  },
  channels_broken: {
    text: "every channel it would use is broken",
    fix: "Repair the channel",
    href: "/notifications",
  },
  no_alert_rule: {
    text: "no alert rule opens an alert when it goes down",
    fix: "Add an alert rule",
    href: "/alert-rules",
  },
  no_route: {
    text: "its alerts go to no channel",
    fix: "Pick channels under Notify",
    href: "",
  },
};

/** Why nobody would hear of this check going down, or null when someone would. */
export function gapOf(r: CoverageRow): NotifyGap | null {
  if (r.event_routes_working > 0 || (r.alerted && r.alert_routes_working > 0)) return null;
  if (r.channels === 0) return "no_channel";
  if (r.event_routes > 0 || (r.alerted && r.alert_routes > 0)) return "channels_broken";
  return r.alerted ? "no_route" : "no_alert_rule";
}

export function seesGaps(principal: Principal): boolean {
  return principal.clientId === null && can(principal, "notification_rules", "read");
}

/** The gaps of these checks (only those with one); empty for readers who do not see the wiring. */
export async function gapsOf(sql: Sql, principal: Principal, ids: string[]): Promise<Map<string, NotifyGap>> {
  if (!seesGaps(principal) || ids.length === 0) return new Map();
  const rows = await withTenant(
    sql,
    principal.tenantId,
    (tx) => checkCoverage(tx, principal.tenantId, { ids, limit: ids.length }),
  );
  return new Map(rows.flatMap((r) => {
    const gap = gapOf(r);
    return gap ? [[r.id, gap] as const] : [];
  }));
}

/** For the overview: how many of the organisation's checks reach nobody, with the first few by name. */
export async function uncoveredChecks(
  sql: Sql,
  principal: Principal,
): Promise<{ count: number; first: { id: string; name: string; gap: NotifyGap }[] } | null> {
  if (!seesGaps(principal)) return null;
  // Bounded: the overview needs a count and a few names, not every check of a large organisation.
  const rows = await withTenant(
    sql,
    principal.tenantId,
    (tx) => checkCoverage(tx, principal.tenantId, { limit: 5000 }),
  );
  const gaps = rows.flatMap((r) => {
    const gap = gapOf(r);
    return gap ? [{ id: r.id, name: r.name, gap }] : [];
  });
  return { count: gaps.length, first: gaps.slice(0, 5) };
}
