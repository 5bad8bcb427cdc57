/**
 * Usage analytics: per platform, the share of what is configured that was
 * used in the month, and a status by the rule below (docs/insights.md).
 */
import type { Sql } from "../../db/client.ts";
import { latestUsage, type PlatformCounts, platformCounts, upsertUsage } from "../../db/queries/usage_analytics.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { isoDay, periodContaining } from "./periods.ts";

/** The status rule, in order: nothing configured, too much failing, then by the share used. */
export function usageStatus(c: PlatformCounts) {
  const usage = c.configured ? Math.round(100 * Math.min(c.active, c.configured) / c.configured) : 0;
  const status = c.configured === 0
    ? "underutilized"
    : c.failing / c.configured >= 0.2
    ? "needs_attention"
    : usage >= 75
    ? "optimal"
    : usage >= 40
    ? "moderate"
    : "underutilized";
  return { ...c, usage_percentage: usage, status } as const;
}

export async function computeUsage(sql: Sql, tenantId: string, now: Date): Promise<void> {
  const month = periodContaining("month", now);
  const counts = await platformCounts(sql, tenantId, month.start, now < month.end ? now : month.end);
  await upsertUsage(sql, tenantId, isoDay(month.start), isoDay(month.end), counts.map(usageStatus), now);
}

/** Tenant-wide (API keys, channels): staff (audits:read) only; client users get not found. */
export async function usageFor(sql: Sql, principal: Principal) {
  authorize(principal, "audits", "read");
  const rows = await withTenant(sql, principal.tenantId, (tx) => latestUsage(tx, principal.tenantId));
  return {
    period_start: rows[0]?.period_start ?? null,
    period_end: rows[0]?.period_end ?? null,
    platforms: rows.map(({ period_start: _s, period_end: _e, ...r }) => r),
  };
}
