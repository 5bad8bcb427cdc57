/**
 * Which projects maintenance covers, for the scheduler (hold alerts back), the
 * results store (leave maintenance out of uptime) and the charts (bands).
 *
 * A window covers its project, or every project of the tenant when
 * project_id is NULL. A window with an environment (the ones deployments
 * open) covers the whole project's checks too: checks have no environment, and
 * a rollout of "production" is exactly when the project's probes fail.
 * Callers may run these on the owner connection or inside withTenant; the
 * queries filter by tenant_id either way.
 */
import type { Sql } from "../../db/client.ts";
import { listWindowsOverlapping, type MaintenanceWindowRow } from "../../db/queries/maintenance_windows.ts";
import { type Interval, occurrencesBetween, parseRRule, type Recurrence } from "./rrule.ts";

/** The recurrence of a stored recurring window, or null for a one-off window. */
export function recurrenceOf(
  w: Pick<MaintenanceWindowRow, "rrule" | "dtstart_local" | "timezone" | "duration_minutes">,
): Recurrence | null {
  if (!w.rrule || !w.dtstart_local || !w.duration_minutes) return null;
  return {
    rule: parseRRule(w.rrule),
    dtstart: Temporal.PlainDateTime.from(w.dtstart_local),
    timezone: w.timezone,
    durationMinutes: w.duration_minutes,
  };
}

/**
 * The stretches of [from, to) one window covers: its own span, or each
 * occurrence of its series cut at ends_at (a series ended early stops there).
 */
export function windowIntervals(w: MaintenanceWindowRow, from: Date, to: Date): Interval[] {
  const end = w.ends_at ?? new Date(8.64e15);
  const rec = recurrenceOf(w);
  const spans = rec ? occurrencesBetween(rec, from, to) : [{ start: w.starts_at, end }];
  return spans
    .map((s) => ({ start: s.start, end: s.end.getTime() > end.getTime() ? end : s.end }))
    .filter((s) => s.end > s.start && s.end > from && s.start < to);
}

/** Which of `projectIds` a window (tenant-wide and recurring ones included) covers at `at`. */
export async function activeMaintenance(
  sql: Sql,
  tenantId: string,
  projectIds: string[],
  at: Date,
): Promise<Set<string>> {
  const covered = new Set<string>();
  if (!projectIds.length) return covered;
  const next = new Date(at.getTime() + 1);
  for (const w of await listWindowsOverlapping(sql, tenantId, projectIds, at, next)) {
    if (!windowIntervals(w, at, next).length) continue;
    if (w.project_id === null) return new Set(projectIds);
    covered.add(w.project_id);
  }
  return covered;
}

/** The stretches of [from, to) in maintenance for a project: merged, sorted, clipped. */
export async function maintenanceIntervals(
  sql: Sql,
  tenantId: string,
  projectId: string,
  from: Date,
  to: Date,
): Promise<{ start: Date; end: Date }[]> {
  const spans: Interval[] = [];
  for (const w of await listWindowsOverlapping(sql, tenantId, [projectId], from, to)) {
    spans.push(...windowIntervals(w, from, to));
  }
  return mergeIntervals(spans, from, to);
}

export function mergeIntervals(spans: Interval[], from: Date, to: Date): Interval[] {
  const clipped = spans
    .map((s) => ({ start: s.start < from ? from : s.start, end: s.end > to ? to : s.end }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start.getTime() - b.start.getTime());
  const out: Interval[] = [];
  for (const s of clipped) {
    const last = out[out.length - 1];
    if (last && s.start.getTime() <= last.end.getTime()) {
      if (s.end > last.end) last.end = s.end;
    } else {
      out.push({ ...s });
    }
  }
  return out;
}
