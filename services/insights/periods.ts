/** Score periods: ISO weeks (Monday 00:00 UTC) and calendar months, both in UTC. */

export type PeriodKind = "week" | "month";
export const PERIODS: readonly PeriodKind[] = ["week", "month"];

export interface Period {
  kind: PeriodKind;
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;

export function periodContaining(kind: PeriodKind, t: Date): Period {
  if (kind === "month") {
    const start = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1));
    return { kind, start, end: new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1)) };
  }
  const day = Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
  const start = new Date(day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS);
  return { kind, start, end: new Date(start.getTime() + 7 * DAY_MS) };
}

/** Every period of `kind` that overlaps the `days` before `now`, oldest first. */
export function periodsBack(kind: PeriodKind, now: Date, days: number): Period[] {
  const out: Period[] = [];
  let p = periodContaining(kind, now);
  const since = now.getTime() - days * DAY_MS;
  while (p.end.getTime() > since) {
    out.unshift(p);
    p = periodContaining(kind, new Date(p.start.getTime() - 1));
  }
  return out;
}

/** Days of the period elapsed at `now` (whole period once it is over), at least 1. */
export function elapsedDays(p: Period, now: Date): number {
  const end = Math.min(p.end.getTime(), now.getTime());
  return Math.max(1, Math.ceil((end - p.start.getTime()) / DAY_MS));
}

export const isoDay = (d: Date) => d.toISOString().slice(0, 10);
