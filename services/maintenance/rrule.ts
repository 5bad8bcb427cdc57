/**
 * RFC 5545 recurrence rules, the subset maintenance windows need:
 * FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY (ordinals like 1MO / -1FR only
 * with MONTHLY), BYMONTHDAY (MONTHLY/DAILY, negative counts from the end),
 * BYHOUR, BYMINUTE, COUNT, UNTIL, WKST=MO.
 *
 * Occurrences are computed in LOCAL time (DTSTART's wall clock in an IANA
 * zone) with Temporal and only then turned into instants, so "daily 09:00 New
 * York" stays 09:00 local across DST. Wall-clock times that do not exist (the
 * spring-forward gap) start at the end of the gap (02:30 Berlin → 03:00);
 * times that happen twice (fall back) are taken once, at the first of them.
 */

export type Freq = "DAILY" | "WEEKLY" | "MONTHLY";

export interface RRule {
  freq: Freq;
  interval: number;
  /** weekday 1 (Monday) … 7 (Sunday), with an optional ordinal (MONTHLY: 1 = first, -1 = last). */
  byDay: { weekday: number; ordinal: number | null }[];
  byMonthDay: number[];
  byHour: number[];
  byMinute: number[];
  count: number | null;
  /** Either an instant (UNTIL=…Z) or a local date-time; inclusive. */
  until: { instant: Temporal.Instant } | { local: Temporal.PlainDateTime } | null;
}

export interface Recurrence {
  rule: RRule;
  /** The first occurrence's local start. */
  dtstart: Temporal.PlainDateTime;
  timezone: string;
  durationMinutes: number;
}

export interface Interval {
  start: Date;
  end: Date;
}

/** A bad rule; `part` names the offending RRULE part (e.g. "BYDAY"). */
export class RRuleError extends Error {
  constructor(readonly part: string, message: string) {
    super(`${part}: ${message}`);
  }
}

export const MAX_COUNT = 1000;
const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
/** How far past the requested range a sparse rule (e.g. 31st falling on a Monday) is searched. */
const MAX_PERIODS = 5000;

export function parseRRule(text: string): RRule {
  const body = text.trim().replace(/^RRULE:/i, "");
  if (!body) throw new RRuleError("FREQ", "is required");
  const parts = new Map<string, string>();
  for (const piece of body.split(";")) {
    const [key, value, ...rest] = piece.split("=");
    const name = key.trim().toUpperCase();
    if (!name || value === undefined || rest.length) throw new RRuleError(name || "RRULE", "expected NAME=value");
    if (parts.has(name)) throw new RRuleError(name, "is given twice");
    parts.set(name, value.trim().toUpperCase());
  }
  const known = ["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYHOUR", "BYMINUTE", "COUNT", "UNTIL", "WKST"];
  for (const name of parts.keys()) {
    if (!known.includes(name)) throw new RRuleError(name, `is not supported (use ${known.join(", ")})`);
  }
  const freq = parts.get("FREQ");
  if (freq !== "DAILY" && freq !== "WEEKLY" && freq !== "MONTHLY") {
    throw new RRuleError("FREQ", "must be DAILY, WEEKLY or MONTHLY");
  }
  if (parts.has("WKST") && parts.get("WKST") !== "MO") throw new RRuleError("WKST", "only MO is supported");
  const rule: RRule = {
    freq,
    interval: parts.has("INTERVAL") ? integer(parts.get("INTERVAL")!, "INTERVAL", 1, 1000) : 1,
    byDay: parts.has("BYDAY") ? list(parts.get("BYDAY")!, "BYDAY").map((d) => weekday(d, freq)) : [],
    byMonthDay: parts.has("BYMONTHDAY") ? list(parts.get("BYMONTHDAY")!, "BYMONTHDAY").map(monthDay) : [],
    byHour: parts.has("BYHOUR") ? list(parts.get("BYHOUR")!, "BYHOUR").map((h) => integer(h, "BYHOUR", 0, 23)) : [],
    byMinute: parts.has("BYMINUTE")
      ? list(parts.get("BYMINUTE")!, "BYMINUTE").map((m) => integer(m, "BYMINUTE", 0, 59))
      : [],
    count: parts.has("COUNT") ? integer(parts.get("COUNT")!, "COUNT", 1, MAX_COUNT) : null,
    until: parts.has("UNTIL") ? until(parts.get("UNTIL")!) : null,
  };
  if (rule.count !== null && rule.until !== null) throw new RRuleError("UNTIL", "cannot be combined with COUNT");
  if (freq === "WEEKLY" && rule.byMonthDay.length) throw new RRuleError("BYMONTHDAY", "is not allowed with WEEKLY");
  if (rule.byHour.length * rule.byMinute.length > 96 || rule.byHour.length > 24 || rule.byMinute.length > 60) {
    throw new RRuleError("BYMINUTE", "at most 96 times a day");
  }
  return rule;
}

function list(value: string, part: string): string[] {
  const items = value.split(",").map((s) => s.trim());
  if (items.some((s) => !s)) throw new RRuleError(part, "has an empty item");
  if (items.length > 60) throw new RRuleError(part, "has too many items");
  return items;
}

function integer(value: string, part: string, min: number, max: number): number {
  if (!/^[+-]?\d{1,4}$/.test(value)) throw new RRuleError(part, `"${value}" is not a whole number`);
  const n = Number(value);
  if (n < min || n > max) throw new RRuleError(part, `must be between ${min} and ${max}`);
  return n;
}

function weekday(value: string, freq: Freq): { weekday: number; ordinal: number | null } {
  const match = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(value);
  if (!match) throw new RRuleError("BYDAY", `"${value}" is not a weekday such as MO or 1MO`);
  const ordinal = match[1] === undefined ? null : Number(match[1]);
  if (ordinal !== null) {
    if (freq !== "MONTHLY") throw new RRuleError("BYDAY", "ordinals such as 1MO need FREQ=MONTHLY");
    if (ordinal === 0 || Math.abs(ordinal) > 5) throw new RRuleError("BYDAY", "ordinal must be 1…5 or -1…-5");
  }
  return { weekday: WEEKDAYS.indexOf(match[2]) + 1, ordinal };
}

function monthDay(value: string): number {
  const n = integer(value, "BYMONTHDAY", -31, 31);
  if (n === 0) throw new RRuleError("BYMONTHDAY", "0 is not a day of the month");
  return n;
}

function until(value: string): RRule["until"] {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value);
  if (!match) throw new RRuleError("UNTIL", "must look like 20261231 or 20261231T235959Z");
  const [, y, mo, d, h, mi, s, z] = match;
  try {
    const local = new Temporal.PlainDateTime(+y, +mo, +d, h ? +h : 23, h ? +mi : 59, h ? +s : 59);
    if (z) return { instant: local.toZonedDateTime("UTC").toInstant() };
    return { local };
  } catch {
    throw new RRuleError("UNTIL", "is not a valid date");
  }
}

/** The instant a local wall-clock time means in `zone`: end of the gap if it does not exist, earlier if twice. */
export function localToInstant(local: Temporal.PlainDateTime, zone: string): Temporal.Instant {
  try {
    return local.toZonedDateTime(zone, { disambiguation: "reject" }).toInstant();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const earlier = local.toZonedDateTime(zone, { disambiguation: "earlier" });
    // Twice on the clock (fall back): the first one.
    if (earlier.toPlainDateTime().equals(local)) return earlier.toInstant();
    // Not on the clock (spring forward): the instant the gap ends.
    return earlier.getTimeZoneTransition("next")?.toInstant() ?? earlier.toInstant();
  }
}

/**
 * Occurrences overlapping [from, to), oldest first, at most `limit`.
 * With COUNT the series is walked from its start (COUNT ≤ 1000); otherwise
 * the walk starts at the period just before `from`, so a years-old daily
 * window costs the same as a new one.
 */
export function occurrencesBetween(rec: Recurrence, from: Date, to: Date, limit = 10_000): Interval[] {
  const out: Interval[] = [];
  const durationMs = rec.durationMinutes * 60_000;
  const untilInstant = rec.rule.until === null
    ? null
    : "instant" in rec.rule.until
    ? rec.rule.until.instant
    : localToInstant(rec.rule.until.local, rec.timezone);
  let period = rec.rule.count === null ? firstPeriodNear(rec, new Date(from.getTime() - durationMs)) : 0;
  let seen = 0;
  for (let walked = 0; walked < MAX_PERIODS; walked++, period++) {
    const start = periodStart(rec, period);
    if (localToInstant(start.toPlainDateTime(), rec.timezone).epochMilliseconds >= to.getTime() + 86_400_000) break;
    for (const local of candidates(rec, start)) {
      if (Temporal.PlainDateTime.compare(local, rec.dtstart) < 0) continue;
      const instant = localToInstant(local, rec.timezone);
      if (untilInstant && Temporal.Instant.compare(instant, untilInstant) > 0) return out;
      seen++;
      if (rec.rule.count !== null && seen > rec.rule.count) return out;
      const startMs = instant.epochMilliseconds;
      if (startMs >= to.getTime()) return out;
      if (startMs + durationMs > from.getTime()) {
        out.push({ start: new Date(startMs), end: new Date(startMs + durationMs) });
        if (out.length >= limit) return out;
      }
    }
  }
  return out;
}

/** The next `n` occurrences that have not ended by `after` (a running one included). */
export function nextOccurrences(rec: Recurrence, after: Date, n: number): Interval[] {
  return occurrencesBetween(rec, after, new Date("9999-01-01T00:00:00Z"), n);
}

/** The end of the series' last occurrence, or null when it never ends. */
export function seriesEnd(rec: Recurrence): Date | null {
  const { count, until, freq, interval } = rec.rule;
  if (count === null && until === null) return null;
  const durationMs = rec.durationMinutes * 60_000;
  if (count !== null) {
    const all = occurrencesBetween(rec, new Date(0), new Date("9999-01-01T00:00:00Z"), MAX_COUNT);
    return all.length ? all[all.length - 1].end : null;
  }
  // UNTIL: look back from it a few periods (not forward from the start: a daily series may run for decades).
  const untilMs = ("instant" in until! ? until.instant : localToInstant(until!.local, rec.timezone)).epochMilliseconds;
  const periodDays = { DAILY: 1, WEEKLY: 7, MONTHLY: 31 }[freq] * interval;
  const from = new Date(untilMs - (2 * periodDays + 2) * 86_400_000 - durationMs);
  const last = occurrencesBetween(rec, from, new Date(untilMs + 1), MAX_COUNT * 100).at(-1);
  return last ? last.end : new Date(untilMs + durationMs);
}

function firstPeriodNear(rec: Recurrence, at: Date): number {
  const date = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(rec.timezone).toPlainDate()
    .subtract({ days: 1 });
  const origin = periodStart(rec, 0);
  let units: number;
  if (rec.rule.freq === "MONTHLY") {
    units = (date.year - origin.year) * 12 + (date.month - origin.month);
  } else {
    const days = origin.until(date, { largestUnit: "days" }).days;
    units = rec.rule.freq === "WEEKLY" ? Math.floor(days / 7) : days;
  }
  return Math.max(0, Math.floor(units / rec.rule.interval));
}

/** First day of period `k`: a day, the Monday of a week, or the 1st of a month. */
function periodStart(rec: Recurrence, k: number): Temporal.PlainDate {
  const d = rec.dtstart.toPlainDate();
  const step = k * rec.rule.interval;
  if (rec.rule.freq === "DAILY") return d.add({ days: step });
  if (rec.rule.freq === "WEEKLY") return d.subtract({ days: d.dayOfWeek - 1 }).add({ weeks: step });
  return d.with({ day: 1 }).add({ months: step });
}

/** The local start times inside one period, sorted. */
function candidates(rec: Recurrence, start: Temporal.PlainDate): Temporal.PlainDateTime[] {
  const dates = datesInPeriod(rec, start);
  const hours = rec.rule.byHour.length ? [...rec.rule.byHour].sort((a, b) => a - b) : [rec.dtstart.hour];
  const minutes = rec.rule.byMinute.length ? [...rec.rule.byMinute].sort((a, b) => a - b) : [rec.dtstart.minute];
  const out: Temporal.PlainDateTime[] = [];
  for (const date of dates) {
    for (const hour of hours) {
      for (const minute of minutes) out.push(date.toPlainDateTime({ hour, minute }));
    }
  }
  return out;
}

function datesInPeriod(rec: Recurrence, start: Temporal.PlainDate): Temporal.PlainDate[] {
  const { freq, byDay, byMonthDay } = rec.rule;
  if (freq === "DAILY") {
    const okDay = !byDay.length || byDay.some((d) => d.weekday === start.dayOfWeek);
    return okDay && matchesMonthDay(start, byMonthDay) ? [start] : [];
  }
  if (freq === "WEEKLY") {
    const days = byDay.length ? byDay.map((d) => d.weekday) : [rec.dtstart.dayOfWeek];
    return [...new Set(days)].sort((a, b) => a - b).map((wd) => start.add({ days: wd - 1 }));
  }
  const month: Temporal.PlainDate[] = [];
  for (let day = 1; day <= start.daysInMonth; day++) month.push(start.with({ day }));
  if (!byDay.length && !byMonthDay.length) return month.filter((d) => d.day === rec.dtstart.day);
  return month.filter((d) =>
    (!byMonthDay.length || matchesMonthDay(d, byMonthDay)) && (!byDay.length || matchesMonthWeekday(d, byDay))
  );
}

function matchesMonthDay(d: Temporal.PlainDate, byMonthDay: number[]): boolean {
  return !byMonthDay.length || byMonthDay.some((n) => n > 0 ? d.day === n : d.day === d.daysInMonth + n + 1);
}

function matchesMonthWeekday(d: Temporal.PlainDate, byDay: RRule["byDay"]): boolean {
  const nth = Math.ceil(d.day / 7);
  const nthFromEnd = -Math.ceil((d.daysInMonth - d.day + 1) / 7);
  return byDay.some((b) =>
    b.weekday === d.dayOfWeek && (b.ordinal === null || b.ordinal === nth || b.ordinal === nthFromEnd)
  );
}
